"""Generate minatar_<game>.txt, the reference traces for the MinAtar tests.

Made with: Python 3.11.7, MinAtar 1.0.15, numpy 2.4.6 (x86_64 Linux).
The project never runs Python; this script only documents how the fixtures were made.
Regenerate (outside the repo's build) with:

    python3 -m venv /tmp/minvenv && /tmp/minvenv/bin/pip install minatar==1.0.15 numpy
    cd Tests/BuiltInEnvsTests/Fixtures && /tmp/minvenv/bin/python make_minatar_fixtures.py

Every trace comes from minatar.Environment(game, sticky_action_prob=0.0) with the
default difficulty ramping. The game's numpy RandomState is wrapped so that every
draw it makes is recorded with the step that made it: the Swift tests replay those
draws into the port, so random spawns are checked exactly too. A trace is a list
of segments; each starts from a recorded internal state (after reset, later in an
episode, or a state set by hand to reach rare rules) and records every step.

Format (text, whitespace separated, '#' lines are comments):

    game <Name> channels <C> minimal <a,b,...>        minimal = minimal_action_set()
    fields <name> <name> ...                          the state's fields, in column order
    segment <index> <name> <seed> <number-of-steps>
    init <value> ...                                  the state the segment starts from
    obs <i,j,...>                                     its observation (see below)
    step <t> <action> <draws> <reward> <terminal> <obs-fnv> <value> ...
    obs <i,j,...>                                     after every 25th and the last step

* action: 0..5, MinAtar's action_map index (n, l, u, r, d, f).
* draws: '-' or comma-separated draws made by the game during the step, in order:
  'r<hex>' for rand() (float.hex of the value), 'i<low>:<high>:<value>' for one
  element of randint(low, high) (vector draws are recorded element by element).
* obs-fnv: FNV-1a 64 (hex) of state().astype(uint8).tobytes(), i.e. of the
  (10, 10, C) planes in [row][column][channel] order; 'obs' lines list the flat
  indices (row*10 + column)*C + channel of the cells that are set.
* Values are the game's attributes named on the 'fields' line (MinAtar's names), after the step:
  integers in decimal, booleans 0/1, 10x10 maps as 25 hex digits of the 100 cells
  in row-major order (first cell = most significant bit), entity lists as '-'
  (empty) or entities joined by '/', each entity's list items joined by ','
  (Asterix's 8 slots use '_' for None).
"""

import copy
import os
import sys

import numpy as np
import minatar
from minatar import Environment

HERE = os.path.dirname(os.path.abspath(__file__))


class RecordingRandom:
    """Delegates to a RandomState and logs every drawn value (vector draws element-wise)."""

    def __init__(self, rs):
        self.rs = rs
        self.log = []

    def rand(self, *size):
        v = self.rs.rand(*size)
        for x in (np.ravel(v) if size else [v]):
            self.log.append("r" + float(x).hex())
        return v

    def randint(self, low, high=None, size=None):
        v = self.rs.randint(low, high, size)
        lo, hi = (0, low) if high is None else (low, high)
        for x in (np.ravel(v) if size is not None else [v]):
            self.log.append(f"i{lo}:{hi}:{int(x)}")
        return v

    def take(self):
        out, self.log = self.log, []
        return out


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def grid(m):
    m = np.asarray(m).reshape(-1)
    assert set(np.unique(m)) <= {0, 1}, m
    return format(int("".join("1" if v else "0" for v in m), 2), "025x")


def b(v):
    return "1" if v else "0"


def entities(lst, none="-"):
    if not lst:
        return "-"
    return "/".join(none if e is None else ",".join(str(int(x)) for x in e) for e in lst)


