// Helpers for the store tests: a fresh database per test, a small catalog, record builders, times from civil
// fields, a seeded generator and read access to the database file through SQLite directly.

import CSQLite
import Foundation
import HealthDomain
import HealthStore
import XCTest

/// A catalog with one discrete metric, one cumulative metric and one metric with a unit conversion.
let testCatalogText = """
    # Catalog for the store tests.
    id\tshort_name\tloinc\tdisplay_name\tunit\tkind\tmin\tmax\taliases
    1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300\tHKQuantityTypeIdentifierHeartRate
    2\tsteps\t55423-8\tSteps\tcount\tcumulative\t0\t300000\tHKQuantityTypeIdentifierStepCount
    3\tblood_glucose\t2339-0\tBlood glucose\tmg/dL\tdiscrete\t10\t2000\tHKQuantityTypeIdentifierBloodGlucose

    """

let millisecondsPerMinute: Int64 = 60_000
let millisecondsPerHour: Int64 = 3_600_000
let millisecondsPerDay: Int64 = 86_400_000

/// UTC milliseconds of the wall-clock time `year-month-day hour:minute` at `offset` minutes east of UTC.
func utcMs(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, offset: Int) -> Int64 {
    let localMidnight = CivilDate(year: year, month: month, day: day).daysSinceEpoch * millisecondsPerDay
    return localMidnight + Int64(hour) * millisecondsPerHour + Int64(minute) * millisecondsPerMinute
        - Int64(offset) * millisecondsPerMinute
}

func heartRate(
    _ value: Double, at startMs: Int64, offset: Int?, id: String? = nil, version: Int64 = 0
) -> VitalRecord {
    VitalRecord(
        metric: "heart_rate", value: value, unit: "count/min", startMs: startMs, offsetMinutes: offset,
        source: "test-watch", sourceRecordId: id, version: version)
}

func steps(
    _ value: Double, from startMs: Int64, to endMs: Int64, offset: Int?, id: String? = nil, version: Int64 = 0
) -> VitalRecord {
    VitalRecord(
        metric: "steps", value: value, unit: "count", startMs: startMs, endMs: endMs, offsetMinutes: offset,
        source: "test-phone", sourceRecordId: id, version: version)
}

/// SplitMix64, so that a random test repeats exactly for a seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// A test case with its own temporary directory and database path, removed after the test.
class StoreTestCase: XCTestCase {
    private(set) var directory: URL!
    private(set) var catalog: VitalsCatalog!

    var databasePath: String { directory.appendingPathComponent("store.db").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("HealthStoreTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        catalog = try VitalsCatalog(tsv: testCatalogText)
    }

    override func tearDownWithError() throws {
        if let directory {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    func openWriter(options: StoreOptions = .init()) throws -> StoreWriter {
        try StoreWriter(path: databasePath, catalog: catalog, options: options)
    }

    func openReader() throws -> StoreReader {
        try StoreReader(path: databasePath, catalog: catalog)
    }

    /// Queries the rows of one code, keyed by bucket label, such as `2024-01-15` for a day.
    func rollups(
        _ reader: StoreReader, user: String, code: String, _ granularity: Granularity, from: CivilDate,
        to: CivilDate
    ) throws -> [String: RollupStats] {
        let series = try reader.query(user: user, codes: [code], granularity: granularity, from: from, to: to)
        XCTAssertEqual(series.count, 1)
        var byLabel: [String: RollupStats] = [:]
        for row in series.first?.rows ?? [] {
            byLabel[BucketKey.label(granularity, key: row.key)] = row.stats
        }
        return byLabel
    }

    /// Asserts that the writer's rollups equal a recompute by the reader.
    func assertVerifies(_ reader: StoreReader, file: StaticString = #filePath, line: UInt = #line) throws {
        let problems = try reader.verify(user: nil)
        XCTAssertEqual(problems, [], "verify found differences", file: file, line: line)
    }
}

/// An SQLite connection made with the C API, so that tests check the file without the store's own SQLite layer.
/// Read-only unless opened `writable`.
final class RawDatabase {
    enum Value: Equatable {
        case integer(Int64)
        case real(Double)
        case text(String)
        case null

        var int64: Int64? {
            if case .integer(let value) = self { return value }
            return nil
        }

        var double: Double? {
            switch self {
            case .real(let value): return value
            case .integer(let value): return Double(value)
            default: return nil
            }
        }

        var text: String? {
            if case .text(let value) = self { return value }
            return nil
        }
    }

    private var handle: OpaquePointer?

    init(path: String, writable: Bool = false) throws {
        let flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK else {
            sqlite3_close_v2(handle)
            throw StoreError(code: .sqlite(result), message: "test could not open \(path)")
        }
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs SQL that returns no rows.
    func execute(_ sql: String) throws {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else {
            throw StoreError(code: .sqlite(result), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }

    /// Runs a query and returns every row as its column values.
    func rows(_ sql: String) throws -> [[Value]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw StoreError(code: .sqlite(sqlite3_errcode(handle)), message: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(statement) }

        var rows: [[Value]] = []
        while true {
            let result = sqlite3_step(statement)
            if result == SQLITE_DONE { break }
            guard result == SQLITE_ROW else {
                throw StoreError(code: .sqlite(result), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
            }
            var row: [Value] = []
            for column in 0..<sqlite3_column_count(statement) {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_TEXT: row.append(.text(String(cString: sqlite3_column_text(statement, column))))
                default: row.append(.null)
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// The single integer a query such as `SELECT count(*) ...` returns.
    func integer(_ sql: String) throws -> Int64 {
        let rows = try rows(sql)
        guard let value = rows.first?.first?.int64 else {
            throw StoreError(code: .invalidArgument, message: "query returned no integer", sql: sql)
        }
        return value
    }
}
