# adaptor.py — hogwild-rl's Python environment adaptor: the Python side of
# the environment bridge. adaptor.c embeds this file into the hogwild-rl
# binary at build time (so an installed hogwild-rl needs no data files); it
# runs as `python3 -c <this> probe|serve SOURCE`.
#
# probe: make the environment, print its spaces, time limit and threshold
#        as `key value` lines (PythonProbe.swift parses them), exit.
# serve: map the exchange block (descriptor 3, include/hogwild_bridge.h),
#        make the environment, answer HELLO, then RESET/STEP requests until
#        CLOSE or until the worker dies.
#
# Standard library only; it imports gymnasium only for gym: sources, numpy
# only if the environment already uses it.
import ctypes, importlib, math, mmap, os, platform, signal, struct, sys, time, traceback

BRIDGE_MAGIC, BRIDGE_VERSION = 0x31425748, 2
HELLO, RESET, STEP, CLOSE = 1, 2, 3, 4
TERMINATED, TRUNCATED, OBSERVATION_INDEX = 1, 2, 4
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
NAMESPACE_MODULES = {"ALE": "ale_py", "MinAtar": "minatar"}


class Refusal(Exception):
    """An environment we cannot serve, said in one line."""


def make_env(source, checked=True):
    """The environment `source` names. The probe makes it with Gymnasium's
    environment checker; workers make it without (checked=False): the checker
    has said its piece once, and its wrapper costs every step (~15%)."""
    kind, _, rest = source.partition(":")
    if kind == "gym":
        try:
            import gymnasium
        except ImportError:
            raise Refusal("gymnasium is not installed for %s (pip install gymnasium)" % sys.executable)
        namespace = rest.split("/", 1)[0] if "/" in rest and ":" not in rest else None
        if namespace in NAMESPACE_MODULES:
            try:
                module = importlib.import_module(NAMESPACE_MODULES[namespace])
                if hasattr(gymnasium, "register_envs"):
                    gymnasium.register_envs(module)
                # MinAtar 1.0.15 registers its Gymnasium ids (MinAtar/Breakout-v1, ...) only
                # when minatar.gym.register_envs() is called, not on import.
                if namespace == "MinAtar" and rest not in gymnasium.registry:
                    importlib.import_module("minatar.gym").register_envs()
            except ImportError:
                pass  # gymnasium.make says what is missing
        try:
            return gymnasium.make(rest) if checked else gymnasium.make(rest, disable_env_checker=True)
        except Exception as e:
            raise Refusal("gymnasium.make(%r) failed: %s: %s" % (rest, type(e).__name__, one_line(e)))
    if kind == "py":
        module_name, _, factory_name = rest.rpartition(":")
        try:
            module = importlib.import_module(module_name)
        except Exception as e:
            raise Refusal("cannot import %s: %s: %s" % (module_name, type(e).__name__, one_line(e)))
        factory = module
        for part in factory_name.split("."):
            factory = getattr(factory, part, None)
            if factory is None:
                raise Refusal("%s has no %s" % (module_name, factory_name))
        if not callable(factory):
            raise Refusal("%s.%s is not callable" % (module_name, factory_name))
        try:
            return factory()
        except Exception as e:
            raise Refusal("%s.%s() failed: %s: %s" % (module_name, factory_name, type(e).__name__, one_line(e)))
    raise Refusal("unknown source %r" % source)


def one_line(e):
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def flat_floats(values):
    """Floats of a (nested) sequence, row-major."""
    out = []
    stack = [values]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
        else:
            out.append(float(v))
    return out


# Gymnasium's spaces that the runtime cannot take, refused by name (some of them also have the
# attributes below: MultiBinary has n and shape).
UNSUPPORTED_SPACES = ("Dict", "Tuple", "MultiDiscrete", "MultiBinary", "Text", "Graph", "Sequence", "OneOf")


def space_kind(space):
    """'Discrete', 'Box' or None, by duck typing (gymnasium is not required): an object with an
    integer `n` (and no shape, or shape ()) is Discrete; one with a `shape` (and, for actions,
    `low` and `high`) is Box; Gymnasium's own classes of those names always are."""
    name = type(space).__name__
    if name in ("Discrete", "Box"):
        return name
    if name in UNSUPPORTED_SPACES:
        return None
    shape = getattr(space, "shape", None)
    if getattr(space, "n", None) is not None and (shape is None or tuple(shape) == ()):
        return "Discrete"
    if shape is not None and tuple(shape) != ():
        return "Box"
    return None