ENCODERS = {
    "breakout": lambda g: [
        ("ball_x", g.ball_x), ("ball_y", g.ball_y), ("ball_dir", g.ball_dir), ("pos", g.pos),
        ("strike", b(g.strike)), ("last_x", g.last_x), ("last_y", g.last_y), ("terminal", b(g.terminal)),
        ("brick_map", grid(g.brick_map))],
    "freeway": lambda g: [
        ("pos", g.pos), ("move_timer", g.move_timer), ("terminate_timer", g.terminate_timer),
        ("terminal", b(g.terminal)), ("cars", entities(g.cars))],
    "asterix": lambda g: [
        ("player_x", g.player_x), ("player_y", g.player_y), ("shot_timer", g.shot_timer),
        ("spawn_speed", g.spawn_speed), ("spawn_timer", g.spawn_timer), ("move_speed", g.move_speed),
        ("move_timer", g.move_timer), ("ramp_timer", g.ramp_timer), ("ramp_index", g.ramp_index),
        ("terminal", b(g.terminal)), ("entities", entities(g.entities, none="_"))],
    "space_invaders": lambda g: [
        ("pos", g.pos), ("alien_dir", g.alien_dir), ("enemy_move_interval", g.enemy_move_interval),
        ("alien_move_timer", g.alien_move_timer), ("alien_shot_timer", g.alien_shot_timer),
        ("ramp_index", g.ramp_index), ("shot_timer", g.shot_timer), ("terminal", b(g.terminal)),
        ("alien_map", grid(g.alien_map)), ("f_bullet_map", grid(g.f_bullet_map)),
        ("e_bullet_map", grid(g.e_bullet_map))],
    "seaquest": lambda g: [
        ("oxygen", g.oxygen), ("diver_count", g.diver_count), ("sub_x", g.sub_x), ("sub_y", g.sub_y),
        ("sub_or", b(g.sub_or)), ("e_spawn_speed", g.e_spawn_speed), ("e_spawn_timer", g.e_spawn_timer),
        ("d_spawn_timer", g.d_spawn_timer), ("move_speed", g.move_speed), ("ramp_index", g.ramp_index),
        ("shot_timer", g.shot_timer), ("surface", b(g.surface)), ("terminal", b(g.terminal)),
        ("f_bullets", entities(g.f_bullets)), ("e_bullets", entities(g.e_bullets)),
        ("e_fish", entities(g.e_fish)), ("e_subs", entities(g.e_subs)), ("divers", entities(g.divers))],
}


def field_names(game, g):
    return " ".join(k for k, _ in ENCODERS[game](g))


def fields(game, g):
    return " ".join(v if isinstance(v, str) else str(int(v)) for _, v in ENCODERS[game](g))


def obs_line(g):
    flat = g.state().astype(np.uint8).reshape(-1)
    return "obs " + ",".join(str(i) for i in np.flatnonzero(flat))


def obs_hash(g):
    return fnv1a64(g.state().astype(np.uint8).tobytes())


class Trace:
    def __init__(self, game):
        self.game = game
        self.lines = []
        self.segments = 0
        self.steps = 0

    def segment(self, name, seed, env, policy, max_steps, prepare=None, extra_after_terminal=0):
        """Records one segment: `prepare(g)` may set the state by hand first."""
        g = env.env
        if prepare is not None:
            prepare(g)
        g.random.take()
        body = [f"init {fields(self.game, g)}", obs_line(g)]
        t = 0
        after = 0
        while t < max_steps:
            action = int(policy(g))
            r, terminal = env.act(action)
            t += 1
            draws = g.random.take()
            body.append(f"step {t} {action} {','.join(draws) if draws else '-'} {int(r)} {b(terminal)} "
                        f"{obs_hash(g)} {fields(self.game, g)}")
            if t % 25 == 0:
                body.append(obs_line(g))
            if terminal:
                after += 1
                if after > extra_after_terminal:
                    break
        if t % 25 != 0:
            body.append(obs_line(g))
        self.lines.append(f"segment {self.segments} {name} {seed} {t}")
        self.lines.extend(body)
        self.segments += 1
        self.steps += t
        sys.stderr.write(f"{self.game} segment {name}: {t} steps, terminal={b(g.terminal)}\n")

    def write(self, env):
        name = {"space_invaders": "SpaceInvaders"}.get(self.game, self.game.title())
        path = os.path.join(HERE, f"minatar_{self.game}.txt")
        with open(path, "w") as out:
            out.write(f"# MinAtar {self.game} reference traces (see make_minatar_fixtures.py)\n")
            out.write(f"# numpy {np.__version__}, python {sys.version.split()[0]}, "
                      f"sticky_action_prob 0, difficulty_ramping True\n")
            minimal = ",".join(str(a) for a in env.minimal_action_set())
            out.write(f"game {name} channels {env.state_shape()[2]} minimal {minimal}\n")
            out.write(f"fields {field_names(self.game, env.env)}\n")
            for line in self.lines:
                out.write(line + "\n")
        sys.stderr.write(f"{path}: {self.segments} segments, {self.steps} steps, "
                         f"{os.path.getsize(path)} bytes\n")


