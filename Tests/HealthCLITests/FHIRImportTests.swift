// FHIRImporter against the hand-written fixtures in Fixtures/fhir: every Bundle type, NDJSON, a single resource,
// and the rules for category, status, codings, time and values. Expected times were computed with Python's
// datetime from the timestamps in the comments.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

final class FHIRImportTests: XCTestCase {
    private func importFixture(_ name: String, catalog: VitalsCatalog? = nil) throws -> FHIRImport {
        try FHIRImporter(catalog: catalog).parse(path: ImporterTestFiles.fixture("fhir/" + name))
    }

    // MARK: - Transaction Bundle

    func testTransactionBundleVitals() throws {
        let result = try importFixture("transaction-bundle.json")
        let panelUrl = "urn:uuid:0b6a1c1e-0000-4000-8000-000000000002"
        assertImportedRecords(
            result.vitals,
            [
                // 2024-03-05T08:30:00+01:00; the panel has no id, so the fullUrl names it.
                VitalRecord(
                    metric: "8480-6", value: 128, unit: "mm[Hg]", startMs: 1_709_623_800_000, offsetMinutes: 60,
                    source: "fhir", sourceRecordId: panelUrl + "#8480-6"),
                VitalRecord(
                    metric: "8462-4", value: 82, unit: "mm[Hg]", startMs: 1_709_623_800_000, offsetMinutes: 60,
                    source: "fhir", sourceRecordId: panelUrl + "#8462-4"),
                // 2024-03-05T08:31:12.250Z; LOINC is the third coding, and the UCUM code wins over the unit text.
                VitalRecord(
                    metric: "8867-4", value: 64, unit: "/min", startMs: 1_709_627_472_250, offsetMinutes: 0,
                    source: "fhir", sourceRecordId: "hr-1"),
            ])
    }

    func testTransactionBundleLabs() throws {
        let result = try importFixture("transaction-bundle.json")
        assertImportedRecords(
            result.labs,
            [
                // 2024-03-05T07:45:00+01:00; the number keeps its written precision.
                LabRecord(
                    test: "Glucose", code: "15074-8", valueText: "5.40", unit: "mmol/L", referenceLow: 3.9,
                    referenceHigh: 5.5, collectedMs: 1_709_621_100_000, offsetMinutes: 60, reportId: "rep-1",
                    source: "fhir", sourceRecordId: "glu-1"),
                LabRecord(
                    test: "CRP", code: "1988-5", valueText: "<0.50", unit: "mg/L", referenceHigh: 5.0,
                    collectedMs: 1_709_621_100_000, offsetMinutes: 60, reportId: "rep-1", source: "fhir",
                    sourceRecordId: "crp-1"),
                // 2024-03-05T08:00:00+01:00; no code.text, so the LOINC display names the test.
                LabRecord(
                    test: "Nitrite [Presence] in Urine by Test strip", code: "5802-4", valueText: "negative", unit: "",
                    referenceText: "negative", collectedMs: 1_709_622_000_000, offsetMinutes: 60, source: "fhir",
                    sourceRecordId: "nit-1"),
            ])
    }

    func testTransactionBundleSkipsAndCounts() throws {
        let result = try importFixture("transaction-bundle.json")
        XCTAssertEqual(
            result.skipped,
            [
                "vital-signs component without a LOINC code": 1,
                "vital-signs value is valueCodeableConcept, not a quantity": 1,
                "status entered-in-error": 1,
                "category social-history": 1,
                "no category": 1,
            ])
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(result.warnings, [:])
        XCTAssertEqual(result.otherResources, ["Patient": 1, "DiagnosticReport": 1])
        XCTAssertEqual(result.observationCount, 9)
        XCTAssertEqual(result.vitalCountsByCode, ["8480-6": 1, "8462-4": 1, "8867-4": 1])
        XCTAssertEqual(result.labCountsByCode, ["15074-8": 1, "1988-5": 1, "5802-4": 1])
    }

    // MARK: - Collection Bundle

