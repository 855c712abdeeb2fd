// Random submits against two independent references: a model of the submit rules that predicts every outcome,
// and a from-scratch rollup computation over the categorized rows. The reference splits samples with its own
// loop and Foundation's Calendar, not with SampleSplitter or BucketKey.

import Foundation
import HealthDomain
import HealthStore
import XCTest

final class RandomizedRollupTests: StoreTestCase {
    private static let users = ["ana", "ben", "chen"]
    /// Offsets in minutes, including +05:45 and +13:45; nil makes the writer use the user's time zone.
    private static let offsets: [Int?] = [nil, nil, -600, -480, -300, -210, 0, 60, 330, 345, 540, 765, 825]
    /// Instants near month ends and the 2024 DST changes in the US (Mar 10) and Europe (Mar 31).
    private static let anchors: [Int64] = [
        utcMs(2024, 1, 31, 22, 0, offset: 0), utcMs(2024, 2, 29, 23, 0, offset: 0),
        utcMs(2024, 3, 10, 6, 0, offset: 0), utcMs(2024, 3, 31, 0, 30, offset: 0),
        utcMs(2024, 12, 31, 23, 0, offset: 0),
    ]

    func testRandomBatchesMatchReference() throws {
        for seed: UInt64 in [1, 2, 3] {
            try runScenario(seed: seed)
            try tearDownWithError()
            try setUpWithError()
        }
    }

    private func runScenario(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let writer = try openWriter()
        defer { writer.close() }
        try writer.setTimeZone(user: "ben", identifier: "America/New_York")
        try writer.setTimeZone(user: "chen", identifier: "Asia/Kathmandu")

        var model = SubmitModel()
        var history: [VitalRecord] = []
        for call in 0..<40 {
            var batches: [VitalBatch] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                batches.append(makeBatch(history: &history, using: &generator))
            }
            let expected = batches.map { model.apply($0) }
            let outcomes = try writer.applyVitals(batches)
            XCTAssertEqual(outcomes.count, batches.count)
            for (index, (outcome, prediction)) in zip(outcomes, expected).enumerated() {
                let context = "seed \(seed) call \(call) batch \(index)"
                XCTAssertEqual(outcome.accepted, prediction.accepted, context)
                XCTAssertEqual(outcome.updated, prediction.updated, context)
                XCTAssertEqual(outcome.unchanged, prediction.unchanged, context)
                XCTAssertEqual(outcome.pending, prediction.pending, context)
                XCTAssertEqual(outcome.failures.map(\.index), prediction.failedIndexes, context)
            }
        }

