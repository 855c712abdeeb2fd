#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro that Swift does not import.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// Turns off SQLite's memory statistics, which take a global mutex on every allocation. Only takes effect before
// the first connection opens (sqlite3_config returns SQLITE_MISUSE after that).
static inline int csqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
