// healthd: the health-data store server. All logic lives in the HealthServer library.

import Glibc
import HealthServer

exit(ServerCommandLine.main(Array(CommandLine.arguments.dropFirst())))
