// PythonAdaptor.swift — the Python side of the environment bridge:
// Sources/CEnvHost/adaptor.py, embedded into the binary at build time (so an
// installed hogwild-rl needs no data files) and run as
// `python3 -c <source> probe|serve SOURCE`. What the two modes do is said at
// the top of adaptor.py.

import CEnvHost

enum PythonAdaptor {
  /// adaptor.py's text.
  static let source = String(cString: hw_python_adaptor())
}
