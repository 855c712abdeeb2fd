// The `health` executable: everything lives in HealthCLI.

import Glibc
import HealthCLI

exit(HealthCommand.runMain())
