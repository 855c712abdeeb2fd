// Paths and assertions shared by the FHIR and lab-CSV importer tests: the hand-written fixtures under Fixtures/,
// the vitals catalog under schema/, and the sample data folder beside the package checkout.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

enum ImporterTestFiles {
    /// The package root: Tests/HealthCLITests/ is two levels below it.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func fixture(_ relativePath: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
            .appendingPathComponent(relativePath).path
    }

    /// Returns the vitals catalog parsed from schema/, as the server loads it.
    static func catalog() throws -> VitalsCatalog {
        let text = try String(
            contentsOf: packageRoot.appendingPathComponent("schema/vitals-catalog.tsv"), encoding: .utf8)
        return try VitalsCatalog(tsv: text)
    }

    /// Returns the path of a file in the sample data folder `shared/data` beside the package. Throws XCTSkip when
    /// the file is absent.
    static func sampleData(_ relativePath: String) throws -> String {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
            .appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) is absent; the sample data folder shared/data beside the package holds it")
        }
        return url.path
    }
}

/// Asserts that two record lists are equal, element by element, so that a failure names the first differing record.
func assertImportedRecords<Record: Equatable>(
    _ actual: [Record], _ expected: [Record], file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "record count", file: file, line: line)
    for (index, (got, want)) in zip(actual, expected).enumerated() {
        XCTAssertEqual(got, want, "record \(index)", file: file, line: line)
    }
}