        let database = try RawDatabase(path: databasePath)
        try checkRawRows(database, against: model, seed: seed)
        try checkRollups(database, seed: seed)
        XCTAssertEqual(try openReader().verify(user: nil), [], "seed \(seed)")
    }

    // MARK: - Generating

    private func makeBatch(history: inout [VitalRecord], using generator: inout SplitMix64) -> VitalBatch {
        let user = Self.users.randomElement(using: &generator)!
        var records: [VitalRecord] = []
        for _ in 0..<Int.random(in: 1...25, using: &generator) {
            if !history.isEmpty && Int.random(in: 0..<100, using: &generator) < 15 {
                // An exact resubmit of an earlier record, possibly by another user.
                records.append(history.randomElement(using: &generator)!)
                continue
            }
            let record = makeRecord(using: &generator)
            history.append(record)
            records.append(record)
        }
        return VitalBatch(user: user, records: records, queued: Int.random(in: 0..<100, using: &generator) < 8)
    }

    private func makeRecord(using generator: inout SplitMix64) -> VitalRecord {
        // Quarter-hour starts make equal times, and so the tie rules of first and last, common.
        let quarterHours = Int64(Int.random(in: -96...96, using: &generator))
        let start = Self.anchors.randomElement(using: &generator)! + quarterHours * 15 * millisecondsPerMinute
        let offset = Self.offsets.randomElement(using: &generator)!
        let sourceRecordId =
            Int.random(in: 0..<100, using: &generator) < 80
            ? "r-\(Int.random(in: 0..<50, using: &generator))" : nil
        let version = Int64(Int.random(in: 0...3, using: &generator))

        var metric: String
        var unit: String
        var value: Double
        var span: Int64
        switch Int.random(in: 0..<3, using: &generator) {
        case 0:
            metric = "heart_rate"
            unit = "count/min"
            value = Double(Int.random(in: 40...180, using: &generator))
            if Int.random(in: 0..<100, using: &generator) < 4 { value = 400 }
            span = Int64(Int.random(in: 0...2, using: &generator)) * 5 * millisecondsPerMinute
        case 1:
            metric = "steps"
            unit = "count"
            value =
                Double(Int.random(in: 0...3000, using: &generator)) + [0, 0.25, 0.5].randomElement(using: &generator)!
            let spans: [Int64] = [
                0, 5 * millisecondsPerMinute, 50 * millisecondsPerMinute, 3 * millisecondsPerHour,
                26 * millisecondsPerHour, 3 * millisecondsPerDay + 17 * millisecondsPerMinute,
            ]
            span = spans.randomElement(using: &generator)!
        default:
            metric = "blood_glucose"
            if Bool.random(using: &generator) {
                unit = "mg/dL"
                value = Double(Int.random(in: 60...250, using: &generator))
            } else {
                unit = "mmol/L"
                value = Double(Int.random(in: 35...140, using: &generator)) / 10
            }
            span = 0
        }
        if Int.random(in: 0..<100, using: &generator) < 4 {
            span = -millisecondsPerMinute
        }

        return VitalRecord(
            metric: metric, value: value, unit: unit, startMs: start, endMs: start + span, offsetMinutes: offset,
            source: "random-source", sourceRecordId: sourceRecordId, version: version)
    }

    // MARK: - Checking

    private func checkRawRows(_ database: RawDatabase, against model: SubmitModel, seed: UInt64) throws {
        XCTAssertEqual(
            try database.integer("SELECT count(*) FROM vitals_raw"), Int64(model.rawRowCount), "seed \(seed)")
        let rows = try database.rows(
            """
            SELECT u.name, r.source_record_id, r.metric, r.value, r.start_ms, r.end_ms, r.version
            FROM vitals_raw r JOIN users u ON u.id = r.user_id WHERE r.source_record_id IS NOT NULL
            """)
        XCTAssertEqual(rows.count, model.stored.count, "seed \(seed)")
        for row in rows {
            let key = "\(row[0].text ?? "")|random-source|\(row[1].text ?? "")"
            guard let expected = model.stored[key] else {
                XCTFail("seed \(seed): raw row \(key) is not in the model")
                continue
            }
            XCTAssertEqual(row[2].text, expected.metric, key)
            XCTAssertEqual(row[3].double, expected.value, key)
            XCTAssertEqual(row[4].int64, expected.startMs, key)
            XCTAssertEqual(row[5].int64, expected.endMs, key)
            XCTAssertEqual(row[6].int64, expected.version, key)
        }
    }

    private func checkRollups(_ database: RawDatabase, seed: UInt64) throws {
        let samples = try database.rows(
            """
            SELECT v.user_id, v.metric_id, m.kind, v.start_ms, v.end_ms, v.utc_offset_min, v.value
            FROM vitals v JOIN vitals_raw r ON r.id = v.raw_id JOIN metrics m ON m.id = v.metric_id
            WHERE r.status = 1 ORDER BY v.raw_id
            """)
        XCTAssertGreaterThan(samples.count, 100, "seed \(seed): too few samples to test anything")
        var reference = ReferenceRollups()
        for sample in samples {
            reference.add(
                userId: sample[0].int64!, metricId: sample[1].int64!, isCumulative: sample[2].text == "cumulative",
                startMs: sample[3].int64!, endMs: sample[4].int64!, offsetMinutes: Int(sample[5].int64!),
                value: sample[6].double!)
        }

        var remaining = reference.rows
        var mismatches: [String] = []
        for (table, name) in ReferenceRollups.tableNames.enumerated() {
            let stored = try database.rows(
                """
                SELECT user_id, metric_id, bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts,
                    last_value
                FROM \(name)
                """)
            for row in stored {
                let key = ReferenceRollups.Key(
                    table: table, userId: row[0].int64!, metricId: row[1].int64!, bucket: row[2].int64!)
                guard let expected = remaining.removeValue(forKey: key) else {
                    mismatches.append("\(name) \(key): stored but not in the reference")
                    continue
                }
                let actual = ReferenceRollups.Stats(
                    count: row[3].int64!, sum: row[4].double!, minimum: row[5].double!, maximum: row[6].double!,
                    sumOfSquares: row[7].double!, firstTime: row[8].int64!, firstValue: row[9].double!,
                    lastTime: row[10].int64!, lastValue: row[11].double!)
                if let difference = expected.difference(from: actual) {
                    mismatches.append("\(name) \(key): \(difference)")
                }
            }
        }
        for key in remaining.keys {
            mismatches.append("\(ReferenceRollups.tableNames[key.table]) \(key): in the reference but not stored")
        }
        XCTAssertEqual(mismatches.count, 0, "seed \(seed): " + mismatches.prefix(20).joined(separator: "\n"))
    }
}

