// Options.swift — hogwild-bench's command line.

struct Options {
  /// Fewer repeats and shorter runs: a smoke test, not a measurement.
  var quick = false
  /// Sections to run (1...10).
  var sections = Set(1...10)
  var jsonPath = "bench.json"
  /// A Python with gymnasium, for section 9's bridge figures (else
  /// $HOGWILD_PYTHON; without either they are skipped).
  var python: String?

  static let usage = """
    usage: hogwild-bench [--quick] [--sections LIST] [--json PATH] [--python PATH]

    Measures hogwild-rl on this machine and prints a table (median, min–max,
    unit); writes every figure to bench.json. Finds the hogwild-rl binary next
    to this executable (or at $HOGWILD_BIN).

      --quick          fewer repeats and shorter runs (a smoke run, ~20 s)
      --sections LIST  run only these sections, e.g. 1,3,7 (default: all)
                         1 env step rate        5 time to solve
                         2 network fwd+bwd      6 memory unique to a worker
                         3 apply kernels        7 allocations per 1,000 steps
                         4 end-to-end A3C       8 roofline
                                                9 own environments (plugin, bridge)
      --json PATH      where to write the figures (default: bench.json)
      --python PATH    a Python with gymnasium for section 9's bridge figures
                       (default: $HOGWILD_PYTHON; without one they are skipped)
      --help           this text

    """

  /// Parses `args` (without the program name); nil + message on bad input.
  static func parse(_ args: [String]) -> Result<Options, UsageError> {
    var o = Options()
    var i = 0
    while i < args.count {
      let a = args[i]
      switch a {
      case "--quick": o.quick = true
      case "--help", "-h": return .failure(UsageError(message: nil))
      case "--sections", "--json", "--python":
        guard i + 1 < args.count else { return .failure(UsageError(message: "\(a) needs a value")) }
        i += 1
        if a == "--json" {
          o.jsonPath = args[i]
        } else if a == "--python" {
          o.python = args[i]
        } else {
          let parts = args[i].split(separator: ",").map { Int($0) }
          guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && (1...10).contains($0!) }) else {
            return .failure(UsageError(message: "--sections takes numbers 1-10 separated by commas, got '\(args[i])'"))
          }
          o.sections = Set(parts.map { $0! })
        }
      default:
        return .failure(UsageError(message: "unknown argument '\(a)'"))
      }
      i += 1
    }
    return .success(o)
  }
}

struct UsageError: Error {
  /// nil: --help was asked for.
  let message: String?
}