    func testCollectionBundleVitals() throws {
        let result = try importFixture("collection-bundle.json")
        let source = "https://lab.example.org/fhir"
        assertImportedRecords(
            result.vitals,
            [
                // effectivePeriod 2024-03-06T10:00:00-05:00 to 10:30:00-05:00.
                VitalRecord(
                    metric: "55423-8", value: 1200, unit: "{steps}", startMs: 1_709_737_200_000,
                    endMs: 1_709_739_000_000, offsetMinutes: -300, source: source, sourceRecordId: "steps-1"),
                // Only issued: 2024-03-06T21:00:00+02:00.
                VitalRecord(
                    metric: "8310-5", value: 37.2, unit: "Cel", startMs: 1_709_751_600_000, offsetMinutes: 120,
                    source: source, sourceRecordId: "temp-1"),
                // Date only, 2024-03-07: local noon read as UTC, no offset. No unit system, so the unit text.
                VitalRecord(
                    metric: "8302-2", value: 180.3, unit: "cm", startMs: 1_709_812_800_000, offsetMinutes: nil,
                    source: source, sourceRecordId: "height-1"),
            ])
    }

    func testCollectionBundleLabs() throws {
        let result = try importFixture("collection-bundle.json")
        let source = "https://lab.example.org/fhir"
        assertImportedRecords(
            result.labs,
            [
                // 2024-03-06T09:15:00-05:00. Its own meta.source and numeric versionId win.
                LabRecord(
                    test: "Cholesterol", code: "2093-3", valueText: "212", unit: "mg/dL", referenceHigh: 200,
                    collectedMs: 1_709_734_500_000, offsetMinutes: -300, reportId: "rep-2",
                    source: "https://other.example.org", sourceRecordId: "chol-1", version: 3),
                // Listed by an absolute reference with a version.
                LabRecord(
                    test: "HDL", code: "2085-9", valueText: "38", unit: "mg/dL", referenceLow: 40,
                    collectedMs: 1_709_734_500_000, offsetMinutes: -300, reportId: "rep-2", source: source,
                    sourceRecordId: "hdl-1"),
                // No category and no time: both come from the report; the zero-width space is removed.
                LabRecord(
                    test: "Glucose [Mass/volume] in Serum or Plasma", code: "2345-7", valueText: "99", unit: "mg/dL",
                    collectedMs: 1_709_734_500_000, offsetMinutes: -300, reportId: "rep-2", source: source,
                    sourceRecordId: "glu-2"),
                // 2024-03-06T09:20:00-05:00, valueString trimmed.
                LabRecord(
                    test: "Blood culture", code: "600-7", valueText: "No growth after 5 days", unit: "",
                    collectedMs: 1_709_734_800_000, offsetMinutes: -300, source: source, sourceRecordId: "culture-1"),
                // Only issued, 2024-03-08T14:00:00Z; read after the file because it might have had a report.
                LabRecord(
                    test: "TSH", code: "3016-3", valueText: "2.31", unit: "m[IU]/L", collectedMs: 1_709_906_400_000,
                    offsetMinutes: 0, timeIsIssued: true, source: source, sourceRecordId: "tsh-1"),
            ])
    }

    func testCollectionBundleRejectsObservationWithoutTime() throws {
        let result = try importFixture("collection-bundle.json")
        XCTAssertEqual(
            result.rejected,
            [
                FHIRImport.Rejection(
                    location: "entry 9 (Observation/k-1)",
                    reason: "no time: the Observation has none of effectiveDateTime, effectiveInstant, "
                        + "effectivePeriod and issued")
            ])
    }

    func testCollectionBundleWarnings() throws {
        let result = try importFixture("collection-bundle.json")
        XCTAssertEqual(
            result.warnings,
            [
                "vital sign timed by its issued time, for lack of an effective time": 1,
                "laboratory category taken from the DiagnosticReport that lists the observation": 1,
                "lab time taken from the DiagnosticReport that lists the observation": 1,
            ])
        XCTAssertEqual(result.skipped, [:])
        XCTAssertEqual(result.otherResources, ["DiagnosticReport": 1])
        XCTAssertEqual(result.observationCount, 9)
    }

