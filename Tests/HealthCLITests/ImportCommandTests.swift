// `health import fhir|labs|cronometer|myfitnesspal|nutrition-csv` over the small files in Fixtures/cli/, against
// the mock server: the domains, users and record counts of the submits, and the summaries.

import Foundation
import HealthDomain
import HealthWire
import XCTest

@testable import HealthCLI

final class ImportCommandTests: XCTestCase {
    /// Starts a server that accepts every record except those `fails` returns a reason for, which it reports as
    /// failed with that reason.
    func makeServer(failing fails: @escaping @Sendable (SubmitRecords, Int) -> String?) throws -> MockServer {
        try MockServer { message in
            guard case .submit(let submit) = message else { return MockServer.standardReply(message) }
            let failures = (0..<submit.records.count).compactMap { index in
                fails(submit.records, index).map { RecordFailure(index: UInt32(index), reason: $0) }
            }
            return .submitReply(
                SubmitReply(
                    accepted: UInt64(submit.records.count - failures.count), updated: 0, unchanged: 0, pending: 0,
                    failures: failures))
        }
    }

    func parseJSON(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// Returns the summary's lines without the last one, which contains the elapsed time.
    func linesWithoutTime(_ output: String) -> [String] {
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.last?.hasPrefix("time ") ?? false, output)
        return Array(lines.dropLast())
    }

    // MARK: - FHIR

