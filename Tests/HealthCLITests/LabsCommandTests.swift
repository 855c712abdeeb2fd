// `health labs catalog` and `health labs match`, run against the lab catalog embedded in the CLI, including
// names read from standard input.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

final class LabsCommandTests: XCTestCase {
    func catalog() throws -> LabCatalog {
        try EmbeddedCatalogs.labs()
    }

    func testCatalogTableListsEveryTest() throws {
        let tests = try catalog().tests
        let run = runCLI(["labs", "catalog"])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.error, "")
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, tests.count + 1)
        XCTAssertEqual(lines.first?.split(separator: " ", omittingEmptySubsequences: true), ["code", "name", "category", "unit"])
        let glucose = try XCTUnwrap(tests.first { $0.code == "2345-7" })
        XCTAssertTrue(
            lines.contains { $0.split(separator: " ").first == "2345-7" && $0.contains(glucose.name) && $0.hasSuffix(glucose.unit) },
            run.output)
    }

    func testCatalogJSON() throws {
        let tests = try catalog().tests
        let run = runCLI(["labs", "catalog", "--format", "json"])

        XCTAssertEqual(run.status, 0, run.error)
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: String]])
        XCTAssertEqual(objects.count, tests.count)
        XCTAssertEqual(objects.map { $0["code"] }, tests.map(\.code))
        XCTAssertEqual(objects.first?.keys.sorted(), ["category", "code", "name", "unit"])
        XCTAssertEqual(objects.first?["name"], tests.first?.name)
        XCTAssertEqual(objects.first?["category"], tests.first?.category)
        XCTAssertEqual(objects.first?["unit"], tests.first?.unit)
    }

    func testCatalogRendering() {
        let tests = [
            LabTest(code: "2345-7", name: "Glucose", category: "metabolic", unit: "mg/dL"),
            LabTest(code: "5778-6", name: "Color of Urine", category: "urinalysis", unit: ""),
        ]
        XCTAssertEqual(
            LabsCommand.renderCatalog(tests, format: "table"),
            "code    name            category    unit\n"
                + "2345-7  Glucose         metabolic   mg/dL\n"
                + "5778-6  Color of Urine  urinalysis  \n")
        XCTAssertEqual(
            LabsCommand.renderCatalog(tests, format: "json"),
            """
            [
              {"code": "2345-7", "name": "Glucose", "category": "metabolic", "unit": "mg/dL"},
              {"code": "5778-6", "name": "Color of Urine", "category": "urinalysis", "unit": ""}
            ]

            """)
    }

    func testMatchJSONOfOneName() throws {
        let match = try catalog().match(name: "Haemoglobin A1c", unit: "%")
        let best = try XCTUnwrap(match.best)
        let run = runCLI(["labs", "match", "Haemoglobin A1c", "--unit", "%", "--format", "json"])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.output, LabsCommand.matchJSON(match) + "\n")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        XCTAssertEqual(
            object.keys.sorted(), ["accepted", "candidates", "code", "confidence", "name", "test", "unit"])
        XCTAssertEqual(object["name"] as? String, "Haemoglobin A1c")
        XCTAssertEqual(object["unit"] as? String, "%")
        XCTAssertEqual(object["code"] as? String, best.test.code)
        XCTAssertEqual(object["test"] as? String, best.test.name)
        XCTAssertEqual(object["accepted"] as? Bool, match.isAccepted)
        let candidates = try XCTUnwrap(object["candidates"] as? [[String: Any]])
        XCTAssertEqual(candidates.map { $0["code"] as? String }, match.runnersUp.map(\.test.code))
        XCTAssertEqual(candidates.first?.keys.sorted(), ["code", "confidence", "test"])
    }

    func testMatchRendering() {
        let glucose = LabTest(code: "2345-7", name: "Glucose", category: "metabolic", unit: "mg/dL")
        let molar = LabTest(code: "14749-6", name: "Glucose (molar)", category: "metabolic", unit: "mmol/L")
        let accepted = LabMatch(
            name: "GLU", unit: "mg/dL", best: LabCandidate(test: glucose, confidence: 0.91234),
            runnersUp: [LabCandidate(test: molar, confidence: 0.5)])
        XCTAssertEqual(
            LabsCommand.matchText(accepted),
            """
            name          GLU
            unit          mg/dL
            code          2345-7
            test          Glucose
            confidence    0.912
            accepted      yes
            runners-up
              confidence  code     test
                     0.5  14749-6  Glucose (molar)

            """)
        XCTAssertEqual(
            LabsCommand.matchJSON(accepted),
            "{\"name\": \"GLU\", \"unit\": \"mg/dL\", \"code\": \"2345-7\", \"test\": \"Glucose\", \"confidence\": 0.912, "
                + "\"accepted\": true, \"candidates\": [{\"code\": \"14749-6\", \"test\": \"Glucose (molar)\", "
                + "\"confidence\": 0.5}]}")

        let weak = LabMatch(name: "GLX", unit: nil, best: LabCandidate(test: glucose, confidence: 0.64), runnersUp: [])
        XCTAssertEqual(
            LabsCommand.matchText(weak),
            """
            name          GLX
            unit          (none)
            code          2345-7
            test          Glucose
            confidence    0.64
            accepted      no (below 0.7)

            """)
        let none = LabMatch(name: "xyzzy", unit: nil, best: nil, runnersUp: [])
        XCTAssertEqual(
            LabsCommand.matchJSON(none),
            "{\"name\": \"xyzzy\", \"unit\": null, \"code\": null, \"test\": null, \"confidence\": null, "
                + "\"accepted\": false, \"candidates\": []}")
    }

    func testMatchReadsNamesFromStandardInput() throws {
        let catalog = try catalog()
        let input = "HbA1c\t%\r\n\nGlucose\tmmol/L\n  \nqqqq zzzz\t\nTSH"

        let run = try runCLIWithInput(["labs", "match", "-"], input: input)

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.error, "")
        let expected = [
            catalog.match(name: "HbA1c", unit: "%"), catalog.match(name: "Glucose", unit: "mmol/L"),
            catalog.match(name: "qqqq zzzz", unit: nil), catalog.match(name: "TSH", unit: nil),
        ]
        XCTAssertEqual(run.output, expected.map { LabsCommand.matchJSON($0) + "\n" }.joined())
        let lines = run.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object, String(line))
        }
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        XCTAssertEqual(first?["unit"] as? String, "%")
        XCTAssertEqual(first?["code"] as? String, expected[0].best?.test.code)
        let third = try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any]
        XCTAssertTrue(third?["unit"] is NSNull)
    }
}
