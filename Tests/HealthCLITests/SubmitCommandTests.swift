// `health submit --domain nutrition|labs`: NDJSON lines parsed into records, invalid lines reported by number,
// and the records the mock server received.

import Foundation
import HealthDomain
import HealthWire
import XCTest

@testable import HealthCLI

final class SubmitCommandTests: XCTestCase {
    func makeServer() throws -> MockServer {
        try MockServer(responder: MockServer.standardReply)
    }

    func testNutritionLinesBecomeRecords() throws {
        let server = try makeServer()
        defer { server.stop() }
        let path = try temporaryPath(self, "meals.ndjson")
        try """
            {"time": "2024-05-01T08:15:00+02:00", "meal": "breakfast", "food": "Porridge", "amount": "1 bowl", "nutrients": {"energy": 300, "protein": 10.5}}
            {"time": "2024-05-01 12:30", "food": "Soup", "nutrients": [{"nutrient": "sodium", "value": 1.2, "unit": "g"}, {"nutrient": "fiber", "value": 3}], "source": "app", "id": "s-1", "version": 2}
            {"time": "2024-05-01T19:00:00Z", "food": "Tea"}
            {"time": "2024-05-01T19:00:00Z", "food": "Tea", "nutrients": {"caffeine": "40"}}

            {"time": "2024-05-01T20:00:00Z", "food": "Cake", "nutrients": {"energy": 350}, "calories": 350}
            {"time": "2024-05-01T21:00:00Z", "food": "Water", "nutrients": {}}
            {"time": "2024-05-01T21:30:00Z", "food": "", "nutrients": {"energy": 1}}
            {"time": "2024-05-01T22:00:00Z", "food": "Nuts", "nutrients": [{"nutrient": "fat", "value": 14, "grams": true}]}
            {"time": "yesterday", "food": "Nuts", "nutrients": {"fat": 14}}
            """.write(toFile: path, atomically: true, encoding: .utf8)

        let run = runCLI(["submit", "--user", "ann", "--domain", "nutrition", "--server", "127.0.0.1:\(server.port)", path])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(
            run.output,
            """
            accepted 2, updated 0, unchanged 0, failed 7
            line 3: missing field "nutrients"
            line 4: nutrient "caffeine" must have a number as its amount
            line 6: unknown field "calories" (expected time, meal, food, amount, nutrients, source, id, version)
            line 7: field "nutrients" must hold at least one nutrient
            line 8: field "food" must not be empty
            line 9: nutrients item 1 has the unknown field "grams" (expected nutrient, value, unit)
            line 10: field "time" is not an RFC 3339 timestamp: "yesterday"

            """)
        let submits = receivedSubmits(server)
        XCTAssertEqual(submits.count, 1)
        XCTAssertEqual(submits.first?.user, "ann")
        XCTAssertEqual(
            submits.first?.records,
            .nutrition([
                NutritionRecord(
                    eatenMs: utcMs("2024-05-01", 8, 15, 0, offset: 120), offsetMinutes: 120, meal: "breakfast",
                    food: "Porridge", amount: "1 bowl",
                    nutrients: [
                        NutrientAmount(nutrient: "energy", value: 300, unit: ""),
                        NutrientAmount(nutrient: "protein", value: 10.5, unit: ""),
                    ]),
                NutritionRecord(
                    eatenMs: utcMs("2024-05-01", 12, 30, 0, offset: 0), offsetMinutes: nil, meal: "", food: "Soup",
                    nutrients: [
                        NutrientAmount(nutrient: "sodium", value: 1.2, unit: "g"),
                        NutrientAmount(nutrient: "fiber", value: 3, unit: ""),
                    ], source: "app", sourceRecordId: "s-1", version: 2),
            ]))
    }

