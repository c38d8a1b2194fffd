// ApplyKernelBuild.swift — what this build's apply kernels are made of, for
// the bench's notes.

import CHogwild

public enum ApplyKernelBuild {
  /// The bits of the reciprocal-square-root estimate `--rmsprop-sqrt fast`
  /// starts from: 14 (AVX-512F), 12 (AVX, SSE), 0 (none: exact 1/√x).
  public static var fastEstimateBits: Int { Int(hw_rmsprop_fast_estimate_bits()) }
}
