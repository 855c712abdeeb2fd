// The `health` command line run in-process: usage errors (exit 64), failures (exit 1), help, and the
// import and submit commands against a mock server. Each test compares whole outputs.

import Foundation
import HealthDomain
import HealthWire
import XCTest

@testable import HealthCLI

final class CommandLineTests: XCTestCase {
    func assertUsageError(
        _ arguments: [String], _ message: String, usage: String, command: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let run = runCLI(arguments)
        XCTAssertEqual(run.status, 64, file: file, line: line)
        XCTAssertEqual(run.output, "", file: file, line: line)
        XCTAssertEqual(
            run.error, "Error: \(message)\nUsage: \(usage)\nRun '\(command) --help' for help.\n", file: file, line: line)
    }

    // MARK: - Usage errors

    func testQueryUsageErrors() {
        let usage = QueryCommand.usage
        let base = ["query", "--user", "a", "--metric", "heart_rate", "--from", "2024-01-01", "--to", "2024-01-31"]
        assertUsageError(["query", "--user", "a"], "missing required option --metric", usage: usage, command: "health query")
        assertUsageError(
            base + ["--granularity", "year"], "invalid --granularity 'year': expected hour, day, week or month",
            usage: usage, command: "health query")
        assertUsageError(
            ["query", "--user", "a", "--metric", "hr", "--from", "2024-02-01", "--to", "2024-01-01"],
            "--from 2024-02-01 is after --to 2024-01-01", usage: usage, command: "health query")
        assertUsageError(
            ["query", "--user", "a", "--metric", "hr", "--from", "2024-02-30", "--to", "2024-03-01"],
            "invalid --from '2024-02-30': expected a date as YYYY-MM-DD", usage: usage, command: "health query")
        assertUsageError(
            base + ["--format", "xml"], "invalid --format 'xml': expected table, json, csv", usage: usage,
            command: "health query")
        assertUsageError(base + ["--bogus"], "unknown option '--bogus' for 'health query'", usage: usage, command: "health query")
        assertUsageError(base + ["-x"], "unknown option '-x'", usage: usage, command: "health query")
        assertUsageError(base + ["--user"], "option --user requires a value", usage: usage, command: "health query")
        assertUsageError(
            base + ["--server", "nowhere"], "invalid --server 'nowhere': expected HOST:PORT, such as 127.0.0.1:7070",
            usage: usage, command: "health query")
    }

    func testImportUsageErrors() {
        let usage = AppleHealthImportCommand.usage
        let command = "health import apple-health"
        assertUsageError(
            ["import", "apple-health", "--user", "a"], "missing the export file: health import apple-health FILE...",
            usage: usage, command: command)
        assertUsageError(
            ["import", "csv", "x.csv", "--user", "a"],
            "unknown import kind 'csv': expected apple-health, fhir, labs, cronometer, myfitnesspal or nutrition-csv",
            usage: ImportCommand.usage, command: "health import")
        assertUsageError(
            ["import", "apple-health", "x.xml"], "missing required option --user", usage: usage, command: command)
        assertUsageError(
            ["import", "apple-health", "x.xml", "--user", "a", "--batch-size", "0"],
            "invalid --batch-size '0': expected a whole number from 1 to 100000", usage: usage, command: command)
        assertUsageError(
            ["import", "apple-health", "x.xml", "--user", "a", "--dry-run=yes"], "option --dry-run takes no value",
            usage: usage, command: command)
    }

    func testOtherUsageErrors() {
        assertUsageError(
            ["submit", "--user", "a"], "missing the input file (use '-' for standard input)",
            usage: SubmitCommand.usage, command: "health submit")
        assertUsageError(
            ["submit", "--user", "a", "--domain", "food", "-"], "invalid --domain 'food': expected vitals, nutrition or labs",
            usage: SubmitCommand.usage, command: "health submit")
        assertUsageError(
            ["latest", "--user", "a", "--user", "b"], "option --user is given more than once", usage: LatestCommand.usage,
            command: "health latest")
        assertUsageError(["status", "extra"], "unexpected argument 'extra'", usage: StatusCommand.usage, command: "health status")
        assertUsageError(
            ["generate", "apple-health", "--records", "0", "out.xml"],
            "invalid --records '0': expected a whole number from 1 to 1000000000", usage: GenerateCommand.usage,
            command: "health generate")
        assertUsageError(
            ["generate", "apple-health", "--records", "5"], "missing the output file", usage: GenerateCommand.usage,
            command: "health generate")
        assertUsageError(["frobnicate"], "unknown command 'frobnicate'", usage: "health <command> [options]", command: "health")
    }

