// SeaquestState.swift — the plain data of MinAtar Seaquest (minatar/environments/seaquest.py).
//
// Entities are small Python lists in the reference; each becomes a struct whose
// fields keep the list's order. Equality is by value, as Python's list equality,
// which `list.remove` relies on.

/// A bullet: `[x, y, direction]`, the player's (`f_bullets`) or an enemy sub's (`e_bullets`).
public struct SeaquestBullet: Equatable, Sendable {
  public var x: Int
  public var y: Int
  /// Travelling rightwards (the player's `sub_or`, an enemy's `lr`).
  public var movingRight: Bool

  public init(x: Int, y: Int, movingRight: Bool) {
    self.x = x; self.y = y; self.movingRight = movingRight
  }
}

/// An enemy fish (`e_fish`) or a diver (`divers`): `[x, y, lr, move_timer]`.
public struct SeaquestSwimmer: Equatable, Sendable {
  public var x: Int
  public var y: Int
  /// `lr`: swimming rightwards (entered at column 0).
  public var movingRight: Bool
  /// Frames until it moves one column.
  public var moveTimer: Int

  public init(x: Int, y: Int, movingRight: Bool, moveTimer: Int) {
    self.x = x; self.y = y; self.movingRight = movingRight; self.moveTimer = moveTimer
  }
}

/// An enemy submarine (`e_subs`): `[x, y, lr, move_timer, shot_timer]`.
public struct SeaquestEnemySub: Equatable, Sendable {
  public var x: Int
  public var y: Int
  /// `lr`: moving rightwards (entered at column 0).
  public var movingRight: Bool
  /// Frames until it moves one column.
  public var moveTimer: Int
  /// Frames until it shoots.
  public var shotTimer: Int

  public init(x: Int, y: Int, movingRight: Bool, moveTimer: Int, shotTimer: Int) {
    self.x = x; self.y = y; self.movingRight = movingRight
    self.moveTimer = moveTimer; self.shotTimer = shotTimer
  }
}

/// The complete state of MinAtar Seaquest, named after the reference's attributes.
/// The lists keep the reference's order (spawn order), which decides which of two
/// equal entities a removal takes.
public struct SeaquestState: MinAtarState {
  /// `oxygen`: frames of air left (200 when full).
  public var oxygen: Int
  /// `diver_count`: divers on board. Surfacing with 6 leaves −1 (as the reference does).
  public var diverCount: Int
  /// `sub_x`, `sub_y`: the player's front cell (row 0 is the surface, 8 the lowest).
  public var subX: Int
  public var subY: Int
  /// `sub_or`: facing right (the back cell is then to the left).
  public var subOr: Bool
  /// `f_bullets`, `e_bullets`: the player's and the enemy subs' bullets.
  public var fBullets: [SeaquestBullet]
  public var eBullets: [SeaquestBullet]
  /// `e_fish`, `e_subs`: the enemies.
  public var eFish: [SeaquestSwimmer]
  public var eSubs: [SeaquestEnemySub]
  /// `divers`: divers waiting to be picked up.
  public var divers: [SeaquestSwimmer]
  /// `e_spawn_speed`, `e_spawn_timer`: frames between enemy spawns, and until the next.
  public var eSpawnSpeed: Int
  public var eSpawnTimer: Int
  /// `d_spawn_timer`: frames until the next diver.
  public var dSpawnTimer: Int
  /// `move_speed`: frames between enemy moves, for enemies spawned or moving from now on.
  public var moveSpeed: Int
  /// `ramp_index`: difficulty steps taken (one per surfacing with ramping on).
  public var rampIndex: Int
  /// `shot_timer`: frames until the player may shoot again.
  public var shotTimer: Int
  /// `surface`: the player is at the surface and has already been counted there.
  public var surface: Bool
  public var terminal: Bool

  public init(oxygen: Int, diverCount: Int, subX: Int, subY: Int, subOr: Bool,
              fBullets: [SeaquestBullet], eBullets: [SeaquestBullet], eFish: [SeaquestSwimmer],
              eSubs: [SeaquestEnemySub], divers: [SeaquestSwimmer], eSpawnSpeed: Int, eSpawnTimer: Int,
              dSpawnTimer: Int, moveSpeed: Int, rampIndex: Int, shotTimer: Int, surface: Bool,
              terminal: Bool) {
    self.oxygen = oxygen; self.diverCount = diverCount
    self.subX = subX; self.subY = subY; self.subOr = subOr
    self.fBullets = fBullets; self.eBullets = eBullets
    self.eFish = eFish; self.eSubs = eSubs; self.divers = divers
    self.eSpawnSpeed = eSpawnSpeed; self.eSpawnTimer = eSpawnTimer; self.dSpawnTimer = dSpawnTimer
    self.moveSpeed = moveSpeed; self.rampIndex = rampIndex; self.shotTimer = shotTimer
    self.surface = surface; self.terminal = terminal
  }
}
