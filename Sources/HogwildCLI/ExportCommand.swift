// ExportCommand.swift — `hogwild-rl export`: a checkpoint's network as a
// .safetensors or .npz file other tools can load (see docs/EXPORT.md).

import Formats
import HogwildSys
import Runtime

struct ExportOptions {
  var checkpoint: String?
  var format: ExportFormat?
  var out: String?
}

/// The file formats `export` writes.
enum ExportFormat: String, CaseIterable {
  case safetensors
  case npz
}

enum ExportCommand {
  static var table: OptionTable<ExportOptions> {
    OptionTable<ExportOptions>(
    command: "export",
    abstract: "Write a checkpoint's network as named float32 tensors (safetensors or npz) with its architecture.",
    usage: "hogwild-rl export --checkpoint PATH --format safetensors|npz --out FILE",
    options: [
      .init("--checkpoint", "path", "A checkpoint.bin written by 'hogwild-rl run'.") { o, v throws(UsageError) in
        guard !v.isEmpty else { throw ValueParsers.fail("--checkpoint", "a file path", v) }
        o.checkpoint = v
      },
      .init("--format", "format", "safetensors or npz.") { o, v throws(UsageError) in
        guard let f = ExportFormat(rawValue: v) else { throw ValueParsers.fail("--format", "safetensors or npz", v) }
        o.format = f
      },
      .init("--out", "file", "The file to write (replaced atomically: written to FILE.tmp, then renamed).") { o, v throws(UsageError) in
        guard !v.isEmpty else { throw ValueParsers.fail("--out", "a file path", v) }
        o.out = v
      },
    ],
    positional: nil,
    discussion: """
      Tensors, float32, row-major, in forward order: torso.<l>.weight [out, in] and
      torso.<l>.bias [out] for the hidden layers (PyTorch's nn.Linear layout), then the heads —
      policy.* (logits) and value.* for A3C/A2C, q.* for the Q family; for a Box action space
      (continuous A3C) policy_torso.*, policy.mean.*, policy.rho.* (σ² = softplus(ρ) + 1e-4),
      value_torso.*, value.*; MinAtar's conv.weight [out, in, kh, kw] and conv.bias first, with
      torso.0 reading the features flattened as PyTorch does ([filter][row][column]).
      --net lstm: lstm.weight_ih [4N, in], lstm.weight_hh [4N, N], lstm.bias [4N] (nn.LSTM's,
      gates i, f, g, o; bias_ih + bias_hh) between the torso and the heads, which read h_t.
      The architecture (algorithm, env id and spec, layer sizes, activation, heads) is JSON in
      safetensors' __metadata__ ("architecture") and, in npz, the uint8 array __metadata__.
      examples/policy.py runs either with numpy; docs/EXPORT.md states the forward pass.
      A --checkpoint that names no readable file, or an --out in a directory that does not
      exist or cannot be written: one line, exit 64. A corrupted or foreign checkpoint, or a
      failed write: one line, exit 1. Either way no file (nor FILE.tmp) is left behind.
      """)
  }

  static func main(_ args: [String]) -> Int32 {
    var o = ExportOptions()
    do {
      guard try table.parse(args, into: &o) else { return 0 }
    } catch {
      return CLI.usageFailure(error.message)
    }
    guard let path = o.checkpoint else { return CLI.usageFailure("export: --checkpoint is required") }
    guard let format = o.format else { return CLI.usageFailure("export: --format is required (safetensors or npz)") }
    guard let out = o.out else { return CLI.usageFailure("export: --out is required") }
    let bytes: [UInt8]
    let loaded: LoadedCheckpoint
    do { loaded = try LoadedCheckpoint(path: path) } catch {
      // A path that names no file is the user's input (64); a bad file, 1.
      CLI.printError("error: \(error)")
      return error.exitCode
    }
    do {
      let export = try PolicyExport(loaded)
      switch format {
      case .safetensors: bytes = SafetensorsFile.encode(export)
      case .npz: bytes = try NPZFile.encode(export)
      }
    } catch {
      CLI.printError("error: \(error)")
      return 1
    }
    do { try OutputFiles.writeAtomically(out, bytes: bytes) } catch {
      CLI.printError("error: --out: \(error)")
      return error.errno.isBadPath ? 64 : 1
    }
    return 0
  }
}