    func testFHIRImportSubmitsVitalsAndLabsSeparately() throws {
        let server = try makeServer { records, index in
            guard case .labs(let labs) = records, labs[index].test == "CRP" else { return nil }
            return "CRP is not in the catalog"
        }
        defer { server.stop() }
        let path = cliFixture("bundle.json")

        let run = runCLI([
            "import", "fhir", path, "--user", "ann", "--batch-size", "2", "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        let submits = receivedSubmits(server)
        XCTAssertEqual(submits.map(\.records.domain), [.vitals, .vitals, .labs])
        XCTAssertEqual(submits.map(\.records.count), [2, 1, 2])
        XCTAssertEqual(Set(submits.map(\.user)), ["ann"])
        guard case .vitals(let vitals) = submits[0].records, case .labs(let labs) = submits[2].records else {
            return XCTFail("unexpected submits \(submits)")
        }
        XCTAssertEqual(vitals.map(\.metric), ["8867-4", "8480-6"])
        XCTAssertEqual(labs.map(\.test), ["HbA1c", "CRP"])
        XCTAssertEqual(labs.map(\.valueText), ["5.6", "<0.5"])

        let rejection = try XCTUnwrap(FHIRImporter(catalog: EmbeddedCatalogs.vitals()).parse(path: path).rejected.first)
        XCTAssertEqual(
            linesWithoutTime(run.output),
            [
                "kind          fhir",
                "file          \(path)",
                "user          ann",
                "observations  6",
                "vitals        3 read, 3 accepted, 0 updated, 0 unchanged, 0 pending, 0 failed",
                "labs          2 read, 1 accepted, 0 updated, 0 unchanged, 0 pending, 1 failed",
                "  1  CRP is not in the catalog",
                "      \(path) observation crp-1: CRP is not in the catalog",
                "rejected      1",
                "      \(path) \(rejection.location): \(rejection.reason)",
                "skipped       1",
                "  1  status entered-in-error",
                "other types   1",
                "  1  Patient",
            ])
        XCTAssertTrue(run.error.hasPrefix("read 5 records in "), run.error)
    }

    func testFHIRImportJSONSummary() throws {
        let server = try makeServer { _, _ in nil }
        defer { server.stop() }
        let path = cliFixture("bundle.json")

        let run = runCLI(["import", "fhir", path, "--user", "ann", "--format", "json", "--server", "127.0.0.1:\(server.port)"])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(receivedSubmits(server).map(\.records.domain), [.vitals, .labs])
        let summary = try parseJSON(run.output)
        XCTAssertEqual(summary["kind"] as? String, "fhir")
        XCTAssertEqual(summary["files"] as? [String], [path])
        XCTAssertEqual(summary["records_read"] as? Int, 5)
        XCTAssertEqual(summary["accepted"] as? Int, 5)
        XCTAssertEqual(summary["failed"] as? Int, 0)
        XCTAssertEqual(summary["read"] as? [String: Int], ["observations": 6])
        let domains = try XCTUnwrap(summary["domains"] as? [String: [String: Any]])
        XCTAssertEqual(domains["vitals"]?["records"] as? Int, 3)
        XCTAssertEqual(domains["vitals"]?["accepted"] as? Int, 3)
        XCTAssertEqual(domains["labs"]?["records"] as? Int, 2)
        XCTAssertEqual(domains["labs"]?["failed_by_reason"] as? [String: Int], [:])
        XCTAssertEqual(
            summary["codes"] as? [String: [String: Int]],
            ["vitals": ["8867-4": 1, "8480-6": 1, "8462-4": 1], "labs": ["4548-4": 1, "1988-5": 1]])
        XCTAssertEqual(summary["skipped"] as? [String: Int], ["status entered-in-error": 1])
        XCTAssertEqual(summary["other_resources"] as? [String: Int], ["Patient": 1])
        XCTAssertEqual(summary["rejected"] as? Int, 1)
        let rejections = try XCTUnwrap(summary["rejections"] as? [[String: Any]])
        XCTAssertEqual(rejections.first?["location"] as? String, "entry 7 (Observation/na-1)")
        XCTAssertTrue(rejections.first?["line"] is NSNull)
        XCTAssertEqual(summary["warnings"] as? [String], [])
    }

    func testFHIRDryRunNeedsNoServer() throws {
        let run = runCLI([
            "import", "fhir", cliFixture("bundle.json"), "--user", "ann", "--dry-run", "--format", "json",
            "--server", "127.0.0.1:\(unusedPort())",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        let summary = try parseJSON(run.output)
        XCTAssertEqual(summary["dry_run"] as? Bool, true)
        XCTAssertEqual(summary["records_read"] as? Int, 5)
        XCTAssertEqual(summary["accepted"] as? Int, 0)
    }

    func testFHIRUnreadableFileIsReportedAndOthersImported() throws {
        let server = try makeServer { _, _ in nil }
        defer { server.stop() }
        let missing = "/nonexistent/bundle.json"

        let run = runCLI([
            "import", "fhir", missing, cliFixture("bundle.json"), "--user", "ann", "--format", "json",
            "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(receivedSubmits(server).map(\.records.count), [3, 2])
        let summary = try parseJSON(run.output)
        let warnings = try XCTUnwrap(summary["warnings"] as? [String])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("\(missing): cannot open the file: "), warnings[0])
        XCTAssertTrue(run.error.contains("warning: \(missing): cannot open the file: "), run.error)
    }

    func testFHIRImportStopsWhenTheServerRejectsTheUser() throws {
        let server = try MockServer { message in
            guard case .submit = message else { return MockServer.standardReply(message) }
            return .error(ErrorReply(code: .unauthorized, message: "the token may not write user 'ann'"))
        }
        defer { server.stop() }

        let run = runCLI(["import", "fhir", cliFixture("bundle.json"), "--user", "ann", "--server", "127.0.0.1:\(server.port)"])

        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(
            run.error.hasSuffix(
                "warning: import stopped after 5 records read and 0 acknowledged: the server rejected the request: "
                    + "the token may not write user 'ann' (error 11, unauthorized)\n"), run.error)
    }

    // MARK: - Labs

    func testLabsImportUserPerPatient() throws {
        let server = try makeServer { records, index in
            guard case .labs(let labs) = records, labs[index].test == "CRP" else { return nil }
            return "CRP is not in the catalog"
        }
        defer { server.stop() }
        let path = cliFixture("labs.csv")

        let run = runCLI(["import", "labs", path, "--user", "clinic", "--server", "127.0.0.1:\(server.port)"])

        XCTAssertEqual(run.status, 0, run.error)
        let submits = receivedSubmits(server)
        XCTAssertEqual(submits.map(\.user), ["clinic-P1", "clinic-P2"])
        XCTAssertEqual(submits.map(\.records.domain), [.labs, .labs])
        XCTAssertEqual(submits.map(\.records.count), [3, 1])
        guard case .labs(let first) = submits[0].records else { return XCTFail("not labs: \(submits[0])") }
        XCTAssertEqual(first.map(\.test), ["Glucose", "TSH", "CRP"])
        XCTAssertEqual(first.map(\.valueText), ["92", "1.9", "<0.5"])
        XCTAssertEqual(
            linesWithoutTime(run.output),
            [
                "kind          labs",
                "file          \(path)",
                "user          clinic",
                "rows          5",
                "labs          4 read, 3 accepted, 0 updated, 0 unchanged, 0 pending, 1 failed",
                "  1  CRP is not in the catalog",
                "      \(path) line 6: CRP is not in the catalog",
                "users         2",
                "  clinic-P1  3 read, 2 accepted, 0 updated, 0 unchanged, 0 pending, 1 failed",
                "  clinic-P2  1 read, 1 accepted, 0 updated, 0 unchanged, 0 pending, 0 failed",
                "rejected      1",
                "      \(path) line 4: the result value of Glucose is empty",
                "skipped       0",
            ])
    }

    func testLabsImportJSONListsUsers() throws {
        let server = try makeServer { _, _ in nil }
        defer { server.stop() }

        let run = runCLI([
            "import", "labs", cliFixture("labs.csv"), "--user", "clinic", "--format", "json",
            "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        let summary = try parseJSON(run.output)
        let users = try XCTUnwrap(summary["users"] as? [[String: Any]])
        XCTAssertEqual(users.map { $0["user"] as? String }, ["clinic-P1", "clinic-P2"])
        XCTAssertEqual(users.map { $0["patient"] as? String }, ["P1", "P2"])
        XCTAssertEqual(users.map { $0["records"] as? Int }, [3, 1])
        XCTAssertEqual(users.map { $0["accepted"] as? Int }, [3, 1])
        let rejections = try XCTUnwrap(summary["rejections"] as? [[String: Any]])
        XCTAssertEqual(rejections.map { $0["line"] as? Int }, [4])
    }

    func testLabsImportWithoutPatientColumn() throws {
        let server = try makeServer { _, _ in nil }
        defer { server.stop() }

        let run = runCLI([
            "import", "labs", cliFixture("labs.csv"), "--user", "ada", "--columns", "patient=",
            "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(receivedSubmits(server).map(\.user), ["ada"])
        XCTAssertEqual(receivedSubmits(server).map(\.records.count), [4])
        XCTAssertTrue(run.output.contains("\n  ada  4 read, 4 accepted,"), run.output)
    }

    func testLabsImportOfMissingColumnFails() throws {
        let run = runCLI([
            "import", "labs", cliFixture("labs.csv"), "--user", "ada", "--columns", "value=Outcome", "--dry-run",
        ])

        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.output.contains("labs          0 read\n"), run.output)
        XCTAssertTrue(
            run.error.contains("warning: \(cliFixture("labs.csv")): missing column 'Outcome' for value;"), run.error)
    }

    // MARK: - Nutrition

    func testCronometerServingsImport() throws {
        let server = try makeServer { records, index in
            guard case .nutrition(let entries) = records, entries[index].food == "Salmon" else { return nil }
            return "invalid value for protein"
        }
        defer { server.stop() }
        let path = cliFixture("cronometer-servings.csv")

        let run = runCLI([
            "import", "cronometer", path, "--user", "ann", "--batch-size", "2", "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        let submits = receivedSubmits(server)
        XCTAssertEqual(submits.map(\.records.domain), [.nutrition, .nutrition])
        XCTAssertEqual(submits.map(\.records.count), [2, 1])
        guard case .nutrition(let first) = submits[0].records else { return XCTFail("not nutrition: \(submits[0])") }
        XCTAssertEqual(first.map(\.food), ["Oats, rolled", "Lentil soup"])
        XCTAssertEqual(first.map(\.meal), ["breakfast", "lunch"])
        XCTAssertEqual(
            linesWithoutTime(run.output),
            [
                "kind          cronometer (cronometer-servings)",
                "file          \(path)",
                "user          ann",
                "rows          4",
                "nutrition     3 read, 2 accepted, 0 updated, 0 unchanged, 0 pending, 1 failed",
                "  1  invalid value for protein",
                "      \(path) data row 4: invalid value for protein",
                "rejected      1",
                "      \(path) line 4: invalid number 'abc' in column 'Energy (kcal)'",
                "skipped       0",
                "skipped cols  1 (column: non-empty cells)",
                "  1  Glitter (g)",
            ])
    }

    func testCronometerBiometricsGoToVitals() throws {
        let server = try makeServer { _, _ in nil }
        defer { server.stop() }

        let run = runCLI([
            "import", "cronometer", cliFixture("cronometer-biometrics.csv"), "--user", "ann", "--format", "json",
            "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        let submits = receivedSubmits(server)
        XCTAssertEqual(submits.map(\.records.domain), [.vitals])
        XCTAssertEqual(submits.map(\.records.count), [2])
        let summary = try parseJSON(run.output)
        XCTAssertEqual(summary["format"] as? String, "cronometer-biometrics")
        XCTAssertEqual((summary["domains"] as? [String: Any])?.keys.sorted(), ["vitals"])
        XCTAssertEqual(summary["skipped"] as? [String: Int], ["metric 'Sleep (Garmin)' is not a vital sign": 1])
    }

    func testCronometerRejectsAMyFitnessPalExport() throws {
        let path = cliFixture("myfitnesspal.csv")
        let run = runCLI(["import", "cronometer", path, "--user", "ann", "--dry-run"])

        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(
            run.error.contains(
                "warning: \(path): not a Cronometer export: the header fits a MyFitnessPal nutrition summary; import "
                    + "it with 'health import myfitnesspal'\n"), run.error)
    }

    func testMyFitnessPalAndNutritionCSVImports() throws {
        let server = try makeServer { _, _ in nil }
        defer { server.stop() }

        let fitness = runCLI([
            "import", "myfitnesspal", cliFixture("myfitnesspal.csv"), "--user", "ann", "--format", "json",
            "--server", "127.0.0.1:\(server.port)",
        ])
        let plain = runCLI([
            "import", "nutrition-csv", cliFixture("nutrition.csv"), "--user", "ann", "--format", "json",
            "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(fitness.status, 0, fitness.error)
        XCTAssertEqual(plain.status, 0, plain.error)
        let submits = receivedSubmits(server)
        XCTAssertEqual(submits.map(\.records.domain), [.nutrition, .nutrition])
        XCTAssertEqual(submits.map(\.records.count), [2, 2])
        XCTAssertEqual(try parseJSON(fitness.output)["format"] as? String, "myfitnesspal")
        let summary = try parseJSON(plain.output)
        XCTAssertEqual(summary["accepted"] as? Int, 2)
        XCTAssertEqual(summary["rejected"] as? Int, 1)
        XCTAssertEqual((summary["rejections"] as? [[String: Any]])?.first?["line"] as? Int, 4)
    }

    func testNutritionCSVRejectsAnotherLayout() throws {
        let path = cliFixture("cronometer-servings.csv")
        let run = runCLI(["import", "nutrition-csv", path, "--user", "ann", "--dry-run"])

        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.error.contains("warning: \(path): missing column 'food' for the nutrition-csv format\n"), run.error)
    }
}