    func testLabLinesFromStandardInput() throws {
        let server = try makeServer()
        defer { server.stop() }
        let input = """
            {"test": "HbA1c", "code": "4548-4", "value": "5.4", "unit": "%", "low": 4, "high": 5.6, "time": "2024-05-01T08:30:00-04:00", "report": "r-17", "source": "clinic", "id": "r-17-1"}
            {"test": "CRP", "value": "<0.5", "unit": "mg/L", "high": 5, "time": "2024-05-01"}
            {"test": "Glucose", "value": 95, "unit": "mg/dL", "time": "2024-05-01T08:30:00Z"}
            {"test": "Nitrite", "value": "negative", "unit": "", "range": "negative", "time": "2024-05-01T08:30:00Z"}
            {"test": "Sodium", "value": 140, "time": "2024-05-01T08:30:00Z"}
            {"test": "Sodium", "value": 140, "unit": "mmol/L", "low": "135", "time": "2024-05-01T08:30:00Z"}
            {"test": "Sodium", "value": true, "unit": "mmol/L", "time": "2024-05-01T08:30:00Z"}
            {"test": "Sodium", "value": "", "unit": "mmol/L", "time": "2024-05-01T08:30:00Z"}
            {"value": "1", "unit": "x", "time": "2024-05-01T08:30:00Z"}
            """

        let run = try runCLIWithInput(
            ["submit", "--user", "ann", "--domain", "labs", "--format", "json", "--server", "127.0.0.1:\(server.port)", "-"],
            input: input)

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(
            run.output,
            """
            {
              "lines": 9,
              "accepted": 4,
              "updated": 0,
              "unchanged": 0,
              "pending": 0,
              "failed": 5,
              "failures": [
                {"line": 5, "reason": "missing field \\"unit\\""},
                {"line": 6, "reason": "field \\"low\\" must be a number; give a printed range as \\"range\\""},
                {"line": 7, "reason": "field \\"value\\" must be a string such as \\"<0.5\\" or a number"},
                {"line": 8, "reason": "field \\"value\\" must not be empty"},
                {"line": 9, "reason": "missing field \\"test\\""}
              ]
            }

            """)
        guard case .labs(let records)? = receivedSubmits(server).first?.records else {
            return XCTFail("no labs submit received")
        }
        XCTAssertEqual(receivedSubmits(server).count, 1)
        XCTAssertEqual(
            records,
            [
                LabRecord(
                    test: "HbA1c", code: "4548-4", valueText: "5.4", unit: "%", referenceLow: 4, referenceHigh: 5.6,
                    collectedMs: utcMs("2024-05-01", 8, 30, 0, offset: -240), offsetMinutes: -240, reportId: "r-17",
                    source: "clinic", sourceRecordId: "r-17-1"),
                LabRecord(
                    test: "CRP", valueText: "<0.5", unit: "mg/L", referenceHigh: 5,
                    collectedMs: utcMs("2024-05-01", 12, 0, 0, offset: 0), offsetMinutes: nil),
                LabRecord(
                    test: "Glucose", valueText: "95", unit: "mg/dL", collectedMs: utcMs("2024-05-01", 8, 30, 0, offset: 0),
                    offsetMinutes: 0),
                LabRecord(
                    test: "Nitrite", valueText: "negative", unit: "", referenceText: "negative",
                    collectedMs: utcMs("2024-05-01", 8, 30, 0, offset: 0), offsetMinutes: 0),
            ])
    }

    func testVitalsStillDefault() throws {
        let server = try makeServer()
        defer { server.stop() }

        let run = try runCLIWithInput(
            ["submit", "--user", "ann", "--server", "127.0.0.1:\(server.port)", "-"],
            input: "{\"metric\": \"heart_rate\", \"value\": 61, \"unit\": \"count/min\", \"start\": \"2024-01-01T07:00:00Z\"}\n")

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.output, "accepted 1, updated 0, unchanged 0, failed 0\n")
        XCTAssertEqual(receivedSubmits(server).map(\.records.domain), [.vitals])
    }

    func testNestedJSONKeepsMembersInOrder() throws {
        var parser = LineJSONParser(Array(#"{"a": {"z": 1, "b": [true, null, "x"]}}"#.utf8))
        let object = try parser.parseObjectLine()
        XCTAssertEqual(
            object["a"],
            .object([
                LineJSONMember(name: "z", value: .number(1)),
                LineJSONMember(name: "b", value: .array([.bool(true), .null, .string("x")])),
            ]))
        var duplicate = LineJSONParser(Array(#"{"a": {"b": 1, "b": 2}}"#.utf8))
        XCTAssertThrowsError(try duplicate.parseObjectLine()) { error in
            XCTAssertEqual((error as? LineJSONError)?.description, "field \"b\" appears twice")
        }
    }
}
