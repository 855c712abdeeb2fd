// Random lab submits against an independent model of the raw rows and a from-scratch recompute of every rollup
// row. The submits are inline and queued, with numeric, censored and qualitative values, report ranges,
// resubmits, versions and names that match no test.

import Foundation
import HealthDomain
import HealthStore
import XCTest

final class LabsRandomizedTests: StoreTestCase {
    private static let users = ["ana", "ben"]
    private static let offsets = [0, 60, -300, 330, 540, -600]
    /// Instants near a month end, a quarter end and a year end.
    private static let anchors: [Int64] = [
        utcMs(2024, 2, 29, 22, 0, offset: 0), utcMs(2024, 6, 30, 23, 0, offset: 0),
        utcMs(2024, 12, 31, 23, 30, offset: 0),
    ]
    /// (printed name, unit in the test's canonical unit, LOINC code); the last name matches no test.
    private static let tests: [(String, String, String?)] = [
        ("HbA1c", "%", "4548-4"), ("Glucose", "mg/dL", "2345-7"), ("CRP", "mg/L", "1988-5"),
        ("Zzyzx quotient", "U/L", nil),
    ]

    func testRandomBatchesMatchReference() throws {
        let catalogs = try allCatalogs()
        for seed: UInt64 in [21, 22, 23] {
            try runScenario(seed: seed, catalogs: catalogs)
            try tearDownWithError()
            try setUpWithError()
        }
    }