// MARK: - Submit model

/// The submit rules restated in their plainest form: predicts each outcome and the final raw rows.
private struct SubmitModel {
    struct Prediction {
        var accepted: UInt64 = 0
        var updated: UInt64 = 0
        var unchanged: UInt64 = 0
        var pending: UInt64 = 0
        var failedIndexes: [UInt32] = []
    }

    /// The current record per "user|source|sourceRecordId".
    var stored: [String: VitalRecord] = [:]
    var rawRowCount = 0

    /// Batches of different users are independent, so applying them in input order predicts the same outcomes
    /// as the writer's order by user.
    mutating func apply(_ batch: VitalBatch) -> Prediction {
        var prediction = Prediction()
        for (index, record) in batch.records.enumerated() {
            var isReplacement = false
            if let sourceRecordId = record.sourceRecordId {
                let key = "\(batch.user)|\(record.source)|\(sourceRecordId)"
                if let previous = stored[key] {
                    let sameContent =
                        previous.metric == record.metric && previous.value == record.value
                        && previous.unit == record.unit && previous.startMs == record.startMs
                        && previous.endMs == record.endMs && previous.offsetMinutes == record.offsetMinutes
                    if previous.version > record.version || sameContent {
                        prediction.unchanged += 1
                        continue
                    }
                    isReplacement = true
                }
                stored[key] = record
            }
            if !isReplacement {
                rawRowCount += 1
            }

            // Queued records get only the time checks; the catalog's bounds apply when they are processed.
            let timesAreValid = record.endMs >= record.startMs
            let valueIsInBounds = !(record.metric == "heart_rate" && record.value > 300)
            if !timesAreValid || (!batch.queued && !valueIsInBounds) {
                prediction.failedIndexes.append(UInt32(index))
            } else if batch.queued {
                prediction.pending += 1
            } else if isReplacement {
                prediction.updated += 1
            } else {
                prediction.accepted += 1
            }
        }
        return prediction
    }
}

// MARK: - Reference rollups

/// Rollups computed from scratch: each sample is cut at local hour, day, Monday-week and month boundaries found
/// with Foundation's Calendar, and pieces are combined in raw id order.
private struct ReferenceRollups {
    static let tableNames = ["vitals_hour", "vitals_day", "vitals_week", "vitals_month"]

    struct Key: Hashable, CustomStringConvertible {
        var table: Int
        var userId: Int64
        var metricId: Int64
        var bucket: Int64

        var description: String { "user \(userId) metric \(metricId) bucket \(bucket)" }
    }

    struct Stats {
        var count: Int64 = 0
        var sum: Double = 0
        var minimum: Double = .infinity
        var maximum: Double = -.infinity
        var sumOfSquares: Double = 0
        var firstTime: Int64 = .max
        var firstValue: Double = 0
        var lastTime: Int64 = .min
        var lastValue: Double = 0

        /// Adds a piece. Pieces arrive in raw id order, so on equal times first keeps the earlier piece and
        /// last takes the later one.
        mutating func add(_ value: Double, time: Int64) {
            count += 1
            sum += value
            sumOfSquares += value * value
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            if time < firstTime {
                firstTime = time
                firstValue = value
            }
            if time >= lastTime {
                lastTime = time
                lastValue = value
            }
        }

