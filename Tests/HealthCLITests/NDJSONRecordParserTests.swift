// Parsing of `health submit` input lines.

import HealthDomain
import XCTest

@testable import HealthCLI

final class NDJSONRecordParserTests: XCTestCase {
    func testFullRecord() throws {
        let line = """
            {"metric": "heart_rate", "value": 72.5, "unit": "count/min", "start": "2024-01-15T07:30:00-05:00", \
            "end": "2024-01-15T07:31:00-05:00", "source": "my-app \\"beta\\" \\u00e9\\ud83d\\ude00", "id": "hr-1", "version": 3}
            """
        let record = try NDJSONRecordParser.parse(line).get()

        XCTAssertEqual(
            record,
            VitalRecord(
                metric: "heart_rate", value: 72.5, unit: "count/min", startMs: utcMs("2024-01-15", 7, 30, 0, offset: -300),
                endMs: utcMs("2024-01-15", 7, 31, 0, offset: -300), offsetMinutes: -300,
                source: "my-app \"beta\" é😀", sourceRecordId: "hr-1", version: 3))
    }

    func testMinimalRecordDefaults() throws {
        let record = try NDJSONRecordParser.parse(
            "\u{FEFF}{\"metric\":\"8867-4\",\"value\":-1e-3,\"unit\":\"\",\"start\":\"2024-01-15T12:00:00Z\"}"
        ).get()

        XCTAssertEqual(record.metric, "8867-4")
        XCTAssertEqual(record.value, -0.001)
        XCTAssertEqual(record.endMs, record.startMs)
        XCTAssertEqual(record.offsetMinutes, 0)
        XCTAssertEqual(record.source, "")
        XCTAssertNil(record.sourceRecordId)
        XCTAssertEqual(record.version, 0)
    }

    func testInvalidLinesGiveReasons() {
        let cases: [(String, String)] = [
            ("not json", "invalid JSON: expected an object starting with '{'"),
            ("[1, 2]", "invalid JSON: expected an object starting with '{'"),
            ("{\"metric\": \"hr\"", "invalid JSON: expected ',' or '}' but the line ends"),
            ("{\"metric\": \"hr\",}", "invalid JSON: expected a field name in quotes at column 17"),
            ("{\"metric\": \"hr\"} x", "invalid JSON: unexpected text after the object at column 18"),
            ("{\"value\": 1, \"value\": 2}", "field \"value\" appears twice"),
            ("{\"value\": 01}", "invalid JSON: expected ',' or '}' at column 12"),
            ("{\"value\": NaN}", "invalid JSON: expected a value at column 11"),
            ("{\"value\": 1e999}", "number at column 11 is out of range"),
            (
                "{\"metric\": \"hr\", \"vaule\": 1}",
                "unknown field \"vaule\" (expected metric, value, unit, start, end, source, id, version)"
            ),
            ("{\"value\": 1, \"unit\": \"x\", \"start\": \"2024-01-01T00:00:00Z\"}", "missing field \"metric\""),
            ("{\"metric\": \"\", \"value\": 1}", "field \"metric\" must not be empty"),
            ("{\"metric\": \"hr\", \"unit\": \"x\", \"start\": \"2024-01-01T00:00:00Z\"}", "missing field \"value\""),
            ("{\"metric\": \"hr\", \"value\": \"72\"}", "field \"value\" must be a number"),
            ("{\"metric\": \"hr\", \"value\": true}", "field \"value\" must be a number"),
            ("{\"metric\": \"hr\", \"value\": 1, \"start\": \"2024-01-01T00:00:00Z\"}", "missing field \"unit\""),
            (
                "{\"metric\": \"hr\", \"value\": 1, \"unit\": \"x\", \"start\": \"yesterday\"}",
                "field \"start\" is not an RFC 3339 timestamp: \"yesterday\""
            ),
            (
                "{\"metric\": \"hr\", \"value\": 1, \"unit\": \"x\", \"start\": \"2024-01-01T10:00:00Z\", \"end\": \"2024-01-01T09:00:00Z\"}",
                "field \"end\" (2024-01-01T09:00:00Z) is before \"start\" (2024-01-01T10:00:00Z)"
            ),
            (
                "{\"metric\": \"hr\", \"value\": 1, \"unit\": \"x\", \"start\": \"2024-01-01T10:00:00Z\", \"version\": 1.5}",
                "field \"version\" must be a whole number"
            ),
            (
                "{\"metric\": \"hr\", \"value\": 1, \"unit\": \"x\", \"start\": \"2024-01-01T10:00:00Z\", \"id\": 7}",
                "field \"id\" must be a string"
            ),
            ("{\"metric\": \"a\tb\"}", "invalid JSON: control character in a string at column 14"),
            ("{\"metric\": \"\\ud800\"}", "invalid JSON: lone surrogate"),
        ]
        for (line, reason) in cases {
            switch NDJSONRecordParser.parse(line) {
            case .success(let record):
                XCTFail("parsed \(line) as \(record)")
            case .failure(let error):
                XCTAssertEqual(error.description, reason, line)
            }
        }
    }

    func testNestedValuesAreParsedThenRejected() {
        let line = "{\"metric\": \"hr\", \"value\": {\"a\": [1, {\"b\": null}]}}"
        guard case .failure(let error) = NDJSONRecordParser.parse(line) else {
            return XCTFail("a nested value was accepted")
        }
        XCTAssertEqual(error.description, "field \"value\" must be a number")
    }
}