    func testEnvironmentServerIsChecked() {
        let run = runCLI(["status"], environment: ["HEALTH_SERVER": "bad"])
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(
            run.error,
            "Error: invalid HEALTH_SERVER 'bad': expected HOST:PORT, such as 127.0.0.1:7070\n"
                + "Usage: \(StatusCommand.usage)\nRun 'health status --help' for help.\n")
    }

    func testNoArgumentsPrintsOverviewAsUsageError() {
        let run = runCLI([])
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(run.output, "")
        XCTAssertEqual(run.error, HealthCommand.overview)
    }

    // MARK: - Help and failures

    func testHelpGoesToStandardOutput() {
        for (arguments, help) in [
            (["--help"], HealthCommand.overview), (["query", "--help"], QueryCommand.help),
            (["import", "-h"], ImportCommand.help), (["submit", "--help"], SubmitCommand.help),
            (["latest", "--help"], LatestCommand.help), (["status", "--help"], StatusCommand.help),
            (["generate", "--help"], GenerateCommand.help),
        ] {
            let run = runCLI(arguments)
            XCTAssertEqual(run.status, 0, "\(arguments)")
            XCTAssertEqual(run.output, help, "\(arguments)")
            XCTAssertEqual(run.error, "", "\(arguments)")
        }
    }

