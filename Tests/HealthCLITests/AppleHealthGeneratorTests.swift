// The synthetic export generator. The same seed gives the same bytes, and the import reads back exactly the
// requested number of records. The time zone rules switch on the right instants.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

final class AppleHealthGeneratorTests: XCTestCase {
    /// Generates an export into a temporary file and returns its bytes and the generator's statistics.
    func generate(records: Int, seed: UInt64) throws -> ([UInt8], AppleHealthGenerator.Statistics) {
        let path = try temporaryPath(self, "export-\(records)-\(seed).xml")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        var output = OutputWriter(descriptor: descriptor)
        var generator = AppleHealthGenerator(records: records, seed: seed)
        try generator.write(to: &output)
        XCTAssertEqual(output.bytesWritten, Int64(try Data(contentsOf: URL(fileURLWithPath: path)).count))
        return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), generator.statistics)
    }

    func testSameSeedGivesSameBytes() throws {
        let (first, _) = try generate(records: 3000, seed: 5)
        let (second, _) = try generate(records: 3000, seed: 5)
        let (other, _) = try generate(records: 3000, seed: 6)

        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first, other)
    }

    func testImportReadsExactlyTheRequestedRecords() throws {
        for count in [1, 2, 3, 377, 5000] {
            let (bytes, statistics) = try generate(records: count, seed: 11)
            let result = try readExport(bytes, chunkSize: 4093)

            XCTAssertEqual(statistics.quantityRecords, count)
            XCTAssertEqual(result.records.count, count, "records read for --records \(count)")
            XCTAssertEqual(result.reader.duplicateCount, 2 * statistics.correlations)
            XCTAssertEqual(result.reader.rejectedCount, 0)
            XCTAssertEqual(result.reader.skippedCounts["HKCategoryTypeIdentifierSleepAnalysis"] ?? 0,
                statistics.categoryRecords)
            XCTAssertEqual(result.reader.skippedCounts["Workout"] ?? 0, statistics.workouts)
            XCTAssertEqual(result.reader.skippedCounts["Me"], 1)
            XCTAssertEqual(Set(result.records.compactMap(\.sourceRecordId)).count, count, "ids are unique")
            XCTAssertNil(result.problem)
        }
    }

    func testLongExportCrossesTimeZonesAndUnits() throws {
        // 110,000 records reach back to autumn 2024: the Berlin trip, both daylight-saving changes.
        let (bytes, statistics) = try generate(records: 110_000, seed: 3)
        let result = try readExport(bytes)
        XCTAssertEqual(result.records.count, 110_000)
        XCTAssertLessThan(statistics.firstDate, CivilDate(year: 2024, month: 10, day: 1))

        let offsets = Set(result.records.compactMap(\.offsetMinutes))
        XCTAssertEqual(offsets, [-300, -240, 60, 120])
        let usFallBack = utcMs("2024-11-03", 6, 0, 0, offset: 0)
        let usSpringForward = utcMs("2025-03-09", 7, 0, 0, offset: 0)
        let euFallBack = utcMs("2024-10-27", 1, 0, 0, offset: 0)
        for record in result.records {
            switch record.offsetMinutes {
            case .some(-240):
                XCTAssertTrue(record.startMs < usFallBack || record.startMs >= usSpringForward, "EDT in winter")
            case .some(-300):
                XCTAssertGreaterThanOrEqual(record.startMs, usFallBack, "EST before the US change")
                XCTAssertLessThan(record.startMs, usSpringForward, "EST after the US change")
            case .some(120):
                XCTAssertLessThan(record.startMs, euFallBack, "CEST after the EU change")
            case .some(60):
                XCTAssertGreaterThanOrEqual(record.startMs, euFallBack, "CET before the EU change")
            default:
                XCTFail("unexpected offset \(String(describing: record.offsetMinutes))")
            }
        }

        let weightUnits = Set(result.records.filter { $0.metric == "HKQuantityTypeIdentifierBodyMass" }.map(\.unit))
        XCTAssertEqual(weightUnits, ["kg", "lb"])
        let steps = result.records.filter { $0.metric == "HKQuantityTypeIdentifierStepCount" }
        let watchSteps = steps.filter { $0.source == "Alex’s Apple Watch" }
        let phoneSteps = steps.filter { $0.source == "Alex’s iPhone" }
        XCTAssertFalse(watchSteps.isEmpty)
        XCTAssertFalse(phoneSteps.isEmpty)
        let overlapping = phoneSteps.prefix(50).filter { phone in
            watchSteps.contains { $0.startMs < phone.endMs && phone.startMs < $0.endMs }
        }
        XCTAssertEqual(overlapping.count, min(50, phoneSteps.count), "phone windows overlap watch windows")
    }

    func testTimeZoneRulesSwitchOnTheRightInstants() {
        let newYork = GeneratorTimeZone.newYork
        XCTAssertEqual(newYork.offsetMinutes(atUTC: utcMs("2024-03-10", 6, 59, 59, offset: 0)), -300)
        XCTAssertEqual(newYork.offsetMinutes(atUTC: utcMs("2024-03-10", 7, 0, 0, offset: 0)), -240)
        XCTAssertEqual(newYork.offsetMinutes(atUTC: utcMs("2024-11-03", 5, 59, 59, offset: 0)), -240)
        XCTAssertEqual(newYork.offsetMinutes(atUTC: utcMs("2024-11-03", 6, 0, 0, offset: 0)), -300)
        XCTAssertEqual(newYork.offsetMinutes(atUTC: utcMs("2021-03-14", 7, 0, 0, offset: 0)), -240)

        let berlin = GeneratorTimeZone.berlin
        XCTAssertEqual(berlin.offsetMinutes(atUTC: utcMs("2024-03-31", 0, 59, 59, offset: 0)), 60)
        XCTAssertEqual(berlin.offsetMinutes(atUTC: utcMs("2024-03-31", 1, 0, 0, offset: 0)), 120)
        XCTAssertEqual(berlin.offsetMinutes(atUTC: utcMs("2024-10-27", 0, 59, 59, offset: 0)), 120)
        XCTAssertEqual(berlin.offsetMinutes(atUTC: utcMs("2024-10-27", 1, 0, 0, offset: 0)), 60)
        XCTAssertEqual(GeneratorTimeZone.tokyo.offsetMinutes(atUTC: 0), 540)

        let march10 = CivilDate(year: 2024, month: 3, day: 10).daysSinceEpoch
        XCTAssertEqual(newYork.midnight(ofLocalDay: march10), utcMs("2024-03-10", 5, 0, 0, offset: 0))
        XCTAssertEqual(newYork.midnight(ofLocalDay: march10 + 1), utcMs("2024-03-11", 4, 0, 0, offset: 0))
        XCTAssertEqual(
            GeneratorTimeZone.tokyo.nextMidnight(atOrAfter: utcMs("2024-04-10", 4, 0, 0, offset: 0)),
            utcMs("2024-04-10", 15, 0, 0, offset: 0))
    }

    func testRandomGeneratorIsSeeded() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let values = (0..<5).map { _ in first.next() }
        XCTAssertEqual(values, (0..<5).map { _ in second.next() })
        XCTAssertEqual(Set(values).count, 5)
        for _ in 0..<1000 {
            let unit = first.unit()
            XCTAssertGreaterThanOrEqual(unit, 0)
            XCTAssertLessThan(unit, 1)
            XCTAssertTrue((3...9).contains(first.integer(3...9)))
        }
    }

    func testGenerateCommandWritesFile() throws {
        let path = try temporaryPath(self, "generated.xml")
        let run = runCLI(["generate", "apple-health", "--records", "500", "--seed", "9", path])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertTrue(run.output.hasPrefix("wrote \(path): 500 quantity records, "), run.output)
        XCTAssertEqual(run.error, "")
        let result = try readExport([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(result.records.count, 500)
    }
}