        /// Describes the first field that differs from `stored`; nil when all fields match.
        func difference(from stored: Stats) -> String? {
            func close(_ a: Double, _ b: Double) -> Bool {
                abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
            }
            if count != stored.count { return "count \(stored.count), expected \(count)" }
            if !close(sum, stored.sum) { return "sum \(stored.sum), expected \(sum)" }
            if !close(minimum, stored.minimum) { return "min \(stored.minimum), expected \(minimum)" }
            if !close(maximum, stored.maximum) { return "max \(stored.maximum), expected \(maximum)" }
            if !close(sumOfSquares, stored.sumOfSquares) {
                return "sum_sq \(stored.sumOfSquares), expected \(sumOfSquares)"
            }
            if firstTime != stored.firstTime { return "first_ts \(stored.firstTime), expected \(firstTime)" }
            if !close(firstValue, stored.firstValue) {
                return "first_value \(stored.firstValue), expected \(firstValue)"
            }
            if lastTime != stored.lastTime { return "last_ts \(stored.lastTime), expected \(lastTime)" }
            if !close(lastValue, stored.lastValue) { return "last_value \(stored.lastValue), expected \(lastValue)" }
            return nil
        }
    }

    private struct Bucket {
        var key: Int64
        /// Local milliseconds of the bucket's end (exclusive).
        var localEnd: Int64
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    var rows: [Key: Stats] = [:]

    mutating func add(
        userId: Int64, metricId: Int64, isCumulative: Bool, startMs: Int64, endMs: Int64, offsetMinutes: Int,
        value: Double
    ) {
        let offsetMs = Int64(offsetMinutes) * millisecondsPerMinute
        let localStart = startMs + offsetMs
        let localEnd = endMs + offsetMs
        for table in 0..<4 {
            func addPiece(bucket: Int64, value: Double, time: Int64) {
                rows[Key(table: table, userId: userId, metricId: metricId, bucket: bucket), default: Stats()]
                    .add(value, time: time)
            }

            if !isCumulative || localEnd == localStart {
                addPiece(
                    bucket: Self.bucket(table, localMs: localStart, offsetMinutes: offsetMinutes).key, value: value,
                    time: startMs)
                continue
            }
            var pieceStart = localStart
            while pieceStart < localEnd {
                let bucket = Self.bucket(table, localMs: pieceStart, offsetMinutes: offsetMinutes)
                let pieceEnd = min(bucket.localEnd, localEnd)
                let isWhole = pieceStart == localStart && pieceEnd == localEnd
                let share = isWhole ? value : value * Double(pieceEnd - pieceStart) / Double(localEnd - localStart)
                addPiece(bucket: bucket.key, value: share, time: pieceStart - offsetMs)
                pieceStart = pieceEnd
            }
        }
    }

    /// Finds the bucket of table `table` that contains local time `localMs`. Every time here is after 1970, so plain
    /// integer division floors.
    private static func bucket(_ table: Int, localMs: Int64, offsetMinutes: Int) -> Bucket {
        let date = Date(timeIntervalSince1970: Double(localMs) / 1000)
        let midnight = calendar.startOfDay(for: date)
        switch table {
        case 0:
            let hourStart = localMs - localMs % millisecondsPerHour
            return Bucket(
                key: hourStart / millisecondsPerHour * 2048 + 1023 - Int64(offsetMinutes),
                localEnd: hourStart + millisecondsPerHour)
        case 1:
            let dayStart = milliseconds(midnight)
            return Bucket(
                key: dayStart / millisecondsPerDay,
                localEnd: milliseconds(calendar.date(byAdding: .day, value: 1, to: midnight)!))
        case 2:
            // Calendar weekdays run from 1 (Sunday) to 7 (Saturday); Monday is 2.
            let daysSinceMonday = (calendar.component(.weekday, from: date) + 5) % 7
            let monday = calendar.date(byAdding: .day, value: -daysSinceMonday, to: midnight)!
            return Bucket(
                key: milliseconds(monday) / millisecondsPerDay,
                localEnd: milliseconds(calendar.date(byAdding: .day, value: 7, to: monday)!))
        default:
            let parts = calendar.dateComponents([.year, .month], from: date)
            let firstOfMonth = calendar.date(from: parts)!
            return Bucket(
                key: Int64(parts.year!) * 12 + Int64(parts.month!) - 1,
                localEnd: milliseconds(calendar.date(byAdding: .month, value: 1, to: firstOfMonth)!))
        }
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
