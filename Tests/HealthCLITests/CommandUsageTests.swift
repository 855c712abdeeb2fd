// Usage errors and help of the import kinds, trigger, verify, labs and the new query and submit options, and the
// helpers the other command tests share: usage assertions, standard input for '-', and the submits a mock received.

import Foundation
import Glibc
import HealthDomain
import HealthWire
import XCTest

@testable import HealthCLI

extension XCTestCase {
    /// Asserts that the CLI exits with status 64, prints nothing on standard output, and prints exactly the
    /// message, usage line and help hint on standard error.
    func assertUsageFailure(
        _ arguments: [String], _ message: String, usage: String, command: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let run = runCLI(arguments)
        XCTAssertEqual(run.status, 64, "\(arguments)", file: file, line: line)
        XCTAssertEqual(run.output, "", "\(arguments)", file: file, line: line)
        XCTAssertEqual(
            run.error, "Error: \(message)\nUsage: \(usage)\nRun '\(command) --help' for help.\n", "\(arguments)",
            file: file, line: line)
    }

    /// Runs the CLI in-process with `input` as the standard input that '-' reads.
    func runCLIWithInput(_ arguments: [String], input: String) throws -> CLIRun {
        let path = try temporaryPath(self, "input.txt")
        try input.write(toFile: path, atomically: true, encoding: .utf8)
        let descriptor = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(descriptor, 0, "opening \(path)")
        defer { close(descriptor) }
        let recorder = OutputRecorder()
        var console = Console(
            writeOutput: { recorder.output += $0 }, writeError: { recorder.error += $0 }, errorIsTerminal: false)
        console.inputDescriptor = descriptor
        let status = HealthCommand.run(arguments, environment: [:], console: console)
        return CLIRun(status: status, output: recorder.output, error: recorder.error)
    }
}

/// Returns the Submit requests a mock server received, in order.
func receivedSubmits(_ server: MockServer) -> [Submit] {
    server.messages.compactMap { message in
        guard case .submit(let submit) = message else { return nil }
        return submit
    }
}

/// The path of a fixture under Fixtures/cli/.
func cliFixture(_ name: String) -> String {
    ImporterTestFiles.fixture("cli/" + name)
}

final class CommandUsageTests: XCTestCase {
    // MARK: - import

    func testImportKindUsageErrors() {
        assertUsageFailure(
            ["import"],
            "missing the import kind: expected apple-health, fhir, labs, cronometer, myfitnesspal or nutrition-csv",
            usage: ImportCommand.usage, command: "health import")
        assertUsageFailure(
            ["import", "--user", "a", "fhir", "x.json"],
            "missing the import kind: expected apple-health, fhir, labs, cronometer, myfitnesspal or nutrition-csv",
            usage: ImportCommand.usage, command: "health import")
        assertUsageFailure(
            ["import", "fhir", "--user", "a"], "missing the export file: health import fhir FILE...",
            usage: FHIRImportCommand.usage, command: "health import fhir")
        assertUsageFailure(
            ["import", "fhir", "a.json", "--user", "a", "--columns", "test=X"],
            "unknown option '--columns' for 'health import fhir'", usage: FHIRImportCommand.usage,
            command: "health import fhir")
        assertUsageFailure(
            ["import", "fhir", "a.json", "--user", "a", "--mode", "later"],
            "invalid --mode 'later': expected inline, queued or server", usage: FHIRImportCommand.usage,
            command: "health import fhir")
    }

    func testLabsImportUsageErrors() {
        let usage = LabsImportCommand.usage
        let command = "health import labs"
        assertUsageFailure(
            ["import", "labs", "--user", "a"], "missing the file to import: health import labs FILE", usage: usage,
            command: command)
        assertUsageFailure(
            ["import", "labs", "a.csv", "b.csv", "--user", "a"], "expected one file, found 2: health import labs FILE",
            usage: usage, command: command)
        assertUsageFailure(
            ["import", "labs", "a.csv", "--user", "a", "--columns", "analyte=Test"],
            "unknown key 'analyte' in --columns: expected one of test, value, unit, date, time, low, high, range, "
                + "code, patient, report", usage: usage, command: command)
        assertUsageFailure(
            ["import", "labs", "a.csv", "--user", "a", "--columns", "test"],
            "invalid pair 'test' in --columns: expected key=Column", usage: usage, command: command)
        assertUsageFailure(
            ["import", "labs", "a.csv", "--columns", "test=Analyte"], "missing required option --user", usage: usage,
            command: command)
    }

    func testNutritionImportUsageErrors() {
        for kind in ["cronometer", "myfitnesspal", "nutrition-csv"] {
            let usage = NutritionImportCommand.usage(kind)
            assertUsageFailure(
                ["import", kind, "--user", "a"], "missing the file to import: health import \(kind) FILE", usage: usage,
                command: "health import \(kind)")
            assertUsageFailure(
                ["import", kind, "a.csv", "--user", "a", "--format", "csv"], "invalid --format 'csv': expected text, json",
                usage: usage, command: "health import \(kind)")
        }
    }

