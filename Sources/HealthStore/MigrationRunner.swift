// Applies the numbered SQL files of schema/ that a database has not seen yet, and records each one in
// `schema_migrations`. Runs once when the writer opens the database.

import HealthSchema

enum MigrationRunner {
    static let createTableSQL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_ms INTEGER NOT NULL
        )
        """

    /// Applies every migration not yet recorded in `schema_migrations`, in ascending id order, each in its own
    /// transaction, and returns the ones it applied (empty when the schema was current).
    ///
    /// Throws `.incompatibleSchema` when the database records a migration id that `migrations` lacks (a newer
    /// build wrote it) or records an id under another name. Throws the SQLite error when a migration fails. The
    /// failed migration is then rolled back, and later ones are not tried.
    static func apply(_ migrations: [Migration], to connection: Connection, nowMs: Int64) throws -> [Migration] {
        try connection.execute(createTableSQL)
        try checkRecorded(against: migrations, connection: connection)

        let isApplied = try connection.prepare("SELECT 1 FROM schema_migrations WHERE id = ?1", persistent: false)
        let record = try connection.prepare(
            "INSERT INTO schema_migrations (id, name, applied_ms) VALUES (?1, ?2, ?3)", persistent: false)
        var applied: [Migration] = []
        for migration in migrations.sorted(by: { $0.id < $1.id }) {
            let didApply = try connection.writeTransaction { () throws -> Bool in
                // Checked inside the transaction, so a second process opening the same file at the same time
                // cannot apply a migration twice.
                try isApplied.bind(1, migration.id)
                let alreadyApplied = try isApplied.step()
                isApplied.reset()
                guard !alreadyApplied else { return false }

                try connection.execute(migration.sql)
                try record.bind(1, migration.id)
                try record.bind(2, migration.name)
                try record.bind(3, nowMs)
                try record.run()
                return true
            }
            if didApply { applied.append(migration) }
        }
        return applied
    }

    private static func checkRecorded(against migrations: [Migration], connection: Connection) throws {
        let known = Dictionary(migrations.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let statement = try connection.prepare("SELECT id, name FROM schema_migrations ORDER BY id", persistent: false)
        defer { statement.reset() }
        while try statement.step() {
            let id = statement.int(0)
            let name = statement.text(1)
            guard let knownName = known[id] else {
                throw StoreError(
                    code: .incompatibleSchema,
                    message: "the database has migration \(id) (\(name)), which this build does not know; "
                        + "open it with a newer build")
            }
            guard knownName == name else {
                throw StoreError(
                    code: .incompatibleSchema,
                    message: "the database applied migration \(id) as '\(name)' but this build names it "
                        + "'\(knownName)'; applied migrations must not be renamed")
            }
        }
    }
}
