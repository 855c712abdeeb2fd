// health-bench: the benchmark of the health-data store. All logic lives in the HealthBench library.

import Glibc
import HealthBench

exit(HealthBench.main(Array(CommandLine.arguments.dropFirst())))
