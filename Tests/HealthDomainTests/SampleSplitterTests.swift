// Proration of cumulative samples across bucket edges, and whole-sample placement of discrete samples.
import HealthDomain
import XCTest

final class SampleSplitterTests: XCTestCase {
    private struct Piece: Equatable {
        var key: Int64
        var value: Double
        var time: Int64
    }

    private func pieces(
        _ granularity: Granularity, kind: MetricKind = .cumulative, value: Double, startMs: Int64, endMs: Int64,
        offsetMinutes: Int
    ) -> [Piece] {
        var result: [Piece] = []
        SampleSplitter.forEachPiece(
            granularity, kind: kind, value: value, startMs: startMs, endMs: endMs, offsetMinutes: offsetMinutes
        ) { key, value, time in
            result.append(Piece(key: key, value: value, time: time))
        }
        return result
    }

    // 10 steps from 2024-07-28 23:55 to 2024-07-29 00:25 at +08:00 (15:55Z to 16:25Z): 5 of the 30 minutes fall
    // on 28 July (day 19932) and 25 on 29 July (day 19933, a Monday).
    private let offset = 480
    private var start: Int64 { utcMs(2024, 7, 28, 23, 55, offsetMinutes: offset) }
    private var end: Int64 { utcMs(2024, 7, 29, 0, 25, offsetMinutes: offset) }
    private var midnight: Int64 { utcMs(2024, 7, 29, 0, 0, offsetMinutes: offset) }

    func testDaySplitAtLocalMidnight() {
        let result = pieces(.day, value: 10, startMs: start, endMs: end, offsetMinutes: offset)
        XCTAssertEqual(result.map(\.key), [19932, 19933])
        XCTAssertEqual(result[0].value, 10.0 * 5 / 30, accuracy: 1e-12)  // 1.6667
        XCTAssertEqual(result[1].value, 10.0 * 25 / 30, accuracy: 1e-12)  // 8.3333
        XCTAssertEqual(result[0].time, start)
        XCTAssertEqual(result[1].time, midnight)
    }

    func testMonthKeepsWholeValue() {
        let result = pieces(.month, value: 10, startMs: start, endMs: end, offsetMinutes: offset)
        XCTAssertEqual(result, [Piece(key: 2024 * 12 + 6, value: 10, time: start)])
    }

    func testWeekSplitsAtMonday() {
        // Monday 2024-07-29 starts a new ISO week; the previous one started on Monday 2024-07-22 (day 19926).
        let result = pieces(.week, value: 10, startMs: start, endMs: end, offsetMinutes: offset)
        XCTAssertEqual(result.map(\.key), [19926, 19933])
        XCTAssertEqual(result[0].value, 10.0 / 6, accuracy: 1e-12)
    }

    func testHourSplitIntoThreePieces() {
        // 100 units from 10:40 to 12:20: 20 minutes in hour 10, 60 in hour 11, 20 in hour 12.
        let from = utcMs(2024, 5, 2, 10, 40, offsetMinutes: 0)
        let to = utcMs(2024, 5, 2, 12, 20, offsetMinutes: 0)
        let result = pieces(.hour, value: 100, startMs: from, endMs: to, offsetMinutes: 0)
        XCTAssertEqual(result.count, 3)
        XCTAssertEqual(result.map(\.value), [20, 60, 20].map(Double.init))
        XCTAssertEqual(result.map { BucketKey.label(.hour, key: $0.key) },
                       ["2024-05-02T10:00+00:00", "2024-05-02T11:00+00:00", "2024-05-02T12:00+00:00"])
        XCTAssertEqual(result[1].time, utcMs(2024, 5, 2, 11, 0, offsetMinutes: 0))
    }

    func testDiscreteSampleGoesWholeToStartBucket() {
        let result = pieces(.day, kind: .discrete, value: 72, startMs: start, endMs: end, offsetMinutes: offset)
        XCTAssertEqual(result, [Piece(key: 19932, value: 72, time: start)])
    }

    func testInstantCumulativeSampleIsOnePiece() {
        let result = pieces(.hour, value: 5, startMs: start, endMs: start, offsetMinutes: offset)
        XCTAssertEqual(result.count, 1)
        XCTAssertEqual(result.first?.value, 5)
    }

    func testRandomSpansSumToValue() {
        var generator = SeededGenerator(seed: 0x5EED)
        let offsets = [-720, -570, -300, -240, 0, 60, 330, 345, 480, 840]
        let base = utcMs(2020, 1, 1, 0, 0, offsetMinutes: 0)
        for _ in 0..<2000 {
            let granularity = Granularity.allCases.randomElement(using: &generator)!
            let offset = offsets.randomElement(using: &generator)!
            let startMs = base + Int64.random(in: 0..<(6 * 366 * 86_400_000), using: &generator)
            let endMs = startMs + Int64.random(in: 1...(10 * 86_400_000), using: &generator)
            let value = Double.random(in: 0.5...50_000, using: &generator)

            let result = pieces(granularity, value: value, startMs: startMs, endMs: endMs, offsetMinutes: offset)
            let total = result.reduce(0) { $0 + $1.value }
            XCTAssertEqual(total, value, accuracy: value * 1e-12, "\(granularity) \(startMs)...\(endMs)")
            XCTAssertEqual(result.map(\.key), result.map(\.key).sorted(), "keys must ascend")
            XCTAssertEqual(Set(result.map(\.key)).count, result.count, "keys must be distinct")
            XCTAssertEqual(result.first?.time, startMs)
            XCTAssertTrue(result.allSatisfy { $0.time >= startMs }, "piece times start at the sample start")
            XCTAssertTrue(result.allSatisfy { $0.time < endMs }, "piece times end before the sample end")
        }
    }
}