    func testUnreachableServerFailsWithPlainMessage() {
        let port = unusedPort()
        let run = runCLI(["status", "--server", "127.0.0.1:\(port)"])

        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.output, "")
        XCTAssertEqual(run.error, "could not connect to 127.0.0.1:\(port): Connection refused (is healthd running?)\n")
    }

    func testMissingImportFileFails() throws {
        let server = try MockServer(responder: MockServer.standardReply)
        defer { server.stop() }
        let run = runCLI([
            "import", "apple-health", "/nonexistent/export.xml", "--user", "a", "--server", "127.0.0.1:\(server.port)",
            "--format", "json",
        ])

        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.output.contains("\"records_read\": 0"), run.output)
        XCTAssertTrue(
            run.error.hasSuffix(
                "warning: import stopped after 0 records read and 0 acknowledged: cannot open /nonexistent/export.xml: "
                    + "No such file or directory\n"), run.error)
    }

    // MARK: - Import and submit against the mock server

    func testImportSubmitsBatchesAndReportsFailuresByLine() throws {
        let server = try MockServer { message in
            guard case .submit(let submit) = message, case .vitals(let records) = submit.records else {
                return MockServer.standardReply(message)
            }
            // Reject every record whose value is 99, as the server would for an implausible value.
            let failures = records.enumerated().filter { $0.element.value == 99 }.map {
                RecordFailure(index: UInt32($0.offset), reason: "value 99 is implausible")
            }
            return .submitReply(
                SubmitReply(
                    accepted: UInt64(records.count - failures.count), updated: 0, unchanged: 0, pending: 0,
                    failures: failures))
        }
        defer { server.stop() }
        let path = try temporaryPath(self, "export.xml")
        var document = "<HealthData>\n"
        for index in 0..<7 {
            var value = String(60 + index)
            if index == 4 {
                value = "99"
            } else if index == 5 {
                value = "x"
            }
            document += " <Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"W\" unit=\"count/min\" "
                + "startDate=\"2024-01-01 00:0\(index):00 +0000\" endDate=\"2024-01-01 00:0\(index):00 +0000\" "
                + "value=\"\(value)\"/>\n"
        }
        document += " <Workout sourceName=\"W\"/>\n</HealthData>\n"
        try document.write(toFile: path, atomically: true, encoding: .utf8)

        let run = runCLI([
            "import", "apple-health", path, "--user", "alice", "--server", "127.0.0.1:\(server.port)",
            "--batch-size", "2",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        let submits = server.messages.compactMap { message -> [VitalRecord]? in
            guard case .submit(let submit) = message, case .vitals(let records) = submit.records else { return nil }
            XCTAssertEqual(submit.user, "alice")
            return records
        }
        XCTAssertEqual(submits.map(\.count), [2, 2, 2])
        XCTAssertEqual(submits.flatMap { $0.map(\.value) }, [60, 61, 62, 63, 99, 66])
        let lines = run.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(
            Array(lines.dropFirst().prefix(13)),
            [
                "user          alice",
                "records read  6",
                "accepted      5",
                "updated       0",
                "unchanged     0",
                "pending       0",
                "failed        1",
                "  1  value 99 is implausible",
                "      \(path) line 6: value 99 is implausible",
                "rejected      1",
                "  1  value is not a number",
                "      \(path) line 7: value \"x\" is not a number",
                "duplicates    0 (Correlation copies of records, read once)",
            ])
        XCTAssertTrue(lines.contains("skipped       1"), run.output)
        XCTAssertTrue(lines.contains("  1  Workout"), run.output)
        XCTAssertTrue(run.error.hasPrefix("read 6 records in "), run.error)
    }

    func testImportJSONSummary() throws {
        let server = try MockServer(responder: MockServer.standardReply)
        defer { server.stop() }
        let path = try temporaryPath(self, "export.xml")
        try """
            <HealthData><Record type="HKQuantityTypeIdentifierStepCount" sourceName="P" unit="count" value="10" \
            startDate="2024-01-01 00:00:00 +0000" endDate="2024-01-01 00:10:00 +0000"/></HealthData>
            """.write(toFile: path, atomically: true, encoding: .utf8)

        let run = runCLI(["import", "apple-health", path, "--user", "u", "--server", ":\(server.port)", "--format", "json"])

        XCTAssertEqual(run.status, 0, run.error)
        let summary = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
        XCTAssertEqual(summary?["records_read"] as? Int, 1)
        XCTAssertEqual(summary?["accepted"] as? Int, 1)
        XCTAssertEqual(summary?["failed"] as? Int, 0)
        XCTAssertEqual(summary?["rejected"] as? Int, 0)
        XCTAssertEqual(summary?["files"] as? [String], [path])
        XCTAssertEqual(summary?["skipped"] as? [String: Int], [:])
        XCTAssertEqual(summary?["warnings"] as? [String], [])
    }

    func testImportOfZipReadsOnlyExportXML() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zip") else {
            throw XCTSkip("the zip program is not installed, so no archive can be built for this test")
        }
        let folder = try temporaryPath(self, "apple_health_export")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let record = { (value: Int) in
            "<HealthData><Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"W\" unit=\"count/min\" "
                + "value=\"\(value)\" startDate=\"2024-01-01 00:00:00 +0000\" endDate=\"2024-01-01 00:00:00 +0000\"/></HealthData>"
        }
        try record(71).write(toFile: folder + "/export.xml", atomically: true, encoding: .utf8)
        try record(5).write(toFile: folder + "/export_cda.xml", atomically: true, encoding: .utf8)
        let archive = (folder as NSString).deletingLastPathComponent + "/export.zip"
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        zip.currentDirectoryURL = URL(fileURLWithPath: (folder as NSString).deletingLastPathComponent)
        zip.arguments = ["-q", "-r", "export.zip", "apple_health_export"]
        try zip.run()
        zip.waitUntilExit()
        XCTAssertEqual(zip.terminationStatus, 0)

        let run = runCLI(["import", "apple-health", archive, "--user", "u", "--dry-run", "--format", "json"])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertTrue(run.output.contains("\"records_read\": 1,"), run.output)
    }

    func testSubmitReportsLocalAndServerFailuresByLine() throws {
        let server = try MockServer { message in
            guard case .submit(let submit) = message, case .vitals(let records) = submit.records else {
                return MockServer.standardReply(message)
            }
            let failures = records.enumerated().filter { $0.element.metric == "unknown" }.map {
                RecordFailure(index: UInt32($0.offset), reason: "unknown metric 'unknown'")
            }
            return .submitReply(
                SubmitReply(
                    accepted: UInt64(records.count - failures.count), updated: 0, unchanged: 0, pending: 0,
                    failures: failures))
        }
        defer { server.stop() }
        let path = try temporaryPath(self, "records.ndjson")
        try """
            {"metric": "heart_rate", "value": 70, "unit": "count/min", "start": "2024-01-01T08:00:00-05:00"}

            {"metric": "heart_rate", "value": "x", "unit": "count/min", "start": "2024-01-01T08:01:00-05:00"}
            {"metric": "unknown", "value": 1, "unit": "x", "start": "2024-01-01T08:02:00-05:00"}\r
            not json
            {"metric": "heart_rate", "value": 72, "unit": "count/min", "start": "2024-01-01T08:03:00-05:00", "id": "a"}
            """.write(toFile: path, atomically: true, encoding: .utf8)

        let run = runCLI(["submit", "--user", "bob", "--server", "127.0.0.1:\(server.port)", path])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(
            run.output,
            """
            accepted 2, updated 0, unchanged 0, failed 3
            line 3: field "value" must be a number
            line 4: unknown metric 'unknown'
            line 5: invalid JSON: expected an object starting with '{'

            """)
        XCTAssertEqual(run.error, "")
        guard case .submit(let submit)? = server.messages.last, case .vitals(let records) = submit.records else {
            return XCTFail("no submit received")
        }
        XCTAssertEqual(records.map(\.value), [70, 1, 72])
        XCTAssertEqual(records.last?.sourceRecordId, "a")
    }
}
