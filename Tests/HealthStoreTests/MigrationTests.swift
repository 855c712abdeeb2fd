// Migrations apply once and are recorded; the writer sets up the file as the store expects.

import HealthDomain
import HealthSchema
import HealthStore
import XCTest

final class MigrationTests: StoreTestCase {
    func testMigrationsApplyOnceAndAreRecorded() throws {
        let first = try openWriter()
        XCTAssertEqual(first.appliedMigrations.map(\.id), HealthSchema.migrations.map(\.id))
        XCTAssertTrue(first.appliedMigrations.contains { $0.name == "vitals" })
        first.close()

        let second = try openWriter()
        XCTAssertEqual(second.appliedMigrations.map(\.id), [])
        second.close()

        let database = try RawDatabase(path: databasePath)
        let recorded = try database.rows("SELECT id, name FROM schema_migrations ORDER BY id")
        XCTAssertEqual(recorded.map { $0[0].int64 }, HealthSchema.migrations.map { Int64($0.id) })
        XCTAssertEqual(recorded.map { $0[1].text }, HealthSchema.migrations.map { $0.name })
    }

    func testWriterUsesWalAndLargePages() throws {
        let writer = try openWriter()
        defer { writer.close() }

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.rows("PRAGMA journal_mode").first?.first?.text, "wal")
        XCTAssertEqual(try database.integer("PRAGMA page_size"), 8192)
    }

    func testMetricsTableCopiesCatalog() throws {
        let writer = try openWriter()
        defer { writer.close() }

        let database = try RawDatabase(path: databasePath)
        let rows = try database.rows("SELECT id, short_name, loinc, unit, kind FROM metrics ORDER BY id")
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(
            rows[0], [.integer(1), .text("heart_rate"), .text("8867-4"), .text("count/min"), .text("discrete")])
        XCTAssertEqual(rows[1][4], .text("cumulative"))
    }

    func testWriterAcceptsEmbeddedCatalog() throws {
        let text = try XCTUnwrap(HealthSchema.file(named: "vitals-catalog.tsv"))
        let embedded = try VitalsCatalog(tsv: text)
        let writer = try StoreWriter(path: databasePath, catalog: embedded)
        defer { writer.close() }

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM metrics"), Int64(embedded.metrics.count))
        let outcomes = try writer.applyVitals([
            VitalBatch(
                user: "ana",
                records: [
                    VitalRecord(
                        metric: "HKQuantityTypeIdentifierHeartRate", value: 61, unit: "count/min",
                        startMs: utcMs(2024, 2, 1, 9, 0, offset: 0), offsetMinutes: 0)
                ])
        ])
        XCTAssertEqual(outcomes.first?.accepted, 1)
    }

    func testUnknownRecordedMigrationIsRejected() throws {
        try openWriter().close()
        try writeSQL("INSERT INTO schema_migrations (id, name, applied_ms) VALUES (9999, 'from_the_future', 0)")

        XCTAssertThrowsError(try openWriter()) { error in
            XCTAssertEqual((error as? StoreError)?.code, .incompatibleSchema)
        }
    }

    func testUseAfterCloseThrowsClosed() throws {
        let writer = try openWriter()
        writer.close()

        XCTAssertThrowsError(try writer.applyVitals([VitalBatch(user: "ana", records: [])])) { error in
            XCTAssertEqual((error as? StoreError)?.code, .closed)
        }
    }

    /// Runs SQL on the database file with a connection of its own, outside the store.
    private func writeSQL(_ sql: String) throws {
        let database = try RawDatabase(path: databasePath, writable: true)
        try database.execute(sql)
    }
}
