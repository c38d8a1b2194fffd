// The hogwild-rl executable: command-line entry only.

import Glibc
import HogwildCLI

exit(CLI.main(Array(CommandLine.arguments.dropFirst())))