    // MARK: - Batch and searchset Bundles

    func testBatchBundle() throws {
        let result = try importFixture("batch-bundle.json")
        // 2024-03-09T22:10:00 without an offset: the wall-clock time read as UTC.
        assertImportedRecords(
            result.vitals,
            [
                VitalRecord(
                    metric: "9279-1", value: 16, unit: "/min", startMs: 1_710_022_200_000, offsetMinutes: nil,
                    source: "fhir", sourceRecordId: "resp-1")
            ])
        XCTAssertEqual(result.labs, [])
        XCTAssertEqual(
            result.skipped,
            [
                "Bundle entry without a resource": 1,
                "vital-signs value with comparator <": 1,
                "laboratory result without a value (dataAbsentReason not-performed)": 1,
            ])
        XCTAssertEqual(
            result.rejected,
            [
                FHIRImport.Rejection(
                    location: "entry 5 (Observation/bmi-month)",
                    reason: "effectiveDateTime \"2024-03\" is not a date or date-time with at least a day "
                        + "(expected such as 2012-09-17 or 2012-09-17T08:30:00+01:00)")
            ])
        XCTAssertEqual(result.observationCount, 4)
    }

    func testSearchsetBundle() throws {
        let result = try importFixture("searchset-bundle.json")
        // 2024-03-11T06:05:00+05:30; of two LOINC codings the first is used.
        assertImportedRecords(
            result.vitals,
            [
                VitalRecord(
                    metric: "59408-5", value: 97, unit: "%", startMs: 1_710_117_300_000, offsetMinutes: 330,
                    source: "fhir", sourceRecordId: "spo2-1")
            ])
        // A period with only an end, 2024-03-11T07:00:00+05:30, is timed by its end.
        assertImportedRecords(
            result.labs,
            [
                LabRecord(
                    test: "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", code: "1742-6",
                    valueText: "31", unit: "U/L", referenceLow: 7, referenceHigh: 56, referenceText: "7-56 U/L",
                    collectedMs: 1_710_120_600_000, offsetMinutes: 330, source: "fhir", sourceRecordId: "alt-1")
            ])
        XCTAssertEqual(result.otherResources, ["OperationOutcome": 1])
    }

    // MARK: - Single resource and NDJSON

    func testSingleObservationFile() throws {
        let result = try importFixture("single-observation.json")
        // 2024-03-10T07:00:00-08:00.
        assertImportedRecords(
            result.vitals,
            [
                VitalRecord(
                    metric: "29463-7", value: 154.3, unit: "[lb_av]", startMs: 1_710_082_800_000, offsetMinutes: -480,
                    source: "fhir", sourceRecordId: "weight-1")
            ])
        XCTAssertEqual(result.observationCount, 1)
    }

    func testNDJSONRecords() throws {
        let result = try importFixture("observations.ndjson")
        // 2024-03-12T09:00:00Z; no unit system, so the unit text.
        assertImportedRecords(
            result.vitals,
            [
                VitalRecord(
                    metric: "8867-4", value: 58, unit: "bpm", startMs: 1_710_234_000_000, offsetMinutes: 0,
                    source: "fhir", sourceRecordId: "nd-hr")
            ])
        // The report comes after both results. nd-alb gets its report id at the end; nd-ast (no category, only
        // issued) takes the report's category and effective time 2024-03-12T08:00:00Z, not its own issued.
        assertImportedRecords(
            result.labs,
            [
                LabRecord(
                    test: "Albumin", code: "1751-7", valueText: "4.1", unit: "g/dL", collectedMs: 1_710_230_400_000,
                    offsetMinutes: 0, reportId: "nd-rep", source: "fhir", sourceRecordId: "nd-alb"),
                LabRecord(
                    test: "Aspartate aminotransferase", code: "1920-8", valueText: "22", unit: "U/L",
                    collectedMs: 1_710_230_400_000, offsetMinutes: 0, reportId: "nd-rep", source: "fhir",
                    sourceRecordId: "nd-ast"),
            ])
        XCTAssertEqual(result.otherResources, ["DiagnosticReport": 1, "Patient": 1])
    }