def make_env(game, seed):
    env = Environment(game, sticky_action_prob=0.0)
    env.seed(seed)
    env.env.random = RecordingRandom(env.env.random)
    env.reset()
    return env


def lookahead_policy(rng, eps, prefer=None, depth=12, rollouts=3):
    """Random with probability eps; else the action whose short rollouts on copies of
    the game (random actions, or `prefer(g)` half of the time) survive longest and
    collect most reward."""
    def rollout_action(g):
        if prefer is not None and rng.random() < 0.5:
            return prefer(g)
        return int(rng.integers(6))

    def policy(g):
        if rng.random() < eps:
            return int(rng.integers(6))
        best, best_score = 0, None
        for a in [int(x) for x in rng.permutation(6)]:
            score = 0.0
            for _ in range(rollouts):
                c = copy.deepcopy(g)
                r, t = c.act(a)
                score += 10 * r
                for k in range(depth):
                    if t:
                        break
                    r, t = c.act(rollout_action(c))
                    score += 1 + 10 * r
                if t:
                    score -= 100
            if best_score is None or score > best_score:
                best, best_score = a, score
        return best
    return policy


# --------------------------------------------------------------------------- Breakout

def breakout_landing(g):
    """(k, columns): the ball comes down to row 9 on the k-th step from now, and the
    paddle catches it there if it then stands on one of `columns` (straight bounce
    above the old column, corner hit at the new one). The ball's path does not
    depend on the paddle until then, so a copy stepped with no-ops finds it."""
    s = copy.deepcopy(g)
    for k in range(1, 200):
        if s.ball_y == 8 and s.ball_dir in (2, 3):
            dx = 1 if s.ball_dir == 2 else -1
            return k, {s.ball_x, min(9, max(0, s.ball_x + dx))}
        s.act(0)
    raise RuntimeError("ball never comes down")


def breakout_catcher(rng, eps):
    """Random actions (all six) that still let the paddle reach the ball in time;
    with probability eps any action at all (which may miss)."""
    def policy(g):
        if rng.random() < eps:
            return int(rng.integers(6))
        k, columns = breakout_landing(g)
        allowed = []
        for a in range(6):
            pos = max(0, g.pos - 1) if a == 1 else (min(9, g.pos + 1) if a == 3 else g.pos)
            if min(abs(pos - c) for c in columns) <= k - 1:
                allowed.append(a)
        return int(rng.choice(allowed))
    return policy


def make_breakout():
    tr = Trace("breakout")
    rng = np.random.default_rng(101)
    env = make_env("breakout", 11)
    tr.segment("random", 11, env, lambda g: int(rng.integers(6)), 1000, extra_after_terminal=2)
    for seed, eps, cap in ((12, 0.0, 1500), (13, 0.005, 600), (14, 0.02, 400)):
        env = make_env("breakout", seed)
        tr.segment(f"catcher-eps{eps}", seed, env, breakout_catcher(rng, eps), cap)

    def last_brick(g):
        # One brick left, next to the ball's path: the wall is rebuilt when the ball reaches row 9.
        g.brick_map[:, :] = 0
        g.brick_map[2, 6] = 1
        g.ball_x, g.ball_y, g.ball_dir, g.pos = 4, 4, 1, 5
        g.last_x, g.last_y = 3, 5
    env = make_env("breakout", 15)
    tr.segment("last-brick", 15, env, breakout_catcher(rng, 0.0), 250, prepare=last_brick)

    def strike_stack(g):
        # A column of bricks straight ahead with strike set: the ball passes into a brick.
        g.ball_x, g.ball_y, g.ball_dir = 5, 5, 1
        g.brick_map[4, 6] = 1
        g.strike = True
        g.last_x, g.last_y = 4, 6
    env = make_env("breakout", 16)
    tr.segment("strike-into-brick", 16, env, breakout_catcher(rng, 0.0), 120, prepare=strike_stack)
    tr.write(env)


# --------------------------------------------------------------------------- Freeway

