// The Apple Health reader and its XML scanner on hand-written exports: each fixture is read whole and in
// small chunks, and must give exactly the expected records, line numbers, skips and rejections.

import HealthDomain
import XCTest

@testable import HealthCLI

final class AppleHealthReaderTests: XCTestCase {
    /// Chunk sizes that split every construct somewhere, plus the whole document.
    let chunkSizes: [Int?] = [1, 2, 3, 7, 64, 4096, nil]

    /// Reads the document with every chunk size and checks that all give the same result; returns it.
    func readAllWays(_ document: String, file: StaticString = #filePath, line: UInt = #line) throws -> ReadResult {
        let whole = try readExport(document)
        for size in chunkSizes {
            let chunked = try readExport(document, chunkSize: size)
            XCTAssertEqual(chunked.records, whole.records, "records with chunk size \(size ?? 0)", file: file, line: line)
            XCTAssertEqual(chunked.lines, whole.lines, "lines with chunk size \(size ?? 0)", file: file, line: line)
            XCTAssertEqual(chunked.reader.skippedCounts, whole.reader.skippedCounts, file: file, line: line)
            XCTAssertEqual(chunked.reader.rejectionExamples, whole.reader.rejectionExamples, file: file, line: line)
            XCTAssertEqual(chunked.reader.duplicateCount, whole.reader.duplicateCount, file: file, line: line)
            XCTAssertEqual(chunked.problem, whole.problem, file: file, line: line)
        }
        return whole
    }

    // MARK: - Fixtures without and with a DTD

    func testPlainExportWithEntities() throws {
        let document = """
            <HealthData locale="en_US">
             <ExportDate value="2024-02-01 10:00:00 -0500"/>
             <Me HKCharacteristicTypeIdentifierDateOfBirth="1980-01-01"
                 HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
             <Record type="HKQuantityTypeIdentifierHeartRate"
                     sourceName='Zoë&apos;s &#x2019;Watch&#8217; &lt;2&gt; &amp; co'
                     unit = "count/min"
                     startDate="2024-02-01 07:30:00 -0500"
                     endDate="2024-02-01 07:30:00 -0500"
                     value="61"></Record>
             <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Withings" unit="kg" startDate="2024-02-01 07:35:10 -0500" endDate="2024-02-01 07:35:10 -0500" value="72.45"/>
             <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="iPhone" startDate="2024-02-01 00:10:00 -0500" endDate="2024-02-01 06:50:00 -0500" value="HKCategoryValueSleepAnalysisInBed"/>
             <Workout workoutActivityType="HKWorkoutActivityTypeRunning" sourceName="Watch" startDate="2024-02-01 18:00:00 -0500" endDate="2024-02-01 18:30:00 -0500">
              <MetadataEntry key="HKIndoorWorkout" value="0"/>
             </Workout>
            </HealthData>
            """
        let result = try readAllWays(document)

        let heartRateStart = utcMs("2024-02-01", 7, 30, 0, offset: -300)
        let weightStart = utcMs("2024-02-01", 7, 35, 10, offset: -300)
        XCTAssertEqual(
            result.records,
            [
                VitalRecord(
                    metric: "HKQuantityTypeIdentifierHeartRate", value: 61, unit: "count/min",
                    startMs: heartRateStart, endMs: heartRateStart, offsetMinutes: -300,
                    source: "Zoë's ’Watch’ <2> & co",
                    sourceRecordId:
                        "HKQuantityTypeIdentifierHeartRate|2024-02-01 07:30:00 -0500|2024-02-01 07:30:00 -0500|"
                        + "Zoë's ’Watch’ <2> & co|61"),
                VitalRecord(
                    metric: "HKQuantityTypeIdentifierBodyMass", value: 72.45, unit: "kg", startMs: weightStart,
                    endMs: weightStart, offsetMinutes: -300, source: "Withings",
                    sourceRecordId:
                        "HKQuantityTypeIdentifierBodyMass|2024-02-01 07:35:10 -0500|2024-02-01 07:35:10 -0500|"
                        + "Withings|72.45"),
            ])
        XCTAssertEqual(result.lines, [5, 11])
        XCTAssertEqual(
            result.reader.skippedCounts,
            ["ExportDate": 1, "Me": 1, "HKCategoryTypeIdentifierSleepAnalysis": 1, "Workout": 1])
        XCTAssertEqual(result.reader.rejectedCount, 0)
        XCTAssertNil(result.problem)
    }