    func testNDJSONRejectsBadLinesByNumber() throws {
        let result = try importFixture("observations.ndjson")
        XCTAssertEqual(result.rejected.map(\.line), [2, 4])
        XCTAssertEqual(result.rejected.map(\.location), ["line 2", "line 4"])
        XCTAssertEqual(
            result.rejected.first?.reason, "invalid JSON at column 45: expected a member name in double quotes")
        XCTAssertEqual(result.rejected.last?.reason, "expected a FHIR resource (a JSON object), found an array")
    }

    func testNDJSONDetectedWithoutExtension() throws {
        let bytes = try Array(
            Data(contentsOf: URL(fileURLWithPath: ImporterTestFiles.fixture("fhir/observations.ndjson"))))
        let byContent = try FHIRImporter().parse(bytes: bytes, name: "export.json")
        let byName = try importFixture("observations.ndjson")
        XCTAssertEqual(byContent, byName)
    }

    func testNDJSONWithWindowsLineEnds() throws {
        let text = "{\"resourceType\":\"Patient\"}\r\n{\"resourceType\":\"Patient\"}\r\n"
        let result = try FHIRImporter().parse(bytes: Array(text.utf8), name: "patients.ndjson")
        XCTAssertEqual(result.otherResources, ["Patient": 2])
        XCTAssertEqual(result.rejected, [])
    }

    // MARK: - Catalog

    func testCatalogSkipsUnknownVitalCodes() throws {
        let catalog = try ImporterTestFiles.catalog()
        let text = """
            {"resourceType": "Observation", "id": "pain-1", "status": "final",
             "category": [{"coding": [{"code": "vital-signs"}]}],
             "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
             "effectiveDateTime": "2024-03-05T08:30:00Z",
             "valueQuantity": {"value": 2, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}}
            """
        let withCatalog = try FHIRImporter(catalog: catalog).parse(bytes: Array(text.utf8), name: "pain.json")
        XCTAssertEqual(withCatalog.vitals, [])
        XCTAssertEqual(withCatalog.skipped, ["vital-signs code 72514-3 is not in the vitals catalog": 1])

        let withoutCatalog = try FHIRImporter().parse(bytes: Array(text.utf8), name: "pain.json")
        XCTAssertEqual(withoutCatalog.vitals.map(\.metric), ["72514-3"])
    }

    func testCatalogPicksFirstKnownLOINCCoding() throws {
        let catalog = try ImporterTestFiles.catalog()
        let text = """
            {"resourceType": "Observation", "id": "hr-2", "status": "final",
             "category": [{"coding": [{"code": "vital-signs"}]}],
             "code": {"coding": [{"system": "http://loinc.org", "code": "LP12345-6"},
                                 {"system": "http://loinc.org", "code": "8867-4"}]},
             "effectiveDateTime": "2024-03-05T08:30:00Z",
             "valueQuantity": {"value": 61, "unit": "/min"}}
            """
        let result = try FHIRImporter(catalog: catalog).parse(bytes: Array(text.utf8), name: "hr.json")
        XCTAssertEqual(result.vitals.map(\.metric), ["8867-4"])
    }

    // MARK: - Single Observation rules

    private func importObservation(_ members: String) throws -> FHIRImport {
        let text = "{\"resourceType\": \"Observation\", \"id\": \"obs\", " + members + "}"
        return try FHIRImporter().parse(bytes: Array(text.utf8), name: "observation.json")
    }

    func testVitalWithoutLOINCCodeIsRejected() throws {
        let result = try importObservation(
            """
            "category": [{"coding": [{"code": "vital-signs"}]}],
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "364075005"}]},
            "effectiveDateTime": "2024-03-05T08:30:00Z", "valueQuantity": {"value": 61, "unit": "/min"}
            """)
        XCTAssertEqual(
            result.rejected,
            [
                FHIRImport.Rejection(
                    location: "Observation/obs",
                    reason: "vital sign without a LOINC code (http://snomed.info/sct|364075005)")
            ])
    }

