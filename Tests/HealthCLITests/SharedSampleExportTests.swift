// The shared Apple Health sample exports (real files from open-source parsers) read with AppleHealthReader.
// The expected counts were taken by hand from the files: `grep -o '<Record type="HK[A-Za-z0-9]*"'` per file,
// with the Correlation copies of blood-pressure records removed.

import Foundation
import XCTest

@testable import HealthCLI

final class SharedSampleExportTests: XCTestCase {
    struct Expectation {
        var records: [String: Int]
        var skipped: [String: Int]
        var duplicates = 0
    }

    let expectations: [String: Expectation] = [
        "alxdrcirilo-apple-health-parser-export.xml": Expectation(
            records: ["ActiveEnergyBurned": 2, "AppleExerciseTime": 1, "AppleStandTime": 1, "HeartRate": 2],
            skipped: ["HKCategoryTypeIdentifierSleepAnalysis": 2, "ExportDate": 1, "Me": 1]),
        "dogsheep-healthkit-to-sqlite-export.xml": Expectation(
            records: ["BodyMassIndex": 1, "HeartRate": 1],
            skipped: ["ExportDate": 1, "Me": 1, "Workout": 1, "ActivitySummary": 2]),
        "grll-apple-health-mcp-export.xml": Expectation(
            records: [
                "ActiveEnergyBurned": 1, "AppleSleepingWristTemperature": 1, "BasalEnergyBurned": 1,
                "BloodGlucose": 2, "BloodPressureDiastolic": 1, "BloodPressureSystolic": 1, "BodyFatPercentage": 1,
                "BodyMass": 2, "BodyMassIndex": 2, "DistanceWalkingRunning": 1, "HeartRate": 3,
                "HeartRateVariabilitySDNN": 1, "Height": 1, "OxygenSaturation": 1, "RespiratoryRate": 1,
                "RestingHeartRate": 1, "StepCount": 2, "VO2Max": 1,
            ],
            skipped: [
                "ExportDate": 1, "Me": 1, "HKCategoryTypeIdentifierSleepAnalysis": 2,
                "HKCategoryTypeIdentifierAppleStandHour": 1, "HKCategoryTypeIdentifierMindfulSession": 1,
                "Workout": 2, "ActivitySummary": 3,
            ]),
        "rickyarm-healthkit-xml-reader-sample_export.xml": Expectation(
            records: ["HeartRate": 1, "StepCount": 2], skipped: ["ExportDate": 1, "Me": 1, "Workout": 1]),
        "rinoshiyo-apple-health-mcp-server-sample_export.xml": Expectation(
            records: ["HeartRate": 2, "StepCount": 1, "BloodPressureSystolic": 1, "BloodPressureDiastolic": 1],
            skipped: [
                "ExportDate": 1, "Me": 1, "HKCategoryTypeIdentifierStateOfMind": 1, "Workout": 1, "ActivitySummary": 1,
            ],
            duplicates: 2),
        "tdda-applehealthdata-export6s3sample.xml": Expectation(
            records: ["DistanceWalkingRunning": 5, "StepCount": 10],
            skipped: ["ExportDate": 1, "Me": 1, "ActivitySummary": 2, "Workout": 1]),
    ]

    /// Returns the shared sample folder beside the checkout, or nil.
    func sampleFolder() -> URL? {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/apple-health")
        return FileManager.default.fileExists(atPath: folder.path) ? folder : nil
    }

    func testEverySampleGivesHandCountedRecords() throws {
        guard let folder = sampleFolder() else {
            throw XCTSkip("../shared/data/apple-health is absent beside the package; it holds the sample exports")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xml") }
        XCTAssertEqual(Set(files), Set(expectations.keys))

        for file in files.sorted() {
            guard let expected = expectations[file] else { continue }
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(file)))
            for chunkSize in [nil, 5] as [Int?] {
                let result = try readExport(bytes, chunkSize: chunkSize)
                var counts: [String: Int] = [:]
                for record in result.records {
                    counts[String(record.metric.dropFirst(AppleHealthReader.quantityTypePrefix.count)), default: 0] += 1
                }
                XCTAssertEqual(counts, expected.records, file)
                XCTAssertEqual(result.reader.skippedCounts, expected.skipped, file)
                XCTAssertEqual(result.reader.duplicateCount, expected.duplicates, file)
                XCTAssertEqual(result.reader.rejectedCount, 0, file)
                XCTAssertNil(result.problem, file)
            }
        }
    }

    func testSampleValuesUnitsAndOffsets() throws {
        guard let folder = sampleFolder() else {
            throw XCTSkip("../shared/data/apple-health is absent beside the package; it holds the sample exports")
        }
        let grll = try readExport([UInt8](Data(contentsOf: folder.appendingPathComponent("grll-apple-health-mcp-export.xml"))))
        let glucose = grll.records.filter { $0.metric == "HKQuantityTypeIdentifierBloodGlucose" }
        XCTAssertEqual(glucose.map(\.unit), ["mmol<180.1558800000541>/L", "mmol<180.1558800000541>/L"])
        XCTAssertEqual(glucose.map(\.value), [4.59, 5.23])
        XCTAssertEqual(glucose.first?.startMs, utcMs("2024-01-09", 12, 30, 0, offset: 60))
        XCTAssertEqual(glucose.first?.offsetMinutes, 60)
        let vo2 = grll.records.first { $0.metric == "HKQuantityTypeIdentifierVO2Max" }
        XCTAssertEqual(vo2?.unit, "mL/kg·min")
        XCTAssertEqual(vo2?.endMs, utcMs("2023-11-20", 18, 0, 0, offset: 60))

        let alx = try readExport(
            [UInt8](Data(contentsOf: folder.appendingPathComponent("alxdrcirilo-apple-health-parser-export.xml"))))
        let heartRates = alx.records.filter { $0.metric == "HKQuantityTypeIdentifierHeartRate" }
        XCTAssertEqual(heartRates.map(\.value), [74, 75])
        XCTAssertEqual(heartRates.map(\.source), ["User's Apple Watch", "User's Apple Watch"])
        XCTAssertEqual(heartRates.first?.startMs, utcMs("2024-01-01", 1, 1, 36, offset: 120))
        XCTAssertEqual(alx.lines, [9, 16, 22, 27, 32, 37])
    }
}
