// Scenario 2's in-process ceiling: the same rows inserted straight into SQLite from this process, with no
// server, no protocol, no categorizing and no rollups. One table shaped like the raw table with a
// (user, metric, time) index, one prepared statement, one transaction per submit-sized batch, and the store's
// pragmas (8 KiB pages, WAL, synchronous=NORMAL).

import CSQLite
import Foundation
import HealthDomain

enum BareSQLiteInsert {
    static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    static let schema = """
        PRAGMA page_size = 8192;
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE raw (
            id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, metric_id INTEGER NOT NULL, value REAL,
            unit TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, utc_offset_min INTEGER,
            source TEXT NOT NULL, source_record_id TEXT, received_ms INTEGER NOT NULL);
        CREATE INDEX raw_by_user_metric_time ON raw (user_id, metric_id, start_ms);
        """

    /// Metric ids of the names the sample streams use; the store's catalog gives the same ids.
    static let metricIds = ["heart_rate": 1, "body_weight": 6, "steps": 14]

    /// Inserts every submit of `work` (connection after connection, one transaction per submit) into a new
    /// database in `directory` and returns the seconds it took.
    static func run(_ work: [ConnectionWork], directory: String) throws -> Double {
        var db: OpaquePointer?
        let path = directory + "/bare.db"
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
            == SQLITE_OK, let db
        else {
            throw BenchError("cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        try execute(db, schema)

        var statement: OpaquePointer?
        let sql = """
            INSERT INTO raw (user_id, metric_id, value, unit, start_ms, end_ms, utc_offset_min, source,
                source_record_id, received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else {
            throw BenchError("prepare failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }

        let began = monotonicSeconds()
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        for (userId, connection) in work.enumerated() {
            for submit in connection.submits {
                try execute(db, "BEGIN IMMEDIATE")
                for record in submit.records {
                    sqlite3_bind_int64(statement, 1, Int64(userId + 1))
                    sqlite3_bind_int64(statement, 2, Int64(metricIds[record.metric] ?? 0))
                    sqlite3_bind_double(statement, 3, record.value)
                    bindText(statement, 4, record.unit)
                    sqlite3_bind_int64(statement, 5, record.startMs)
                    sqlite3_bind_int64(statement, 6, record.endMs)
                    sqlite3_bind_int64(statement, 7, Int64(record.offsetMinutes ?? 0))
                    bindText(statement, 8, record.source)
                    bindText(statement, 9, record.sourceRecordId ?? "")
                    sqlite3_bind_int64(statement, 10, nowMs)
                    guard sqlite3_step(statement) == SQLITE_DONE else {
                        throw BenchError("insert failed: \(String(cString: sqlite3_errmsg(db)))")
                    }
                    sqlite3_reset(statement)
                }
                try execute(db, "COMMIT")
            }
        }
        return monotonicSeconds() - began
    }

    private static func bindText(_ statement: OpaquePointer, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                _ = sqlite3_bind_text(statement, index, characters.baseAddress, Int32(bytes.count), csqlite_transient())
            }
        }
    }

    private static func execute(_ db: OpaquePointer, _ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw BenchError("\(sql.prefix(40)) failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}

extension BenchRunner {
    func runBareSQLite() throws {
        let connections = options.connections.contains(4) ? 4 : options.connections[0]
        let work = ingestWork(connections: connections)
        let samples = work.reduce(0) { $0 + $1.sampleCount }
        let rates = try repeated("bare SQLite") { _ in
            let directory = try makeTemporaryDirectory("health-bench-bare")
            defer { removeDirectory(directory) }
            return Double(samples) / (try BareSQLiteInsert.run(work, directory: directory))
        }
        report.scenarios.append(
            ScenarioResult(
                scenario: "bare", title: "2. bare SQLite insert loop, in process", status: "ok", message: nil,
                parameters: [
                    "samples": String(samples), "users": String(connections),
                    "rows per transaction": String(options.batchSize),
                ],
                figures: [Figure(name: "samples/s", summary: Summary(rates, unit: "samples/s"))]))
    }
}
