// LabCSVImporter and LabColumnMapping: the standard layout with several patients, a `;` file with decimal commas
// and a custom mapping, the `--columns` parser and its errors, and the shared rusty-bytes7 sample file. Expected
// times were computed with Python's datetime from the timestamps in the comments.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

final class LabCSVImportTests: XCTestCase {
    // MARK: - Standard layout

    func testStandardLayoutRows() throws {
        let result = try LabCSVImporter.parse(path: ImporterTestFiles.fixture("labs/results.csv"))
        let noon0110: Int64 = 1_736_510_400_000  // 2025-01-10T12:00:00, local noon read as UTC
        assertImportedRecords(
            result.rows.map(\.record),
            [
                LabRecord(
                    test: "TSH", valueText: "2.10", unit: "uIU/mL", referenceLow: 0.5, referenceHigh: 4.5,
                    collectedMs: noon0110, offsetMinutes: nil, source: "lab-csv",
                    sourceRecordId: "A1|2025-01-10|TSH|1"),
                LabRecord(
                    test: "CRP", valueText: "<0.5", unit: "mg/L", referenceHigh: 5, collectedMs: noon0110,
                    offsetMinutes: nil, source: "lab-csv", sourceRecordId: "A1|2025-01-10|CRP|1"),
                // The same patient, date and test again: the occurrence number distinguishes the two.
                LabRecord(
                    test: "CRP", valueText: "0.7", unit: "mg/L", referenceHigh: 5, collectedMs: noon0110,
                    offsetMinutes: nil, source: "lab-csv", sourceRecordId: "A1|2025-01-10|CRP|2"),
                // 2025-01-11T08:30:00-05:00.
                LabRecord(
                    test: "Glucose", valueText: "95", unit: "mg/dL", referenceLow: 70, referenceHigh: 99,
                    collectedMs: 1_736_602_200_000, offsetMinutes: -300, source: "lab-csv",
                    sourceRecordId: "B2|2025-01-11T08:30:00-05:00|Glucose|1"),
                // 2025-01-11T12:00:00; a low cell that is not a number becomes the reference text.
                LabRecord(
                    test: "Urine nitrite", valueText: "negative", unit: "", referenceText: "negative",
                    collectedMs: 1_736_596_800_000, offsetMinutes: nil, source: "lab-csv",
                    sourceRecordId: "B2|2025-01-11|Urine nitrite|1"),
                // 2025-01-13T12:00:00; quoted cells.
                LabRecord(
                    test: "HDL", valueText: "45", unit: "mg/dL", referenceLow: 40, collectedMs: 1_736_769_600_000,
                    offsetMinutes: nil, source: "lab-csv", sourceRecordId: "C3|2025-01-13|HDL|1"),
            ])
        XCTAssertEqual(result.rows.map(\.line), [2, 3, 4, 5, 6, 10])
        XCTAssertEqual(result.rows.map(\.patientKey), ["A1", "A1", "A1", "B2", "B2", "C3"])
        XCTAssertNil(result.stoppedEarly)
    }

    func testStandardLayoutRejections() throws {
        let result = try LabCSVImporter.parse(path: ImporterTestFiles.fixture("labs/results.csv"))
        XCTAssertEqual(
            result.rejected,
            [
                LabCSVImport.Rejection(line: 7, reason: "the result value of Sodium is empty"),
                LabCSVImport.Rejection(
                    line: 8,
                    reason: "the date is '01/12/2025'; expected YYYY-MM-DD or an RFC 3339 date and time such as "
                        + "2025-05-01T08:30:00-04:00"),
                LabCSVImport.Rejection(line: 9, reason: "the patient id is empty"),
            ])
    }

    func testPatientsBecomeUsers() throws {
        let result = try LabCSVImporter.parse(path: ImporterTestFiles.fixture("labs/results.csv"))
        XCTAssertEqual(result.patientKeys, ["A1", "B2", "C3"])
        XCTAssertEqual(result.user(forPatient: "B2", user: "clinic"), "clinic-B2")
        XCTAssertEqual(result.rowsByPatient["A1"]?.count, 3)
        XCTAssertEqual(result.rowsByPatient["B2"]?.count, 2)
    }

    func testSinglePatientUsesUserAsGiven() throws {
        let text = "PatientID,Date,Test,Result\n7,2025-01-10,TSH,2.1\n7,2025-01-11,TSH,2.3\n"
        let result = try LabCSVImporter.parse(text: text, name: "one.csv")
        XCTAssertEqual(result.patientKeys, ["7"])
        XCTAssertEqual(result.user(forPatient: "7", user: "alice"), "alice")
    }

    // MARK: - Custom mapping and decimal commas