def make_freeway():
    tr = Trace("freeway")
    rng = np.random.default_rng(202)

    def survives(g, first):
        # The chicken is not sent back to row 9 within 4 frames after `first`.
        c = copy.deepcopy(g)
        r, _ = c.act(first)
        for _ in range(3):
            if r or c.pos == 9:
                break
            r, _ = c.act(0)
        return r > 0 or c.pos < 9

    def up_mostly(g):
        # Up when that is safe for a few frames, random otherwise (and now and then).
        if rng.random() < 0.1:
            return int(rng.integers(6))
        if g.move_timer == 0 and survives(g, 2):
            return 2
        return int(rng.choice([0, 0, 1, 3, 4, 5]))
    env = make_env("freeway", 21)
    tr.segment("start", 21, env, up_mostly, 400)
    # The same episode's end: play on unrecorded, then record the last frames and two
    # steps past termination (reward 0, still terminal).
    for _ in range(2350 - 400):
        env.act(up_mostly(env.env))
    tr.segment("end", 21, env, up_mostly, 400, extra_after_terminal=2)

    def crossing(g):
        # The chicken one row below the top with its move timer at 0: crossing redraws cars.
        g.pos, g.move_timer = 1, 0
    env = make_env("freeway", 22)
    tr.segment("crossing", 22, env, lambda g: int(rng.choice([0, 1, 2, 3, 4, 5])), 150, prepare=crossing)
    tr.write(env)


# --------------------------------------------------------------------------- Asterix

def make_asterix():
    tr = Trace("asterix")
    rng = np.random.default_rng(303)
    env = make_env("asterix", 31)
    tr.segment("random", 31, env, lambda g: int(rng.integers(6)), 300, extra_after_terminal=2)
    env = make_env("asterix", 32)
    tr.segment("safe", 32, env, lookahead_policy(rng, 0.05), 700)

    def full_lanes(g):
        # Every lane taken when the spawn timer runs out: only the two first draws happen.
        g.entities = [[(3 * i) % 10, i + 1, i % 2 == 0, i % 3 == 0] for i in range(8)]
        g.player_x, g.player_y = 9, 8
        g.entities[7] = None
        g.entities[3] = [0, 4, True, False]
        g.spawn_timer, g.move_timer = 0, 2
    env = make_env("asterix", 33)
    tr.segment("full-lanes", 33, env, lookahead_policy(rng, 0.0), 60, prepare=full_lanes)

    def late_ramp(g):
        # Near the end of the ramp: speeds 2, odd ramp index, ramp timer about to expire.
        g.spawn_speed, g.move_speed, g.ramp_index, g.ramp_timer = 2, 2, 7, 1
        g.spawn_timer, g.move_timer = 1, 1
    env = make_env("asterix", 34)
    tr.segment("late-ramp", 34, env, lookahead_policy(rng, 0.0), 250, prepare=late_ramp)
    tr.write(env)


# --------------------------------------------------------------------------- Space Invaders

def make_space_invaders():
    tr = Trace("space_invaders")
    rng = np.random.default_rng(404)
    env = make_env("space_invaders", 41)
    tr.segment("random", 41, env, lambda g: int(rng.integers(6)), 400, extra_after_terminal=2)

    def aim(g):
        cols = [c for c in range(10) if g.alien_map[:, c].any()]
        target = min(cols, key=lambda c: abs(c - g.pos)) if cols else g.pos
        return 5 if target == g.pos else (1 if target < g.pos else 3)
    env = make_env("space_invaders", 42)
    tr.segment("aim", 42, env, lookahead_policy(rng, 0.05, prefer=aim), 1200)

    def last_alien(g):
        # One alien left: it moves every frame; clearing it brings a new, faster wave.
        g.alien_map[:, :] = 0
        g.alien_map[5, 3] = 1
        g.enemy_move_interval, g.alien_move_timer, g.ramp_index = 7, 0, 5
        g.pos = 1
    env = make_env("space_invaders", 43)
    tr.segment("last-alien", 43, env, lookahead_policy(rng, 0.0, prefer=aim), 200, prepare=last_alien)

    def invasion(g):
        # Aliens on the bottom rows at the edge: the block steps down (and wraps) and lands.
        g.alien_map[:, :] = 0
        g.alien_map[7:10, 0:3] = 1
        g.alien_dir, g.alien_move_timer, g.pos = -1, 0, 8
    env = make_env("space_invaders", 44)
    tr.segment("invasion", 44, env, lambda g: int(rng.integers(6)), 40, prepare=invasion,
               extra_after_terminal=1)
    tr.write(env)