    // MARK: - query

    func testQueryDomainUsageErrors() {
        let usage = QueryCommand.usage
        let command = "health query"
        let dates = ["--from", "2024-01-01", "--to", "2024-01-31"]
        let cases: [([String], String)] = [
            (["--nutrient", "protein", "--test", "HbA1c"], "--nutrient and --test cannot be combined: a query reads one domain"),
            (["--metric", "heart_rate", "--nutrient", "protein"], "--metric and --nutrient cannot be combined: a query reads one domain"),
            (["--domain", "labs", "--nutrient", "protein"], "--nutrient does not apply to --domain labs: name the codes with --test"),
            (["--domain", "nutrition", "--metric", "hr"], "--metric does not apply to --domain nutrition: name the codes with --nutrient"),
            (["--domain", "labs"], "missing required option --test"),
            (["--domain", "nutrition"], "missing required option --nutrient"),
            (["--domain", "food", "--nutrient", "protein"], "invalid --domain 'food': expected vitals, nutrition or labs"),
            (["--test", "HbA1c", "--granularity", "week"], "invalid --granularity 'week': expected day, month, quarter or year for labs"),
            (["--nutrient", "protein", "--granularity", "hour"], "invalid --granularity 'hour': expected day, week or month for nutrition"),
            (["--metric", "heart_rate", "--by-meal"], "--by-meal applies to nutrition queries only (--nutrient)"),
            (["--test", "HbA1c", "--by-meal"], "--by-meal applies to nutrition queries only (--nutrient)"),
            (["--nutrient", "protein", "--granularity", "week", "--by-meal"], "--by-meal needs --granularity day, because meals are kept per day"),
            (["--test", "HbA1c", "--test", "TSH"], "option --test is given more than once"),
            (["--nutrient", "protein", "--nutrient", ""], "option --nutrient must not be empty"),
            (["--nutrient", "protein", "--by-meal=yes"], "option --by-meal takes no value"),
        ]
        for (options, message) in cases {
            assertUsageFailure(["query", "--user", "a"] + options + dates, message, usage: usage, command: command)
        }
    }

    func testQueryOptionsBuildTheRequest() throws {
        func query(_ options: [String]) throws -> Query {
            let arguments = try CommandArguments(
                ["--user", "ann", "--from", "2024-01-01", "--to", "2024-03-31"] + options, spec: QueryCommand.spec)
            return try QueryCommand.makeQuery(arguments)
        }
        let from = CivilDate(year: 2024, month: 1, day: 1)
        let to = CivilDate(year: 2024, month: 3, day: 31)

        XCTAssertEqual(
            try query(["--metric", "heart_rate"]),
            Query(user: "ann", domain: .vitals, codes: ["heart_rate"], granularity: .day, from: from, to: to))
        XCTAssertEqual(
            try query(["--nutrient", "protein", "--nutrient", "energy", "--granularity", "week"]),
            Query(user: "ann", domain: .nutrition, codes: ["protein", "energy"], granularity: .week, from: from, to: to))
        XCTAssertEqual(
            try query(["--domain", "nutrition", "--nutrient", "fiber", "--by-meal"]),
            Query(user: "ann", domain: .nutrition, codes: ["fiber"], granularity: .day, from: from, to: to, byMeal: true))
        XCTAssertEqual(
            try query(["--test", "4548-4", "--granularity", "quarter"]),
            Query(user: "ann", domain: .labs, codes: ["4548-4"], granularity: .quarter, from: from, to: to))
        XCTAssertEqual(
            try query(["--domain", "labs", "--test", "HbA1c", "--granularity", "year"]),
            Query(user: "ann", domain: .labs, codes: ["HbA1c"], granularity: .year, from: from, to: to))
    }

    // MARK: - trigger, verify, labs, submit

    func testTriggerUsageErrors() {
        let usage = TriggerCommand.usage
        let command = "health trigger"
        assertUsageFailure(["trigger", "--user", "a"], "missing required option --domain", usage: usage, command: command)
        assertUsageFailure(["trigger", "--domain", "labs"], "missing required option --user", usage: usage, command: command)
        assertUsageFailure(
            ["trigger", "--user", "a", "--domain", "sleep"], "invalid --domain 'sleep': expected vitals, nutrition or labs",
            usage: usage, command: command)
        for priority in ["high", "1.5", "2147483648"] {
            assertUsageFailure(
                ["trigger", "--user", "a", "--domain", "labs", "--priority", priority],
                "invalid --priority '\(priority)': expected a whole number from -2147483648 to 2147483647", usage: usage,
                command: command)
        }
        assertUsageFailure(
            ["trigger", "--user", "a", "--domain", "labs", "--rebuild=1"], "option --rebuild takes no value",
            usage: usage, command: command)
        assertUsageFailure(
            ["trigger", "--user", "a", "--domain", "labs", "now"], "unexpected argument 'now'", usage: usage,
            command: command)
    }