    func testSemicolonFileWithCustomMapping() throws {
        let mapping = try LabColumnMapping(
            parsing: "date=Datum,time=Uhrzeit,test=Analyse,value=Wert,unit=Einheit,range=Referenz,code=LOINC")
        let result = try LabCSVImporter.parse(path: ImporterTestFiles.fixture("labs/semicolon.csv"), mapping: mapping)
        assertImportedRecords(
            result.rows.map(\.record),
            [
                // 2025-02-03 with the time 07:15 and no offset.
                LabRecord(
                    test: "Hämoglobin", code: "718-7", valueText: "13.8", unit: "g/dL", referenceText: "12,0 - 16,0",
                    collectedMs: 1_738_566_900_000, offsetMinutes: nil, source: "lab-csv",
                    sourceRecordId: "2025-02-03 07:15|Hämoglobin|1"),
                LabRecord(
                    test: "CRP", code: "1988-5", valueText: "<0.5", unit: "mg/L", referenceText: "< 5",
                    collectedMs: 1_738_566_900_000, offsetMinutes: nil, source: "lab-csv",
                    sourceRecordId: "2025-02-03 07:15|CRP|1"),
                // 2025-02-04 without a time: local noon.
                LabRecord(
                    test: "Ferritin", code: "2276-4", valueText: "1234.5", unit: "ng/mL",
                    collectedMs: 1_738_670_400_000, offsetMinutes: nil, source: "lab-csv",
                    sourceRecordId: "2025-02-04|Ferritin|1"),
            ])
        XCTAssertEqual(result.rows.map(\.patientKey), [nil, nil, nil])
        XCTAssertEqual(result.patientKeys, [])
        XCTAssertEqual(result.user(forPatient: nil, user: "me"), "me")
        XCTAssertEqual(result.rejected, [])
    }

    func testUnclosedQuoteStopsWithReason() throws {
        let text = "Date,Test,Result\n2025-01-10,TSH,2.1\n2025-01-11,\"TSH,2.3\n"
        let result = try LabCSVImporter.parse(text: text, name: "cut.csv")
        XCTAssertEqual(result.rows.count, 1)
        XCTAssertEqual(
            result.stoppedEarly,
            "line 3: a quoted field is not closed before the end of the file; the file may be truncated")
    }

    func testEmptyFileIsRejected() {
        XCTAssertThrowsError(try LabCSVImporter.parse(text: "", name: "empty.csv")) { error in
            XCTAssertEqual(
                (error as? LabCSVError)?.description,
                "empty.csv: the file is empty; expected a header line naming the columns")
        }
    }

    func testMissingFileIsRejected() {
        XCTAssertThrowsError(try LabCSVImporter.parse(path: "/nonexistent/labs.csv")) { error in
            XCTAssertEqual(
                (error as? LabCSVError)?.description,
                "/nonexistent/labs.csv: cannot open the file: No such file or directory")
        }
    }

    // MARK: - Column mapping

    func testMappingOfTheStandardLayout() throws {
        let mapping = try LabColumnMapping(
            parsing: "test=Test,value=Result,unit=Unit,date=Date,low=ReferenceLow,high=ReferenceHigh,patient=PatientID")
        XCTAssertEqual(mapping.columns, LabColumnMapping.standard.columns)
        XCTAssertEqual(mapping.namedKeys, [.test, .value, .unit, .date, .low, .high, .patient])
    }

    func testMappingErrors() {
        let cases: [(String, String)] = [
            (
                "tset=Test",
                "unknown key 'tset' in --columns: expected one of test, value, unit, date, time, low, high, range, "
                    + "code, patient, report"
            ),
            ("test=A,test=B", "key 'test' appears twice in --columns"),
            ("test", "invalid pair 'test' in --columns: expected key=Column"),
            ("value=", "key 'value' in --columns needs a column name: it is required"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try LabColumnMapping(parsing: text), text) { error in
                XCTAssertEqual((error as? LabColumnMappingError)?.description, message, text)
            }
        }
    }

    func testMappingLeavesOptionalKeyOut() throws {
        let mapping = try LabColumnMapping(parsing: " low = , unit=Units ")
        XCTAssertNil(mapping.columns[.low])
        XCTAssertEqual(mapping.columns[.unit], "Units")
    }

    func testResolveMatchesHeaderIgnoringCase() throws {
        let header = CSVHeader(["patientid", " DATE ", "test", "result"])
        let indices = try LabColumnMapping.standard.resolve(header)
        XCTAssertEqual(indices, [.patient: 0, .date: 1, .test: 2, .value: 3])
    }

    func testResolveNamesMissingColumn() {
        let header = CSVHeader(["Date", "Test", "Value"])
        XCTAssertThrowsError(try LabColumnMapping.standard.resolve(header)) { error in
            XCTAssertEqual(
                (error as? LabColumnMappingError)?.description,
                "missing column 'Result' for value; the header has 'Date', 'Test', 'Value'; name the column with "
                    + "--columns value=COLUMN")
        }
        XCTAssertThrowsError(try LabColumnMapping(parsing: "value=Value,unit=Units").resolve(header)) { error in
            XCTAssertEqual(
                (error as? LabColumnMappingError)?.description,
                "missing column 'Units' for unit; the header has 'Date', 'Test', 'Value'; name the column with "
                    + "--columns unit=COLUMN")
        }
    }

    // MARK: - Shared sample file

    func testRustyBytesSample() throws {
        let path = try ImporterTestFiles.sampleData("labs/rusty-bytes7-lab_results.csv")
        let result = try LabCSVImporter.parse(path: path)
        XCTAssertEqual(result.rows.count, 200)
        XCTAssertEqual(result.patientKeys.count, 20)
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(Set(result.rows.compactMap(\.record.sourceRecordId)).count, 200)
        XCTAssertEqual(result.user(forPatient: "1001", user: "clinic"), "clinic-1001")

        let first = try XCTUnwrap(result.rows.first)
        XCTAssertEqual(first.patientKey, "1001")
        // 2025-05-01T12:00:00, local noon read as UTC.
        XCTAssertEqual(
            first.record,
            LabRecord(
                test: "TSH", valueText: "3.87", unit: "uIU/mL", referenceLow: 0.5, referenceHigh: 4.5,
                collectedMs: 1_746_100_800_000, offsetMinutes: nil, source: "lab-csv",
                sourceRecordId: "1001|2025-05-01|TSH|1"))
    }
}
