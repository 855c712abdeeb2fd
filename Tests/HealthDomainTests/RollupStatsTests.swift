// RollupStats: statistics of added samples, the tie rules for first and last, and merge against sequential adds.
import HealthDomain
import XCTest

final class RollupStatsTests: XCTestCase {
    func testAddComputesStatistics() {
        var stats = RollupStats()
        for (index, value) in [2.0, 4, 4, 4, 5, 5, 7, 9].enumerated() {
            stats.add(value, at: Int64(index) * 1000)
        }
        XCTAssertEqual(stats.count, 8)
        XCTAssertEqual(stats.sum, 40)
        XCTAssertEqual(stats.minimum, 2)
        XCTAssertEqual(stats.maximum, 9)
        XCTAssertEqual(stats.sumOfSquares, 232)
        XCTAssertEqual(stats.mean, 5)
        // Population variance is 232 / 8 - 5 * 5 = 4.
        XCTAssertEqual(stats.populationStandardDeviation, 2, accuracy: 1e-12)
        XCTAssertEqual(stats.firstTime, 0)
        XCTAssertEqual(stats.firstValue, 2)
        XCTAssertEqual(stats.lastTime, 7000)
        XCTAssertEqual(stats.lastValue, 9)
    }

    func testEmptyStats() {
        let stats = RollupStats()
        XCTAssertTrue(stats.isEmpty)
        XCTAssertTrue(stats.mean.isNaN)
        XCTAssertTrue(stats.populationStandardDeviation.isNaN)
    }

    func testAddTieKeepsFirstAddedAsFirst() {
        var stats = RollupStats()
        stats.add(5, at: 100)
        stats.add(7, at: 100)
        XCTAssertEqual(stats.firstValue, 5)
        XCTAssertEqual(stats.lastValue, 7)
    }

    func testAddOutOfOrderTimes() {
        var stats = RollupStats()
        stats.add(1, at: 500)
        stats.add(2, at: 100)
        stats.add(3, at: 900)
        stats.add(4, at: 300)
        XCTAssertEqual(stats.firstTime, 100)
        XCTAssertEqual(stats.firstValue, 2)
        XCTAssertEqual(stats.lastTime, 900)
        XCTAssertEqual(stats.lastValue, 3)
    }

    func testMergeTieTakesOthersLast() {
        var earlier = RollupStats()
        earlier.add(1, at: 100)
        var later = RollupStats()
        later.add(2, at: 100)

        earlier.merge(later)
        XCTAssertEqual(earlier.count, 2)
        XCTAssertEqual(earlier.firstValue, 1, "first keeps the sample added earlier")
        XCTAssertEqual(earlier.lastValue, 2, "last takes the sample added later")
    }

    func testMergeEmptyIsNoOp() {
        var stats = RollupStats()
        stats.add(3, at: 10)
        let before = stats
        stats.merge(RollupStats())
        XCTAssertEqual(stats, before)

        var empty = RollupStats()
        empty.merge(before)
        XCTAssertEqual(empty, before)
    }

    func testMergeEqualsSequentialAdds() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            // Times from a small range so that ties are frequent.
            let samples = (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                (Double(Int.random(in: -50...50, using: &generator)), Int64.random(in: 0...10, using: &generator))
            }
            let split = Int.random(in: 0...samples.count, using: &generator)

            var sequential = RollupStats()
            samples.forEach { sequential.add($0.0, at: $0.1) }
            var head = RollupStats()
            samples[..<split].forEach { head.add($0.0, at: $0.1) }
            var tail = RollupStats()
            samples[split...].forEach { tail.add($0.0, at: $0.1) }
            head.merge(tail)

            XCTAssertEqual(head, sequential)
        }
    }
}
