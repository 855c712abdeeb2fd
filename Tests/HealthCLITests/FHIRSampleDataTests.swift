// FHIRImporter against the public sample files in shared/data beside the package: HL7 R4 example Observations,
// Synthea patient Bundles and the HL7 lipid-panel Bundle. The tests are skipped when that folder is absent.
//
// The expected counts per LOINC code were computed independently with a Python script that uses only the json
// module. It skips Observations with status entered-in-error or cancelled. For category vital-signs it counts the
// first LOINC code of each component with a valueQuantity, or of the Observation itself when it has no components.
// For category laboratory it counts the first LOINC code of the Observation. So does it for an Observation without
// a category that a DiagnosticReport of a laboratory v2-0074 section lists.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

final class FHIRSampleDataTests: XCTestCase {
    private struct Expected {
        var file: String
        var vitals: [String: Int]
        var labs: [String: Int]
    }

    private static let expectedCounts: [Expected] = [
        Expected(
            file: "fhir/hl7-example-Observation-blood-pressure.json", vitals: ["8462-4": 1, "8480-6": 1], labs: [:]),
        Expected(file: "fhir/hl7-example-Observation-bmi.json", vitals: ["39156-5": 1], labs: [:]),
        Expected(file: "fhir/hl7-example-Observation-body-temperature.json", vitals: ["8310-5": 1], labs: [:]),
        Expected(file: "fhir/hl7-example-Observation-heart-rate.json", vitals: ["8867-4": 1], labs: [:]),
        Expected(file: "fhir/hl7-example-Observation-respiratory-rate.json", vitals: ["9279-1": 1], labs: [:]),
        Expected(file: "fhir/hl7-example-Observation-satO2.json", vitals: ["2708-6": 1], labs: [:]),
        Expected(
            file: "fhir/synthea-r4-Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json",
            vitals: ["29463-7": 3, "39156-5": 3, "72514-3": 3, "8302-2": 3, "8462-4": 3, "8480-6": 3],
            labs: [
                "18262-6": 2, "2085-9": 2, "2093-3": 2, "21000-5": 2, "2571-8": 2, "32207-3": 2, "32623-1": 2,
                "4544-3": 2, "6690-2": 2, "718-7": 2, "777-3": 2, "785-6": 2, "786-4": 2, "787-2": 2, "789-8": 2,
            ]),
        Expected(
            file: "fhir/synthea-r4-Floyd_Connelly_66843218-a9f9-4f16-8347-bdc2a0d14265.json",
            vitals: ["29463-7": 4, "39156-5": 4, "72514-3": 4, "8302-2": 4, "8462-4": 4, "8480-6": 4],
            labs: [
                "18262-6": 3, "20565-8": 4, "2069-3": 4, "2085-9": 3, "2093-3": 3, "21000-5": 2, "2339-0": 4,
                "2571-8": 3, "2947-0": 4, "32207-3": 2, "32623-1": 2, "38483-4": 4, "4544-3": 2, "4548-4": 4,
                "49765-1": 4, "6298-4": 4, "6299-2": 4, "6690-2": 2, "718-7": 2, "777-3": 2, "785-6": 2, "786-4": 2,
                "787-2": 2, "789-8": 2,
            ]),
        Expected(
            file: "fhir/synthea-r4-Louis_Maggio_2e275d4b-855a-4eb2-9021-5410aa8acd4f.json",
            vitals: ["29463-7": 5, "39156-5": 5, "72514-3": 6, "8302-2": 5, "8462-4": 5, "8480-6": 5],
            labs: [
                "14959-1": 1, "18262-6": 3, "20565-8": 1, "2069-3": 1, "2085-9": 3, "2093-3": 3, "21000-5": 1,
                "2339-0": 1, "2571-8": 3, "2947-0": 1, "32207-3": 1, "32623-1": 1, "33914-3": 1, "38483-4": 1,
                "4544-3": 1, "4548-4": 2, "49765-1": 1, "6298-4": 1, "6299-2": 1, "6690-2": 1, "718-7": 1,
                "777-3": 1, "785-6": 1, "786-4": 1, "787-2": 1, "789-8": 1,
            ]),
        Expected(
            file: "fhir/synthea-r4-Tony_Beer_bb8cd3e5-8910-4eea-bbc6-3f64a4a655b8.json",
            vitals: ["29463-7": 5, "39156-5": 5, "72514-3": 5, "8302-2": 5, "8462-4": 5, "8480-6": 5],
            labs: [
                "18262-6": 3, "2085-9": 3, "2093-3": 3, "21000-5": 2, "2571-8": 3, "32207-3": 2, "32623-1": 2,
                "4544-3": 2, "6690-2": 2, "718-7": 2, "777-3": 2, "785-6": 2, "786-4": 2, "787-2": 2, "789-8": 2,
            ]),
        Expected(
            file: "labs/hl7-example-Bundle-lipids.json", vitals: [:],
            labs: ["13457-7": 1, "2085-9": 1, "35200-5": 1, "35217-9": 1]),
    ]