    func testTriggerWorkIsTheUnionOfFlags() throws {
        func work(_ flags: [String]) throws -> TriggerWork {
            let arguments = try CommandArguments(["--user", "a", "--domain", "vitals"] + flags, spec: TriggerCommand.spec)
            return try TriggerCommand.makeTrigger(arguments).work
        }
        XCTAssertEqual(try work([]), .pending)
        XCTAssertEqual(try work(["--retry-failed"]), [.pending, .retryFailed])
        XCTAssertEqual(try work(["--rebuild"]), [.pending, .rebuild])
        XCTAssertEqual(try work(["--rebuild", "--retry-failed"]), .all)
    }

    func testVerifyUsageErrors() {
        assertUsageFailure(
            ["verify", "alice"], "unexpected argument 'alice'", usage: VerifyCommand.usage, command: "health verify")
        assertUsageFailure(
            ["verify", "--user", ""], "option --user must not be empty", usage: VerifyCommand.usage,
            command: "health verify")
        assertUsageFailure(
            ["verify", "--format", "csv"], "invalid --format 'csv': expected text, json", usage: VerifyCommand.usage,
            command: "health verify")
    }

    func testLabsUsageErrors() {
        assertUsageFailure(
            ["labs"], "missing the action: expected catalog or match", usage: LabsCommand.usage, command: "health labs")
        assertUsageFailure(
            ["labs", "list"], "unknown action 'list': expected catalog or match", usage: LabsCommand.usage,
            command: "health labs")
        let matchUsage = LabsCommand.matchSpec.usage
        assertUsageFailure(
            ["labs", "match"], "missing the test name (use '-' to read names from standard input)", usage: matchUsage,
            command: "health labs match")
        assertUsageFailure(
            ["labs", "match", "LDL", "cholesterol"],
            "unexpected argument 'cholesterol'; quote a test name that contains spaces", usage: matchUsage,
            command: "health labs match")
        assertUsageFailure(
            ["labs", "match", "-", "--unit", "%"], "--unit does not apply to '-': give each unit after a tab on its line",
            usage: matchUsage, command: "health labs match")
        assertUsageFailure(
            ["labs", "match", "-", "--format", "table"], "'-' writes one JSON object per line; leave out --format table",
            usage: matchUsage, command: "health labs match")
        assertUsageFailure(
            ["labs", "catalog", "--format", "csv"], "invalid --format 'csv': expected table, json",
            usage: LabsCommand.catalogSpec.usage, command: "health labs catalog")
    }

    func testSubmitAcceptsEveryDomainName() {
        assertUsageFailure(
            ["submit", "--user", "a", "--domain", "meals", "-"], "invalid --domain 'meals': expected vitals, nutrition or labs",
            usage: SubmitCommand.usage, command: "health submit")
        assertUsageFailure(
            ["submit", "--user", "a", "--domain", "labs"], "missing the input file (use '-' for standard input)",
            usage: SubmitCommand.usage, command: "health submit")
    }

    // MARK: - Help

    func testHelpOfNewCommands() {
        let cases: [([String], String)] = [
            (["import", "--help"], ImportCommand.help),
            (["import", "fhir", "--help"], FHIRImportCommand.help),
            (["import", "labs", "x.csv", "-h"], LabsImportCommand.help),
            (["import", "cronometer", "--help"], NutritionImportCommand.help("cronometer")),
            (["import", "myfitnesspal", "--help"], NutritionImportCommand.help("myfitnesspal")),
            (["import", "nutrition-csv", "--help"], NutritionImportCommand.help("nutrition-csv")),
            (["import", "apple-health", "--help"], AppleHealthImportCommand.help),
            (["trigger", "--help"], TriggerCommand.help),
            (["verify", "-h"], VerifyCommand.help),
            (["labs", "--help"], LabsCommand.help),
            (["labs", "match", "--help"], LabsCommand.help),
        ]
        for (arguments, help) in cases {
            let run = runCLI(arguments)
            XCTAssertEqual(run.status, 0, "\(arguments)")
            XCTAssertEqual(run.output, help, "\(arguments)")
            XCTAssertEqual(run.error, "", "\(arguments)")
        }
    }

    func testHelpNamesEveryContractedOption() {
        for option in ["--domain", "--nutrient", "--test", "--by-meal", "--granularity"] {
            XCTAssertTrue(QueryCommand.help.contains(option), option)
        }
        for key in ["job_id", "priority", "work", "queue_depth", "--retry-failed", "--rebuild"] {
            XCTAssertTrue(TriggerCommand.help.contains(key), key)
        }
        for field in ["\"time\"", "\"meal\"", "\"food\"", "\"amount\"", "\"nutrients\"", "\"test\"", "\"value\"",
            "\"unit\"", "\"low\"", "\"high\"", "range", "report", "code", "source", "id", "version"]
        {
            XCTAssertTrue(SubmitCommand.help.contains(field), field)
        }
        for kind in ["fhir", "labs", "cronometer", "myfitnesspal", "nutrition-csv"] {
            XCTAssertTrue(ImportCommand.help.contains(kind), kind)
        }
    }
}
