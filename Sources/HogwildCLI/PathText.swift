// PathText.swift — path text the commands normalise.

/// `path` without trailing slashes ("/" stays "/").
func trimmedPath(_ path: String) -> String {
  var p = path
  while p.count > 1, p.hasSuffix("/") { p.removeLast() }
  return p
}