    func testPeriodEndingBeforeStartIsRejected() throws {
        let result = try importObservation(
            """
            "category": [{"coding": [{"code": "vital-signs"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "55423-8"}]},
            "effectivePeriod": {"start": "2024-03-05T09:00:00Z", "end": "2024-03-05T08:00:00Z"},
            "valueQuantity": {"value": 100, "unit": "steps"}
            """)
        XCTAssertEqual(result.vitals, [])
        XCTAssertEqual(
            result.rejected.map(\.reason),
            ["effectivePeriod ends (2024-03-05T08:00:00Z) before it starts (2024-03-05T09:00:00Z)"])
    }

    func testPeriodEndWithoutOffsetUsesStartOffset() throws {
        let result = try importObservation(
            """
            "category": [{"coding": [{"code": "vital-signs"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "55423-8"}]},
            "effectivePeriod": {"start": "2024-03-05T09:00:00+02:00", "end": "2024-03-05T09:30:00"},
            "valueQuantity": {"value": 100, "unit": "steps"}
            """)
        let record = try XCTUnwrap(result.vitals.first)
        XCTAssertEqual(record.endMs - record.startMs, 30 * 60_000)
    }

    func testLabRatioAndIntegerValues() throws {
        let ratio = try importObservation(
            """
            "category": [{"coding": [{"code": "laboratory"}]}], "code": {"text": "ANA titer"},
            "effectiveDateTime": "2024-03-05", "valueRatio": {"numerator": {"value": 1}, "denominator": {"value": 80}}
            """)
        XCTAssertEqual(ratio.labs.map(\.valueText), ["1:80"])
        XCTAssertEqual(ratio.labs.map(\.code), [nil])
        XCTAssertEqual(ratio.labs.map(\.test), ["ANA titer"])

        let integer = try importObservation(
            """
            "category": [{"coding": [{"code": "laboratory"}]}], "code": {"text": "Casts"},
            "effectiveDateTime": "2024-03-05", "valueInteger": 3
            """)
        XCTAssertEqual(integer.labs.map(\.valueText), ["3"])
    }

    func testLabComponentsBecomeRecords() throws {
        let result = try importObservation(
            """
            "category": [{"coding": [{"code": "laboratory"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "24357-6"}], "text": "Urinalysis"},
            "effectiveDateTime": "2024-03-05T10:00:00Z",
            "component": [
              {"code": {"coding": [{"system": "http://loinc.org", "code": "5811-5"}], "text": "Specific gravity"},
               "valueQuantity": {"value": 1.020},
               "referenceRange": [{"low": {"value": 1.005}, "high": {"value": 1.030}}]},
              {"code": {"coding": [{"system": "http://loinc.org", "code": "5804-0"}], "text": "Protein"},
               "valueCodeableConcept": {"text": "trace"}}
            ]
            """)
        XCTAssertEqual(result.labs.map(\.test), ["Specific gravity", "Protein"])
        XCTAssertEqual(result.labs.map(\.valueText), ["1.020", "trace"])
        XCTAssertEqual(result.labs.map(\.sourceRecordId), ["obs#5811-5", "obs#5804-0"])
        XCTAssertEqual(result.labs.first?.referenceLow, 1.005)
        XCTAssertEqual(result.labs.last?.referenceLow, nil)
    }

    func testLabValueThatIsNotANumberIsRejected() throws {
        let result = try importObservation(
            """
            "category": [{"coding": [{"code": "laboratory"}]}], "code": {"text": "Potassium"},
            "effectiveDateTime": "2024-03-05", "valueQuantity": {"value": "4.1", "unit": "mmol/L"}
            """)
        XCTAssertEqual(result.labs, [])
        XCTAssertEqual(
            result.rejected,
            [
                FHIRImport.Rejection(
                    location: "Observation/obs",
                    reason: "laboratory result: valueQuantity.value is a string, not a number")
            ])
    }

