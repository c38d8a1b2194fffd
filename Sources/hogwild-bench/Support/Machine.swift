// Machine.swift — what the figures were measured on.

import HogwildSys

struct Machine {
  let cpus: Int
  let model: String
  let avx2: Bool
  let avx512: Bool

  static func current() -> Machine {
    let info = readFile("/proc/cpuinfo") ?? ""
    var model = "unknown"
    var flags: Set<Substring> = []
    for line in info.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2 else { continue }
      let key = parts[0].trimmingCharacters(in: " \t")
      if key == "model name", model == "unknown" {
        model = String(parts[1].trimmingCharacters(in: " \t"))
      } else if key == "flags", flags.isEmpty {
        flags = Set(parts[1].split(separator: " "))
      }
    }
    return Machine(cpus: CurrentProcess.onlineCPUs, model: model,
                   avx2: flags.contains("avx2"), avx512: flags.contains("avx512f"))
  }

  var line: String {
    "machine: \(cpus) CPUs (nproc), \(model), AVX2 \(avx2 ? "yes" : "no"), AVX-512 \(avx512 ? "yes" : "no")"
  }
}

extension Substring {
  func trimmingCharacters(in set: String) -> Substring {
    var s = self
    while let c = s.first, set.contains(c) { s.removeFirst() }
    while let c = s.last, set.contains(c) { s.removeLast() }
    return s
  }
}