# --------------------------------------------------------------------------- Seaquest

def make_seaquest():
    tr = Trace("seaquest")
    rng = np.random.default_rng(505)
    env = make_env("seaquest", 51)
    tr.segment("random", 51, env, lambda g: int(rng.integers(6)), 300, extra_after_terminal=2)
    def breathe(g):
        # Collect divers, and go up for air in time once one is on board.
        if g.diver_count > 0 and g.oxygen < 40 + 10 * g.sub_y:
            return 2
        return int(rng.integers(6))
    env = make_env("seaquest", 52)
    tr.segment("safe", 52, env, lookahead_policy(rng, 0.05, prefer=breathe), 600)

    def six_divers(g):
        # Six divers on board just below the surface: surfacing pays oxygen*10//200 and
        # leaves diver_count at -1; ramping steps with an odd index.
        g.diver_count, g.sub_y, g.oxygen, g.surface, g.ramp_index = 6, 1, 157, False, 3
    env = make_env("seaquest", 53)
    tr.segment("six-divers", 53, env, lambda g: 2 if g.sub_y > 0 and g.diver_count > 0
               else int(rng.integers(6)), 120, prepare=six_divers)

    def crowded(g):
        # Fast spawning and moving enemies, divers and bullets everywhere.
        g.e_spawn_speed, g.e_spawn_timer, g.move_speed, g.d_spawn_timer = 1, 0, 2, 0
        g.sub_x, g.sub_y, g.oxygen, g.diver_count, g.surface = 4, 4, 60, 5, False
        g.divers = [[5, 4, False, 0], [2, 6, True, 3]]
        g.e_fish = [[7, 4, False, 1], [0, 3, True, 0]]
        g.e_subs = [[9, 6, False, 0, 0], [1, 2, True, 2, 4]]
        g.f_bullets = [[3, 4, False]]
    env = make_env("seaquest", 54)
    tr.segment("crowded", 54, env, lookahead_policy(rng, 0.1), 300, prepare=crowded)

    def twins(g):
        # Equal entities in one list: list.remove takes the earlier one, and the reversed
        # iteration then visits the moved entity again. (The sub in column 0 facing right
        # has its back cell in column -1, which NumPy draws in column 9.)
        g.sub_x, g.sub_y, g.sub_or, g.surface = 0, 7, True, False
        g.f_bullets = [[5, 4, True], [4, 4, True]]
        g.e_fish = [[5, 4, False, 3], [6, 4, False, 3]]
        g.e_subs = [[3, 2, True, 0, 1], [2, 2, True, 0, 1]]
        g.f_bullets += [[4, 2, False]]
        g.divers = [[6, 5, False, 0], [7, 5, False, 0]]
        g.e_bullets = [[8, 1, True], [7, 1, True], [9, 3, True]]
        g.e_spawn_timer, g.d_spawn_timer = 5, 7
    env = make_env("seaquest", 55)
    tr.segment("twins", 55, env, lambda g: 0, 30, prepare=twins)

    def shot_while_dying(g):
        # An enemy sub moves onto a player bullet as its shot timer runs out: it is
        # removed (+1) and still fires, from the cell where it died.
        g.sub_x, g.sub_y, g.sub_or, g.surface = 8, 7, False, False
        g.e_subs = [[3, 5, True, 0, 0]]
        g.f_bullets = [[5, 5, False]]
        g.e_spawn_timer, g.d_spawn_timer = 9, 9
    env = make_env("seaquest", 58)
    tr.segment("shot-while-dying", 58, env, lambda g: 0, 8, prepare=shot_while_dying)

    def out_of_air(g):
        g.sub_y, g.oxygen, g.surface = 5, 2, False
    env = make_env("seaquest", 56)
    tr.segment("out-of-air", 56, env, lambda g: 0, 10, prepare=out_of_air, extra_after_terminal=1)

    def surface_empty(g):
        g.sub_y, g.diver_count, g.surface = 1, 0, False
    env = make_env("seaquest", 57)
    tr.segment("surface-empty", 57, env, lambda g: 2, 5, prepare=surface_empty)
    tr.write(env)


def main():
    assert minatar.__name__ == "minatar"
    make_breakout()
    make_freeway()
    make_asterix()
    make_space_invaders()
    make_seaquest()


if __name__ == "__main__":
    main()
