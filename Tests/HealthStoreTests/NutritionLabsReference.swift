// An independent reference for the nutrition and labs randomized tests. Bucket keys come from Foundation's
// Calendar instead of BucketKey. Rollup statistics are plain lists of (time, raw id, value), so first and last
// follow the stated tie rule without RollupStats: first is the earliest time, then the lowest raw id, and last
// the latest time, then the highest raw id.

import Foundation
import HealthDomain
import XCTest

enum ReferenceBuckets {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Returns the bucket key of a local time (UTC milliseconds plus the offset) for day, week, month, quarter or year.
    static func key(_ granularity: Granularity, localMs: Int64) -> Int64 {
        let date = Date(timeIntervalSince1970: Double(localMs) / 1000)
        let fields = calendar.dateComponents([.year, .month], from: date)
        let year = Int64(fields.year!)
        let month = Int64(fields.month!)
        switch granularity {
        case .day:
            return Int64((calendar.startOfDay(for: date).timeIntervalSince1970 / 86_400).rounded())
        case .week:
            let monday = calendar.dateInterval(of: .weekOfYear, for: date)!.start
            return Int64((monday.timeIntervalSince1970 / 86_400).rounded())
        case .month:
            return year * 12 + month - 1
        case .quarter:
            return year * 4 + (month - 1) / 3
        case .year:
            return year
        case .hour:
            preconditionFailure("the reference keeps no hour buckets")
        }
    }
}

/// The values of one reference bucket.
struct ReferenceBucket {
    var values: [(time: Int64, rawId: Int64, value: Double)] = []
    var count: Int64 = 0
    var days = Set<Int64>()
    var abnormal: Int64 = 0
    var censored: Int64 = 0
    var qualitative: Int64 = 0

    func check(
        _ row: [RawDatabase.Value], countColumn: Int, context: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        // Columns from countColumn: count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value.
        XCTAssertEqual(row[countColumn].int64, count, "count " + context, file: file, line: line)
        let sum = values.reduce(0) { $0 + $1.value }
        XCTAssertEqual(
            row[countColumn + 1].double ?? .nan, sum, accuracy: 1e-6, "sum " + context, file: file, line: line)
        guard !values.isEmpty else {
            XCTAssertEqual(row[countColumn + 2], .null, "min " + context, file: file, line: line)
            return
        }
        XCTAssertEqual(row[countColumn + 2].double, values.map(\.value).min(), "min " + context, file: file, line: line)
        XCTAssertEqual(row[countColumn + 3].double, values.map(\.value).max(), "max " + context, file: file, line: line)
        let first = values.min { ($0.time, $0.rawId) < ($1.time, $1.rawId) }!
        let last = values.max { ($0.time, $0.rawId) < ($1.time, $1.rawId) }!
        XCTAssertEqual(row[countColumn + 5].int64, first.time, "first_ts " + context, file: file, line: line)
        XCTAssertEqual(row[countColumn + 6].double, first.value, "first_value " + context, file: file, line: line)
        XCTAssertEqual(row[countColumn + 7].int64, last.time, "last_ts " + context, file: file, line: line)
        XCTAssertEqual(row[countColumn + 8].double, last.value, "last_value " + context, file: file, line: line)
    }
}

/// One raw row as the reference model expects it after a submit.
struct ReferenceRawRow<Record> {
    var id: Int64
    var user: String
    var record: Record
}

/// Predicts raw row ids and submit outcomes from the idempotency rules. A record with a stored (source, source
/// record id) is unchanged when its version is lower or its content equal, and otherwise replaces the row in
/// place. Every other record inserts a row with the next id.
struct ReferenceRawModel<Record> {
    private(set) var rows: [ReferenceRawRow<Record>] = []
    private var indexByKey: [String: Int] = [:]

    enum Change {
        case unchanged
        case inserted
        case replaced
    }

    mutating func submit(
        _ record: Record, user: String, sourceRecordId: String?, version: (Record) -> Int64,
        sameContent: (Record, Record) -> Bool
    ) -> Change {
        if let sourceRecordId {
            let key = user + "\u{0}" + sourceRecordId
            if let index = indexByKey[key] {
                let stored = rows[index].record
                if version(stored) > version(record) || sameContent(stored, record) {
                    return .unchanged
                }
                rows[index].record = record
                return .replaced
            }
            indexByKey[key] = rows.count
        }
        rows.append(ReferenceRawRow(id: Int64(rows.count + 1), user: user, record: record))
        return .inserted
    }
}
