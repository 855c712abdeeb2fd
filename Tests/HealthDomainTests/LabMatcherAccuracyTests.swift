// Accuracy of the name matcher on two laboratories' published tables of result names and LOINC codes: LabCorp's
// test compendium (the set the catalog synonyms were written against) and ARUP's LOINC code report (a held-out
// set). Only rows whose LOINC code is in the catalog count, and a row is correct when the match is accepted and
// names that code. A name and unit cannot identify rows such as a bare "Creatinine" that LabCorp codes as urine
// creatinine, so 100 % is out of reach.
import Foundation
import HealthDomain
import XCTest

final class LabMatcherAccuracyTests: XCTestCase {
    private struct Outcome {
        var evaluated = 0
        var correct = 0
        var misses: [String: Int] = [:]

        var accuracy: Double { evaluated == 0 ? 0 : Double(correct) / Double(evaluated) }
    }

    private func evaluate(
        file relativePath: String, nameColumn: String, unitColumn: String, codeColumn: String
    ) throws -> Outcome {
        let url = labSharedDataURL(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) not found, so the matcher's accuracy on it was not measured")
        }
        let records = parseLabCSVRecords(try String(contentsOf: url, encoding: .utf8))
        XCTAssertFalse(records.isEmpty, "\(relativePath) has no rows")

        let catalog = try embeddedLabCatalog()
        var outcome = Outcome()
        for record in records {
            guard let code = record[codeColumn], catalog.test(code: code) != nil,
                let name = record[nameColumn]
            else { continue }
            let unit = record[unitColumn].flatMap { $0.isEmpty ? nil : $0 }
            let match = catalog.match(name: name, unit: unit)
            outcome.evaluated += 1
            if match.isAccepted && match.best?.test.code == code {
                outcome.correct += 1
            } else {
                let got = match.best.map { "\($0.test.code) \(String(format: "%.2f", $0.confidence))" } ?? "none"
                outcome.misses["\"\(name)\" [\(unit ?? "")] expected \(code), got \(got)", default: 0] += 1
            }
        }
        return outcome
    }

    private func report(_ label: String, _ outcome: Outcome) {
        let percent = (outcome.accuracy * 1000).rounded() / 10
        print("\(label): \(outcome.correct) of \(outcome.evaluated) rows correct (\(percent) %)")
        for (miss, count) in outcome.misses.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key })
            .prefix(15)
        {
            print("  \(count)x \(miss)")
        }
    }

    func testLabCorpCompendiumAccuracy() throws {
        let outcome = try evaluate(
            file: "labs/labcorp-test-compendium-loinc-2021-03.csv", nameColumn: "Result Code Name", unitColumn: "UofM",
            codeColumn: "Result LOINC")
        report("LabCorp compendium", outcome)
        XCTAssertGreaterThan(outcome.evaluated, 2000)
        XCTAssertGreaterThanOrEqual(outcome.accuracy, 0.985)
    }

    func testARUPReportAccuracyHeldOut() throws {
        let outcome = try evaluate(
            file: "labs/arup-loinc-code-report.csv", nameColumn: "Result Test Name", unitColumn: "Units of Measure",
            codeColumn: "Result LOINC Code")
        report("ARUP LOINC report (held out)", outcome)
        XCTAssertGreaterThan(outcome.evaluated, 800)
        XCTAssertGreaterThanOrEqual(outcome.accuracy, 0.96)
    }
}