    func testCountsPerLOINCCode() throws {
        for expected in Self.expectedCounts {
            let result = try FHIRImporter().parse(path: ImporterTestFiles.sampleData(expected.file))
            XCTAssertEqual(result.vitalCountsByCode, expected.vitals, expected.file)
            XCTAssertEqual(result.labCountsByCode, expected.labs, expected.file)
            XCTAssertEqual(result.rejected, [], expected.file)
        }
    }

    func testSyntheaSkipsSurveysAndOtherCategories() throws {
        let path = try ImporterTestFiles.sampleData(
            "fhir/synthea-r4-Tony_Beer_bb8cd3e5-8910-4eea-bbc6-3f64a4a655b8.json")
        let result = try FHIRImporter().parse(path: path)
        XCTAssertEqual(result.skipped, ["category survey": 5, "category procedure": 5, "category exam": 1])
        XCTAssertEqual(result.observationCount, 70)
        XCTAssertEqual(result.otherResources["DiagnosticReport"], 6)
        XCTAssertTrue(result.labs.allSatisfy { $0.reportId != nil }, "every Synthea lab result is in a report")
    }

    func testSyntheaWithCatalogSkipsPainScore() throws {
        let path = try ImporterTestFiles.sampleData(
            "fhir/synthea-r4-Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json")
        let result = try FHIRImporter(catalog: ImporterTestFiles.catalog()).parse(path: path)
        XCTAssertEqual(result.vitalCountsByCode["72514-3"], nil)
        XCTAssertEqual(result.skipped["vital-signs code 72514-3 is not in the vitals catalog"], 3)
        XCTAssertEqual(result.vitals.count, 15)
    }

    func testSyntheaBloodPressureComponents() throws {
        let path = try ImporterTestFiles.sampleData(
            "fhir/synthea-r4-Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json")
        let result = try FHIRImporter().parse(path: path)
        let pressures = result.vitals.filter { $0.metric == "8480-6" || $0.metric == "8462-4" }
        XCTAssertEqual(Set(pressures.map(\.unit)), ["mm[Hg]"])
        XCTAssertTrue(pressures.allSatisfy { $0.sourceRecordId?.hasPrefix("urn:uuid:") == false })
        XCTAssertTrue(pressures.allSatisfy { $0.sourceRecordId?.hasSuffix("#" + $0.metric) == true })
        XCTAssertTrue(pressures.allSatisfy { $0.offsetMinutes == 0 })
    }

    func testHeartRateExample() throws {
        let result = try FHIRImporter().parse(
            path: ImporterTestFiles.sampleData("fhir/hl7-example-Observation-heart-rate.json"))
        // 1999-07-02 alone: local noon, 1999-07-02T12:00:00 read as UTC, no offset.
        XCTAssertEqual(
            result.vitals,
            [
                VitalRecord(
                    metric: "8867-4", value: 44, unit: "/min", startMs: 930_916_800_000, offsetMinutes: nil,
                    source: "fhir", sourceRecordId: "heart-rate")
            ])
    }

    func testOxygenSaturationExampleKeepsOffset() throws {
        let result = try FHIRImporter().parse(
            path: ImporterTestFiles.sampleData("fhir/hl7-example-Observation-satO2.json"))
        XCTAssertEqual(result.vitals.map(\.offsetMinutes), [60])
        XCTAssertEqual(result.vitals.map(\.value), [95])
        XCTAssertEqual(result.vitals.map(\.unit), ["%"])
    }

    func testLipidBundleRecords() throws {
        let result = try FHIRImporter().parse(path: ImporterTestFiles.sampleData("labs/hl7-example-Bundle-lipids.json"))
        XCTAssertEqual(
            result.labs.map(\.test), ["Cholesterol", "Triglyceride", "Cholesterol in HDL", "LDL Chol. (Calc)"])
        XCTAssertEqual(result.labs.map(\.valueText), ["6.3", "1.3", "1.3", "4.6"])
        XCTAssertEqual(result.labs.map(\.referenceLow), [nil, nil, 1.5, nil])
        XCTAssertEqual(result.labs.map(\.referenceHigh), [4.5, 2.0, nil, 3.0])
        XCTAssertEqual(Set(result.labs.map(\.reportId)), ["lipids"])
        XCTAssertEqual(Set(result.labs.map(\.unit)), ["mmol/L"])
        // The Observations have neither category nor time: both come from the report, 2011-03-04T08:30:00+11:00.
        XCTAssertEqual(Set(result.labs.map(\.collectedMs)), [1_299_187_800_000])
        XCTAssertEqual(Set(result.labs.map(\.offsetMinutes)), [660])
        XCTAssertEqual(result.warnings["lab time taken from the DiagnosticReport that lists the observation"], 4)
    }
}
