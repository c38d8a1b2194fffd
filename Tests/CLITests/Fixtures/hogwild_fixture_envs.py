"""Standard-library environments for the tests of hogwild-rl's Python bridge
(`--env py:hogwild_fixture_envs:FACTORY`, with this directory on PYTHONPATH).

They follow Gymnasium's API (reset(seed=) -> (obs, info), step(a) -> (obs,
reward, terminated, truncated, info), observation_space/action_space, spec)
without importing gymnasium: the adaptor reads spaces by their class names,
Box and Discrete, and their shape/n/low/high attributes, so the stand-ins
below are enough.

Factories:
  corridor        8 cells, Discrete(2) left/right, reward 1 at the right end
                  (terminated), time limit 40, threshold 0.9. Learnable in a
                  few thousand steps.
  reach           continuous: a point on [-1, 1] moved by a Box(-0.5, 0.5,
                  (1,)) action toward 0.5; reward -|x - 0.5|; time limit 30.
  crash_once      corridor whose adaptor process dies (os._exit(7)) at its
                  150th step if it can create the file named by
                  $HOGWILD_FIXTURE_CRASH_FILE (O_EXCL): one bridge death per
                  run.
  crash_always    corridor whose adaptor dies at every 50th step.
  dict_space      an observation space of class Dict (unsupported).
  broken          raises while making the environment.
  not_an_env      returns an object without spaces.
  detached        corridor, but the factory first starts a process in a new
                  session that inherits stdout and sleeps for ten minutes
                  (its pid appended to $HOGWILD_FIXTURE_PID_FILE).
  double_fork     corridor, but the factory first double-forks a sleeper
                  (its pid appended to $HOGWILD_FIXTURE_PID_FILE).
  bad_discrete    a Discrete(4) observation space whose steps observe
                  $HOGWILD_FIXTURE_OBSERVATION (default -48): outside it.
  huge_reward     corridor whose every reward is 1e300.
  duck_corridor   corridor whose spaces are of other classes with the same
                  attributes (Choice: n; Cells: shape), as the duck-typed
                  contract of docs/OWN_ENV.md allows.
  duck_reach      reach with a Range(low, high, shape) action space.
  shapeless       an action space with neither n nor shape (refused).
"""

import os
import random
import subprocess
import sys
import time


class Box:
    def __init__(self, low, high, shape, dtype="float32"):
        self.shape = shape
        self.dtype = dtype
        size = 1
        for d in shape:
            size *= d
        self.low = [low] * size
        self.high = [high] * size


class Discrete:
    def __init__(self, n):
        self.n = n


class Dict:
    def __init__(self, spaces):
        self.spaces = spaces


class Spec:
    def __init__(self, id, max_episode_steps, reward_threshold):
        self.id = id
        self.max_episode_steps = max_episode_steps
        self.reward_threshold = reward_threshold


class Corridor:
    """Walk right to the end of a corridor. The observation is the position
    one-hot; the start cell is drawn from the reset seed (0 to 2)."""

    length = 8

    def __init__(self, crash_every=None, crash_file=None):
        self.observation_space = Box(0.0, 1.0, (self.length,))
        self.action_space = Discrete(2)
        self.spec = Spec("Corridor-py", 40, 0.9)
        self.rng = random.Random(0)
        self.pos = 0
        self.steps = 0
        self.crash_every = crash_every
        self.crash_file = crash_file

    def observation(self):
        return [1.0 if i == self.pos else 0.0 for i in range(self.length)]

    def reset(self, seed=None, options=None):
        if seed is not None:
            self.rng = random.Random(seed)
        self.pos = self.rng.randrange(3)
        return self.observation(), {}

    def step(self, action):
        self.steps += 1
        if self.crash_every is not None and self.steps % self.crash_every == 0:
            os._exit(7)
        if self.crash_file is not None and self.steps == 150:
            try:  # O_EXCL: of workers racing here, exactly one creates it
                os.close(os.open(self.crash_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                os._exit(7)
        self.pos = max(0, self.pos + (1 if int(action) == 1 else -1))
        done = self.pos == self.length - 1
        return self.observation(), 1.0 if done else 0.0, done, False, {}

    def close(self):
        pass


class Reach:
    """Move a point toward 0.5 with bounded continuous steps."""

    def __init__(self):
        self.observation_space = Box(-1.0, 1.0, (1,))
        self.action_space = Box(-0.5, 0.5, (1,))
        self.spec = Spec("Reach-py", 30, None)
        self.rng = random.Random(0)
        self.x = 0.0

    def reset(self, seed=None, options=None):
        if seed is not None:
            self.rng = random.Random(seed)
        self.x = self.rng.uniform(-1.0, 0.0)
        return [self.x], {}

    def step(self, action):
        a = min(0.5, max(-0.5, float(action[0])))
        self.x = min(1.0, max(-1.0, self.x + a))
        return [self.x], -abs(self.x - 0.5), False, False, {}


class Choice:
    """A discrete space by its attributes only: n."""

    def __init__(self, n):
        self.n = n


class Cells:
    """A box of observations by its attributes only: shape (no dtype, no bounds)."""

    def __init__(self, shape):
        self.shape = shape


class Range:
    """A box of actions by its attributes: shape, low, high."""

    def __init__(self, low, high, shape):
        self.shape = shape
        self.low = [low] * shape[0]
        self.high = [high] * shape[0]


class DuckCorridor(Corridor):
    def __init__(self):
        Corridor.__init__(self)
        self.observation_space = Cells((self.length,))
        self.action_space = Choice(2)


class DuckReach(Reach):
    def __init__(self):
        Reach.__init__(self)
        self.observation_space = Cells((1,))
        self.action_space = Range(-0.5, 0.5, (1,))


class Shapeless(Corridor):
    def __init__(self):
        Corridor.__init__(self)
        self.action_space = object()


class DictObservations(Corridor):
    def __init__(self):
        Corridor.__init__(self)
        self.observation_space = Dict({"position": Box(0.0, 1.0, (8,))})


def corridor():
    return Corridor()


def reach():
    return Reach()


def crash_once():
    return Corridor(crash_file=os.environ.get("HOGWILD_FIXTURE_CRASH_FILE"))


def crash_always():
    return Corridor(crash_every=50)


def dict_space():
    return DictObservations()


def broken():
    raise RuntimeError("this factory always fails")


def not_an_env():
    return object()


def note_pid(pid):
    path = os.environ.get("HOGWILD_FIXTURE_PID_FILE")
    if path:
        with open(path, "a") as f:
            f.write("%d\n" % pid)


def detached():
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    note_pid(sleeper.pid)
    return Corridor()


def double_fork():
    first = os.fork()
    if first == 0:
        second = os.fork()
        if second == 0:
            os.setsid()
            time.sleep(600)
            os._exit(0)
        note_pid(second)
        os._exit(0)
    os.waitpid(first, 0)
    return Corridor()


class BadDiscrete(Corridor):
    def __init__(self):
        Corridor.__init__(self)
        self.observation_space = Discrete(4)
        self.value = int(os.environ.get("HOGWILD_FIXTURE_OBSERVATION", "-48"))

    def reset(self, seed=None, options=None):
        return 0, {}

    def step(self, action):
        return self.value, 0.0, False, False, {}


def bad_discrete():
    return BadDiscrete()


class HugeReward(Corridor):
    def step(self, action):
        obs, _, done, truncated, info = Corridor.step(self, action)
        return obs, 1e300, done, truncated, info


def huge_reward():
    return HugeReward()
def duck_corridor():
    return DuckCorridor()


def duck_reach():
    return DuckReach()


def shapeless():
    return Shapeless()