    private func runScenario(seed: UInt64, catalogs: StoreCatalogs) throws {
        var generator = SplitMix64(seed: seed)
        let writer = try openWriter(catalogs: catalogs)
        defer { writer.close() }
        var model = ReferenceRawModel<LabRecord>()
        var history: [LabRecord] = []

        for call in 0..<30 {
            var batches: [SubmissionBatch] = []
            var expected: [(accepted: UInt64, updated: UInt64, unchanged: UInt64, pending: UInt64, failed: [UInt32])] =
                []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let user = Self.users.randomElement(using: &generator)!
                let queued = Int.random(in: 0..<100, using: &generator) < 20
                var records: [LabRecord] = []
                var prediction:
                    (accepted: UInt64, updated: UInt64, unchanged: UInt64, pending: UInt64, failed: [UInt32]) =
                        (0, 0, 0, 0, [])
                for index in 0..<Int.random(in: 1...10, using: &generator) {
                    let record: LabRecord
                    if !history.isEmpty && Int.random(in: 0..<100, using: &generator) < 15 {
                        record = history.randomElement(using: &generator)!
                    } else {
                        record = makeRecord(using: &generator)
                        history.append(record)
                    }
                    records.append(record)
                    let change = model.submit(
                        record, user: user, sourceRecordId: record.sourceRecordId, version: \.version,
                        sameContent: { Self.sameContent($0, $1) })
                    switch (change, queued, Self.code(of: record) == nil) {
                    case (.unchanged, _, _): prediction.unchanged += 1
                    case (_, true, _): prediction.pending += 1
                    case (_, false, true): prediction.failed.append(UInt32(index))
                    case (.inserted, false, false): prediction.accepted += 1
                    case (.replaced, false, false): prediction.updated += 1
                    }
                }
                batches.append(.labs(LabBatch(user: user, records: records, queued: queued)))
                expected.append(prediction)
            }

            let outcomes = try writer.apply(batches)
            for (index, (outcome, prediction)) in zip(outcomes, expected).enumerated() {
                let context = "seed \(seed) call \(call) batch \(index)"
                XCTAssertEqual(outcome.accepted, prediction.accepted, context)
                XCTAssertEqual(outcome.updated, prediction.updated, context)
                XCTAssertEqual(outcome.unchanged, prediction.unchanged, context)
                XCTAssertEqual(outcome.pending, prediction.pending, context)
                XCTAssertEqual(outcome.failures.map(\.index), prediction.failed, context)
            }
            if Int.random(in: 0..<100, using: &generator) < 30 {
                _ = try writer.processNextJob(maxRows: Int.random(in: 1...15, using: &generator))
            }
        }
        try drainQueue(writer, maxRows: 5)

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM labs_raw"), Int64(model.rows.count), "seed \(seed)")
        try checkRollups(database, model: model, catalog: catalogs.labs, seed: seed)
        XCTAssertEqual(try openReader().verify(user: nil), [], "seed \(seed)")
    }

    // MARK: - Generating

    private func makeRecord(using generator: inout SplitMix64) -> LabRecord {
        // Few distinct times make equal times, and so the tie rules of first and last, common.
        let quarterHours = Int64(Int.random(in: -10...10, using: &generator))
        let collectedMs = Self.anchors.randomElement(using: &generator)! + quarterHours * 15 * millisecondsPerMinute
        let test = Self.tests.randomElement(using: &generator)!
        let valueText: String
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: valueText = "<\(Double(Int.random(in: 1...8, using: &generator)) / 4)"
        case 1: valueText = "negative"
        default: valueText = "\(Double(Int.random(in: 8...600, using: &generator)) / 4)"
        }
        var low: Double?
        var high: Double?
        if Bool.random(using: &generator) {
            low = Double(Int.random(in: 0...80, using: &generator)) / 4
            high = low! + Double(Int.random(in: 4...200, using: &generator)) / 4
        }
        let sourceRecordId =
            Int.random(in: 0..<100, using: &generator) < 70 ? "l-\(Int.random(in: 0..<30, using: &generator))" : nil
        return LabRecord(
            test: test.0, valueText: valueText, unit: test.1, referenceLow: low, referenceHigh: high,
            collectedMs: collectedMs, offsetMinutes: Self.offsets.randomElement(using: &generator)!,
            source: "random-lab", sourceRecordId: sourceRecordId,
            version: Int64(Int.random(in: 0...2, using: &generator)))
    }

    private static func sameContent(_ left: LabRecord, _ right: LabRecord) -> Bool {
        var left = left
        left.version = right.version
        left.source = right.source
        left.sourceRecordId = right.sourceRecordId
        return left == right
    }

    private static func code(of record: LabRecord) -> String? {
        tests.first { $0.0 == record.test }?.2
    }

    // MARK: - Checking

    private func checkRollups(
        _ database: RawDatabase, model: ReferenceRawModel<LabRecord>, catalog: LabCatalog, seed: UInt64
    ) throws {
        var userIds: [String: Int64] = [:]
        for row in try database.rows("SELECT name, id FROM users") {
            userIds[row[0].text!] = row[1].int64!
        }
        var testIds: [String: Int64] = [:]
        for row in try database.rows("SELECT code, id FROM lab_tests") {
            testIds[row[0].text!] = row[1].int64!
        }

        let granularities: [Granularity] = [.day, .month, .quarter, .year]
        var buckets = [[String: ReferenceBucket]](repeating: [:], count: granularities.count)
        for row in model.rows {
            let record = row.record
            guard let code = Self.code(of: record), let test = catalog.test(code: code) else { continue }
            let localMs = record.collectedMs + Int64(record.offsetMinutes!) * millisecondsPerMinute
            // Units are the canonical ones, so values and report ranges need no conversion.
            let value = LabValue(parsing: record.valueText)
            let hasReportRange = record.referenceLow != nil || record.referenceHigh != nil
            let flag = LabFlag(
                value: value, low: hasReportRange ? record.referenceLow : test.referenceLow,
                high: hasReportRange ? record.referenceHigh : test.referenceHigh)
            for (table, granularity) in granularities.enumerated() {
                let key =
                    "\(userIds[row.user]!)|\(testIds[code]!)|\(ReferenceBuckets.key(granularity, localMs: localMs))"
                var bucket = buckets[table][key] ?? ReferenceBucket()
                bucket.count += 1
                switch value {
                case .numeric(let number): bucket.values.append((record.collectedMs, row.id, number))
                case .censored: bucket.censored += 1
                case .text: bucket.qualitative += 1
                }
                if flag == .low || flag == .high {
                    bucket.abnormal += 1
                }
                buckets[table][key] = bucket
            }
        }

        for (table, granularity) in granularities.enumerated() {
            let rows = try database.rows(
                """
                SELECT user_id, test_id, bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts,
                    last_value, abnormal, censored, qualitative
                FROM labs_\(granularity)
                """)
            XCTAssertEqual(rows.count, buckets[table].count, "seed \(seed) \(granularity) row count")
            for row in rows {
                let key = "\(row[0].int64!)|\(row[1].int64!)|\(row[2].int64!)"
                let context = "seed \(seed) \(granularity) \(key)"
                guard let bucket = buckets[table][key] else {
                    XCTFail("extra row " + context)
                    continue
                }
                bucket.check(row, countColumn: 3, context: context)
                XCTAssertEqual(row[12].int64, bucket.abnormal, "abnormal " + context)
                XCTAssertEqual(row[13].int64, bucket.censored, "censored " + context)
                XCTAssertEqual(row[14].int64, bucket.qualitative, "qualitative " + context)
            }
        }
    }
}