    func testBrokenDTDThatNeverClosesEndsAtRoot() throws {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE HealthData [
            <!-- HealthKit Export Version: 11 -->
            <!ELEMENT HealthData (ExportDate,Me,(Record|Correlation)*)>
            <!ATTLIST Record
              type CDATA #REQUIRED
              value CDATA "unterminated
            >
            <!ELEMENT Broken (((>
            <HealthData locale="en_US">
             <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" startDate="2024-03-10 01:00:00 -0500" endDate="2024-03-10 03:30:00 -0400" value="1200"/>
            </HealthData>
            """
        let result = try readAllWays(document)

        XCTAssertEqual(result.records.count, 1)
        XCTAssertEqual(result.records.first?.startMs, utcMs("2024-03-10", 1, 0, 0, offset: -300))
        XCTAssertEqual(result.records.first?.endMs, utcMs("2024-03-10", 3, 30, 0, offset: -240))
        XCTAssertEqual(result.records.first?.offsetMinutes, -300)
        XCTAssertEqual(result.lines, [11])
        XCTAssertNil(result.problem)
    }

    func testDTDWithTrickyContentIsSkipped() throws {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE HealthData SYSTEM "health[1].dtd" [
            <!-- a comment that mentions ]> and <Record type="HKQuantityTypeIdentifierHeartRate" value="1"/> -->
            <!ATTLIST Record type CDATA #REQUIRED>
            <?dtd-instruction with > inside?>
            ]  >
            <?xml-stylesheet href="x.xsl"?>
            <!-- <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="comment" value="1"/> -->
            <HealthData locale="en_US">
             <![CDATA[ <Record type="HKQuantityTypeIdentifierHeartRate" value="2"/> ]]>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" startDate="2024-01-01 00:00:00 +0000" endDate="2024-01-01 00:00:00 +0000" value="70"/>
            </HealthData>
            """
        let result = try readAllWays(document)

        XCTAssertEqual(result.records.map(\.value), [70])
        XCTAssertEqual(result.lines, [11])
        XCTAssertNil(result.problem)
    }

    func testDoctypeWithoutInternalSubset() throws {
        let document = """
            <?xml version="1.0"?><!DOCTYPE HealthData><HealthData>\
            <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" \
            startDate="2024-01-01 00:00:00 +0000" endDate="2024-01-01 00:00:00 +0000" value="1e2"/></HealthData>
            """
        let result = try readAllWays(document)

        XCTAssertEqual(result.records.map(\.value), [100])
        XCTAssertEqual(result.lines, [1])
    }

    // MARK: - Characters

    func testControlCharactersAreRemovedBeforeParsing() throws {
        let document =
            "<HealthData>\n"
            + "<Record type=\"HKQuantityTypeIdentifierHeartRate\"\u{01} sourceName=\"Al\u{0B}ex&#1;\" unit=\"count/min\" "
            + "startDate=\"2024-01-01 08:00:00 +0100\" endDate=\"2024-01-01 08:00:00 +0100\" value=\"6\u{1F}5\"/>\n"
            + "</HealthData>\n"
        let result = try readAllWays(document)

        XCTAssertEqual(result.records.map(\.source), ["Alex"])
        XCTAssertEqual(result.records.map(\.value), [65])
        XCTAssertEqual(result.reader.removedControlCharacters, 3)
    }

    func testNonASCIIUnitsAndSourcesAreKept() throws {
        let document = """
            <HealthData>
             <Record type="HKQuantityTypeIdentifierVO2Max" sourceName="Apple\u{A0}Watch" unit="mL/kg·min" startDate="2023-11-20 17:26:15 +0100" endDate="2023-11-20 18:00:00 +0100" value="45.2"/>
             <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Health" unit="mmol&lt;180.1558800000541&gt;/L" startDate="2024-01-09 12:30:00 +0100" endDate="2024-01-09 12:30:00 +0100" value="4.59"/>
            </HealthData>
            """
        let result = try readAllWays(document)

        XCTAssertEqual(result.records.map(\.unit), ["mL/kg·min", "mmol<180.1558800000541>/L"])
        XCTAssertEqual(result.records.map(\.source), ["Apple\u{A0}Watch", "Health"])
        XCTAssertEqual(result.records.map(\.value), [45.2, 4.59])
    }

    func testAttributeWhitespaceIsNormalized() throws {
        let document =
            "<HealthData><Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"My\r\n\tWatch&#10;2\" "
            + "unit=\"count/min\" startDate=\"2024-01-01 00:00:00 +0000\" endDate=\"2024-01-01 00:00:00 +0000\" "
            + "value=\" 72 \"/></HealthData>"
        let result = try readAllWays(document)

        XCTAssertEqual(result.records.map(\.source), ["My  Watch\n2"])
        XCTAssertEqual(result.records.map(\.value), [72])
    }

    // MARK: - Correlations

    func testCorrelationCopiesOfTopLevelRecordsCountOnce() throws {
        let document = """
            <HealthData>
             <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Health" unit="mmHg" value="118" startDate="2024-06-15 07:00:00 +0000" endDate="2024-06-15 07:00:01 +0000"/>
             <Record type="HKQuantityTypeIdentifierBloodPressureDiastolic" sourceName="Health" unit="mmHg" value="76" startDate="2024-06-15 07:00:00 +0000" endDate="2024-06-15 07:00:01 +0000"/>
             <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Health" startDate="2024-06-15 07:00:00 +0000" endDate="2024-06-15 07:00:01 +0000">
              <MetadataEntry key="HKWasUserEntered" value="1"/>
              <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Health" unit="mmHg" value="118" startDate="2024-06-15 07:00:00 +0000" endDate="2024-06-15 07:00:01 +0000"/>
              <Record type="HKQuantityTypeIdentifierBloodPressureDiastolic" sourceName="Health" unit="mmHg" value="76" startDate="2024-06-15 07:00:00 +0000" endDate="2024-06-15 07:00:01 +0000">
               <MetadataEntry key="HKWasUserEntered" value="1"/>
              </Record>
             </Correlation>
             <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Cuff" startDate="2024-06-16 07:00:00 +0000" endDate="2024-06-16 07:00:00 +0000">
              <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Cuff" unit="mmHg" value="121" startDate="2024-06-16 07:00:00 +0000" endDate="2024-06-16 07:00:00 +0000"/>
             </Correlation>
             <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Cuff" unit="mmHg" value="121" startDate="2024-06-16 07:00:00 +0000" endDate="2024-06-16 07:00:00 +0000"/>
             <Correlation type="HKCorrelationTypeIdentifierFood" sourceName="Diary" startDate="2024-06-16 12:00:00 +0000" endDate="2024-06-16 12:00:00 +0000">
              <Record type="HKQuantityTypeIdentifierDietaryEnergyConsumed" sourceName="Diary" unit="kcal" value="640" startDate="2024-06-16 12:00:00 +0000" endDate="2024-06-16 12:00:00 +0000"/>
             </Correlation>
             <Record type="HKQuantityTypeIdentifierDietaryEnergyConsumed" sourceName="Diary" unit="kcal" value="640" startDate="2024-06-16 12:00:00 +0000" endDate="2024-06-16 12:00:00 +0000"/>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" value="70" startDate="2024-06-16 12:00:00 +0000" endDate="2024-06-16 12:00:00 +0000"/>
            </HealthData>
            """
        let result = try readAllWays(document)

        XCTAssertEqual(
            result.records.map(\.metric),
            [
                "HKQuantityTypeIdentifierBloodPressureSystolic", "HKQuantityTypeIdentifierBloodPressureDiastolic",
                "HKQuantityTypeIdentifierBloodPressureSystolic", "HKQuantityTypeIdentifierDietaryEnergyConsumed",
                "HKQuantityTypeIdentifierHeartRate",
            ])
        XCTAssertEqual(result.records.map(\.value), [118, 76, 121, 640, 70])
        XCTAssertEqual(result.lines, [2, 3, 12, 16, 19])
        XCTAssertEqual(result.reader.duplicateCount, 4)
        XCTAssertEqual(result.reader.recordCount, 5)
        XCTAssertEqual(result.reader.skippedCounts, [:])
    }

    // MARK: - Rejections and truncation

    func testUnreadableValuesAreRejectedWithLineNumbers() throws {
        let document = """
            <HealthData>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" value="abc" startDate="2024-01-01 00:00:00 +0000" endDate="2024-01-01 00:00:00 +0000"/>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" value="" startDate="2024-01-01 00:01:00 +0000" endDate="2024-01-01 00:01:00 +0000"/>
             <Record type="HKQuantityTypeIdentifierHeartRate"
                     sourceName="W" unit="count/min" value="nan"
                     startDate="2024-01-01 00:02:00 +0000" endDate="2024-01-01 00:02:00 +0000"/>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" value="7,5" startDate="2024-01-01 00:03:00 +0000" endDate="2024-01-01 00:03:00 +0000"/>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" startDate="2024-01-01 00:04:00 +0000" endDate="2024-01-01 00:04:00 +0000"/>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" value="60" startDate="2024-02-30 00:05:00 +0000" endDate="2024-02-30 00:05:00 +0000"/>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" value="61" startDate="2024-01-01 00:06:00 +0000" endDate="2024-01-01 00:05:00 +0000"/>
             <Record sourceName="W" value="1"/>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" value="62" startDate="2024-01-01 00:07:00 +0000" endDate="2024-01-01 00:07:00 +0000"/>
            </HealthData>
            """
        let result = try readAllWays(document)

        XCTAssertEqual(result.records.map(\.value), [62])
        XCTAssertEqual(result.lines, [12])
        XCTAssertEqual(
            result.reader.rejectionExamples,
            [
                RejectedRecord(line: 2, reason: "value \"abc\" is not a number", kind: "value is not a number"),
                RejectedRecord(line: 3, reason: "value \"\" is not a number", kind: "value is not a number"),
                RejectedRecord(line: 4, reason: "value \"nan\" is not a number", kind: "value is not a number"),
                RejectedRecord(line: 7, reason: "value \"7,5\" is not a number", kind: "value is not a number"),
                RejectedRecord(
                    line: 8, reason: "HKQuantityTypeIdentifierHeartRate Record has no value attribute",
                    kind: "value is missing"),
                RejectedRecord(
                    line: 9, reason: "startDate \"2024-02-30 00:05:00 +0000\" is not a valid date",
                    kind: "invalid startDate"),
                RejectedRecord(
                    line: 10,
                    reason: "endDate \"2024-01-01 00:05:00 +0000\" is before startDate \"2024-01-01 00:06:00 +0000\"",
                    kind: "endDate is before startDate"),
                RejectedRecord(line: 11, reason: "Record has no type attribute", kind: "Record has no type attribute"),
            ])
        XCTAssertEqual(result.reader.rejectedCount, 8)
        XCTAssertEqual(result.reader.rejectionCounts["value is not a number"], 4)
    }

    func testTruncatedFileIsReported() throws {
        let document = """
            <HealthData>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" value="70" startDate="2024-01-01 00:00:00 +0000" endDate="2024-01-01 00:00:00 +0000"/>
             <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/mi
            """
        let result = try readAllWays(document)

        XCTAssertEqual(result.records.map(\.value), [70])
        XCTAssertEqual(result.problem, "the file ends inside the markup that starts at line 3; it is truncated")
    }

    func testMissingClosingRootIsReported() throws {
        let result = try readAllWays("<HealthData>\n <Me/>\n")

        XCTAssertEqual(result.problem, "the file ends before the closing </HealthData> tag; it is truncated")
    }

    func testFileWithoutRootIsReported() throws {
        let result = try readAllWays("<?xml version=\"1.0\"?>\n<!-- nothing -->\n")

        XCTAssertEqual(result.problem, "the file contains no <HealthData> element; it is not an Apple Health export")
    }

    func testUnclosedAttributeValueFailsAtTheLimit() throws {
        var scanner = XMLStreamScanner(maximumConstructBytes: 1024)
        var handler = CountingHandler()
        let prefix = Array("<HealthData>\n<Record value=\"".utf8)
        let filler = [UInt8](repeating: 0x41, count: 2048)

        try prefix.withUnsafeBytes { try scanner.feed($0, to: &handler) }
        XCTAssertThrowsError(try filler.withUnsafeBytes { try scanner.feed($0, to: &handler) }) { error in
            XCTAssertEqual(error as? XMLScanError, .constructTooLong(line: 2, limit: 1024))
        }
    }

    // MARK: - Number parsing

    func testDecimalParserAcceptsOnlyFiniteDecimals() {
        let cases: [(String, Double?)] = [
            ("72", 72), ("-0.5", -0.5), ("0.00288", 0.00288), ("1.2e3", 1200), (" 5 ", 5), ("+3", 3),
            (".5", 0.5), ("5.", 5), ("12345678901234567890", 1.234_567_890_123_456_789e19),
            ("0.1234567890123456789", 0.1234567890123456789), ("1e400", nil), ("nan", nil), ("inf", nil),
            ("0x10", nil), ("7,5", nil), ("", nil), ("-", nil), (".", nil), ("1e", nil), ("1.2.3", nil),
        ]
        for (text, expected) in cases {
            let parsed = Array(text.utf8).withUnsafeBufferPointer { DecimalParser.parse($0) }
            XCTAssertEqual(parsed, expected, "parsing \"\(text)\"")
        }
    }
}

/// A tag handler that only counts, for scanner tests.
struct CountingHandler: XMLTagHandler {
    var tags = 0

    mutating func handle(_ tag: XMLTag, bytes: UnsafeBufferPointer<UInt8>, scanner: inout XMLLineCounter) throws {
        tags += 1
    }
}