    func testUnreadableLabValueTypesAreSkipped() throws {
        let result = try importObservation(
            """
            "category": [{"coding": [{"code": "laboratory"}]}], "code": {"text": "Reference interval"},
            "effectiveDateTime": "2024-03-05", "valueRange": {"low": {"value": 1}, "high": {"value": 2}}
            """)
        XCTAssertEqual(result.skipped, ["laboratory value is valueRange, which has no single value": 1])
    }

    func testCancelledObservationIsSkipped() throws {
        let result = try importObservation(
            """
            "status": "cancelled", "category": [{"coding": [{"code": "laboratory"}]}], "code": {"text": "K"}
            """)
        XCTAssertEqual(result.skipped, ["status cancelled": 1])
    }

    func testObservationWithoutIdWarns() throws {
        let text = """
            {"resourceType": "Observation", "category": [{"coding": [{"code": "laboratory"}]}], "code": {"text": "K"},
             "effectiveDateTime": "2024-03-05", "valueQuantity": {"value": 4.0, "unit": "mmol/L"}}
            """
        let result = try FHIRImporter().parse(bytes: Array(text.utf8), name: "observation.json")
        XCTAssertEqual(result.labs.map(\.sourceRecordId), [nil])
        XCTAssertEqual(result.warnings, ["observation without id or fullUrl, so importing it again adds it again": 1])
    }

    func testDefaultSourceCanBeChanged() throws {
        let result = try FHIRImporter(source: "clinic-portal").parse(
            path: ImporterTestFiles.fixture("fhir/single-observation.json"))
        XCTAssertEqual(result.vitals.map(\.source), ["clinic-portal"])
    }

    // MARK: - Whole-file errors

    private func importError(_ text: String, name: String = "input.json") -> FHIRImportError? {
        do {
            _ = try FHIRImporter().parse(bytes: Array(text.utf8), name: name)
            return nil
        } catch {
            return error
        }
    }

    func testInvalidJSONNamesFileAndPosition() {
        XCTAssertEqual(
            importError("{\n  \"resourceType\": \"Bundle\",\n  \"entry\": [}\n")?.description,
            "input.json: invalid JSON at line 3, column 13: expected a value; expected a FHIR resource, a Bundle, or "
                + "NDJSON with one resource per line")
    }

    func testXMLFileIsRejected() {
        XCTAssertEqual(
            importError("<?xml version=\"1.0\"?><Bundle xmlns=\"http://hl7.org/fhir\"/>")?.message,
            "the file is XML; FHIR XML is not read, so export the records as FHIR JSON")
    }

    func testJSONWithoutResourceTypeIsRejected() {
        let expected =
            "the JSON is not a FHIR resource: it has no resourceType; expected an R4 Bundle, an Observation or "
            + "another resource"
        XCTAssertEqual(importError("{\"type\": \"collection\"}")?.message, expected)
        XCTAssertEqual(importError("[{\"resourceType\": \"Observation\"}]")?.message, expected)
    }

    func testNDJSONWithoutAnyResourceIsRejected() {
        XCTAssertEqual(
            importError("{\"a\": 1}\n{\"b\": 2}\n", name: "lines.ndjson")?.message,
            "no line is a FHIR resource (line 1: the JSON object has no resourceType, so it is not a FHIR "
                + "resource); NDJSON holds one JSON resource per line")
    }

    func testMissingFileIsRejected() {
        XCTAssertThrowsError(try FHIRImporter().parse(path: "/nonexistent/fhir/bundle.json")) { error in
            XCTAssertEqual(
                (error as? FHIRImportError)?.description,
                "/nonexistent/fhir/bundle.json: cannot open the file: No such file or directory")
        }
    }

    func testDirectoryIsRejected() {
        XCTAssertThrowsError(try FHIRImporter().parse(path: ImporterTestFiles.fixture("fhir"))) { error in
            XCTAssertEqual((error as? FHIRImportError)?.message, "is a directory; name the FHIR files inside it")
        }
    }
}