class Spaces:
    """What the runtime needs of an environment's spaces. The spaces are read by their attributes
    (docs/OWN_ENV.md, "The duck-typed contract"): Discrete: `n` (and `start`, default 0); Box:
    `shape`, `dtype` (optional; bool means binary observations) and, for actions, `low`/`high`."""

    def __init__(self, env):
        obs, act = getattr(env, "observation_space", None), getattr(env, "action_space", None)
        if obs is None or act is None:
            raise Refusal("the environment has no observation_space or action_space")
        oname, aname = space_kind(obs) or type(obs).__name__, space_kind(act) or type(act).__name__
        if oname == "Box":
            self.obs_shape = [int(d) for d in obs.shape] or [1]
            self.obs_discrete = 0
            dtype = str(getattr(obs, "dtype", "float32"))
            self.obs_binary = dtype == "bool"
        elif oname == "Discrete":
            self.obs_discrete = int(obs.n)
            self.obs_start = int(getattr(obs, "start", 0))
            self.obs_shape = [self.obs_discrete]
            self.obs_binary = True
        else:
            raise Refusal("observation space %s is not supported (Box observations, flattened to float32, "
                          "or Discrete, one-hot: an object with a shape, or with an integer n)" % oname)
        self.obs_size = 1
        for d in self.obs_shape:
            self.obs_size *= d
        if aname == "Discrete":
            self.discrete = True
            self.n = int(act.n)
            self.start = int(getattr(act, "start", 0))
            self.action_size = 1
        elif aname == "Box":
            if getattr(act, "low", None) is None or getattr(act, "high", None) is None:
                raise Refusal("the Box action space has no low or high bounds")
            self.discrete = False
            self.action_shape = tuple(int(d) for d in act.shape)
            self.action_dtype = getattr(act, "dtype", None)
            self.low = flat_floats(as_list(act.low))
            self.high = flat_floats(as_list(act.high))
            self.action_size = len(self.low)
            if self.action_size == 0:
                raise Refusal("the Box action space has no dimensions")
        else:
            raise Refusal("action space %s is not supported (Discrete: an object with an integer n; or Box: "
                          "shape, low, high)" % aname)


def as_list(x):
    return x.tolist() if hasattr(x, "tolist") else x


def describe(env, source):
    s = Spaces(env)
    spec = getattr(env, "spec", None)
    name = getattr(spec, "id", None) or (source.partition(":")[2] if source.startswith("gym:") else type(env).__name__)
    steps = getattr(spec, "max_episode_steps", None)
    threshold = getattr(spec, "reward_threshold", None)
    lines = ["hogwild-adaptor 1", "name %s" % "".join(c if c.isprintable() and not c.isspace() else "_" for c in str(name))]
    lines.append("observation_shape %s" % " ".join(str(d) for d in s.obs_shape))
    lines.append("observation_binary %d" % (1 if s.obs_binary else 0))
    if s.discrete:
        lines.append("action discrete %d" % s.n)
    else:
        lines.append("action box %d" % s.action_size)
        lines.append("action_low %s" % " ".join(repr(v) for v in s.low))
        lines.append("action_high %s" % " ".join(repr(v) for v in s.high))
    lines.append("max_episode_steps %d" % (int(steps) if steps else 0))
    lines.append("reward_threshold %s" % (repr(float(threshold)) if threshold is not None else "none"))
    lines.append("end")
    return "\n".join(lines) + "\n"


def probe(source):
    try:
        env = make_env(source)
        text = describe(env, source)
        try:
            env.close()
        except Exception:
            pass
    except Refusal as e:
        sys.stdout.write("error %s\n" % e)
        return 2
    except Exception as e:
        sys.stdout.write("error %s: %s\n" % (type(e).__name__, one_line(e)))
        return 2
    sys.stdout.write(text)
    return 0


class Futex:
    """FUTEX_WAIT / FUTEX_WAKE on a word of the shared block (ctypes + syscall)."""

    NUMBERS = {"x86_64": 202, "amd64": 202, "aarch64": 98, "arm64": 98, "riscv64": 98, "i686": 240,
               "i386": 240, "armv7l": 240, "ppc64le": 221, "ppc64": 221, "s390x": 238}

    class Timespec(ctypes.Structure):
        _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]

    def __init__(self):
        number = self.NUMBERS.get(platform.machine())
        if number is None:
            raise Refusal("no futex system call number known for %s" % platform.machine())
        libc = ctypes.CDLL(None, use_errno=True)
        self.syscall = libc.syscall
        self.syscall.restype = ctypes.c_long
        self.number = number
        self.timeout = ctypes.byref(self.Timespec(1, 0))

    def wait(self, address, expected):
        """Sleeps while the word at `address` (a c_void_p) holds `expected`, at most 1 s."""
        self.syscall(self.number, address, 0, ctypes.c_uint32(expected), self.timeout, None, 0)

    def wake(self, address):
        self.syscall(self.number, address, 1, 1, None, None, 0)


def serve(source, fd):
    block = mmap.mmap(fd, 0)
    magic, version, obs_size, action_size, action_off, obs_off, msg_off, _ = struct.unpack_from("<8I", block, 0)
    block_bytes, spin_ns = struct.unpack_from("<QQ", block, 32)
    if magic != BRIDGE_MAGIC or version != BRIDGE_VERSION:
        sys.stderr.write("hogwild adaptor: not a bridge block of version %d\n" % BRIDGE_VERSION)
        return 3
    request = ctypes.c_uint32.from_buffer(block, 64)
    adaptor_sleeping = ctypes.c_uint32.from_buffer(block, 68)
    response = ctypes.c_uint32.from_buffer(block, 128)
    request_address = ctypes.c_void_p(ctypes.addressof(request))
    response_address = ctypes.c_void_p(ctypes.addressof(response))
    futex = Futex()
    parent = os.getppid()
    # Polling pays only when another CPU is free; on a weakly ordered CPU the
    # futex calls are also our memory barriers, so we never poll there.
    if platform.machine() not in ("x86_64", "amd64", "i686", "i386"):
        spin_ns = 0
    answer = struct.Struct("<iIdq")  # status, flags, reward, observation index at offset 136

    def reply(seq, status=0, flags=0, reward=0.0, index=0):
        answer.pack_into(block, 136, status, flags, reward, index)
        response.value = seq
        futex.wake(response_address)

    def fail(seq, text):
        data = text.encode("utf-8", "replace")[: 1023] + b"\0"
        block[msg_off: msg_off + len(data)] = data
        reply(seq, status=1)

    seen = 0
    env = None
    writer = None
    while True:
        # Wait for the next request: poll, then sleep on the futex.
        seq = request.value
        if seq == seen and spin_ns:
            until = time.perf_counter_ns() + spin_ns
            while seq == seen and time.perf_counter_ns() < until:
                seq = request.value
        while seq == seen:
            adaptor_sleeping.value = 1
            seq = request.value
            if seq == seen:
                futex.wait(request_address, seen)
                if os.getppid() != parent:
                    return 0
            adaptor_sleeping.value = 0
            seq = request.value
        seen = seq
        command = struct.unpack_from("<I", block, 72)[0]
        try:
            if command == STEP:
                obs, reward, terminated, truncated, _ = env.step(read_action())
                index = writer(obs)
                flags = (TERMINATED if terminated else 0) | (TRUNCATED if truncated else 0)
                reply(seq, flags=flags | (OBSERVATION_INDEX if index is not None else 0),
                      reward=float(reward), index=index or 0)
            elif command == RESET:
                seed = struct.unpack_from("<Q", block, 80)[0]
                # Folded to 32 bits: environments on numpy's legacy RandomState
                # (minatar's) refuse seeds of 2**32 and above.
                result = env.reset(seed=(seed ^ (seed >> 32)) & 0xFFFFFFFF)
                index = writer(result[0] if isinstance(result, tuple) else result)
                reply(seq, flags=OBSERVATION_INDEX if index is not None else 0, index=index or 0)
            elif command == HELLO:
                env = make_env(source, checked=False)
                spaces = Spaces(env)
                if spaces.obs_size != obs_size or spaces.action_size != action_size:
                    raise Refusal("the environment's spaces changed since it was probed (observation %d → %d, "
                                  "action %d → %d floats)" % (obs_size, spaces.obs_size, action_size, spaces.action_size))
                read_action = action_reader(block, action_off, spaces)
                writer = observation_writer(block, obs_off, spaces)
                reply(seq)
            elif command == CLOSE:
                try:
                    close = getattr(env, "close", None)
                    if callable(close):
                        close()
                finally:
                    reply(seq)
                return 0
            else:
                raise Refusal("unknown command %d" % command)
        except Refusal as e:
            sys.stderr.write("hogwild adaptor: %s\n" % e)
            fail(seq, str(e))
            return 1
        except Exception as e:
            traceback.print_exc()
            fail(seq, "%s: %s" % (type(e).__name__, one_line(e)))
            return 1


def action_reader(block, offset, spaces):
    if spaces.discrete:
        unpack, start = struct.Struct("<f").unpack_from, spaces.start

        def read():
            return int(unpack(block, offset)[0]) + start
        return read
    unpack = struct.Struct("<%df" % spaces.action_size).unpack_from
    shape, dtype = spaces.action_shape, spaces.action_dtype
    numpy = sys.modules.get("numpy")
    if numpy is not None and dtype is not None and hasattr(dtype, "kind"):
        def read():
            return numpy.frombuffer(block, numpy.float32, spaces.action_size, offset).astype(dtype).reshape(shape)
        return read

    def read():
        return list(unpack(block, offset))
    return read


def observation_writer(block, offset, spaces):
    """A function that puts an observation where the worker takes it: into
    the observation area (returning None), or for a Discrete space as the
    index the worker checks and writes as a one-hot (returned; never written
    here, so a value outside the space cannot land outside the area)."""
    n = spaces.obs_size
    if spaces.obs_discrete:
        start = spaces.obs_start

        def write(obs):
            return max(INT64_MIN, min(INT64_MAX, int(obs) - start))
        return write
    pack = struct.Struct("<%df" % n).pack_into
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        view = numpy.frombuffer(block, numpy.float32, n, offset)

        def write(obs):
            if isinstance(obs, numpy.ndarray):
                view[:] = obs.reshape(-1)
            else:
                pack(block, offset, *flat_floats(obs))
        return write

    def write(obs):
        pack(block, offset, *flat_floats(obs))
    return write


def main(argv):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if len(argv) >= 2 and argv[0] == "probe":
        return probe(argv[1])
    if len(argv) >= 2 and argv[0] == "serve":
        return serve(argv[1], 3)
    sys.stderr.write("usage: python3 -c <adaptor> probe|serve SOURCE\n")
    return 64


sys.exit(main(sys.argv[1:]))
