// Queued processing end to end: submits stored as pending, the server's worker draining the job queue, and a
// server killed with SIGKILL in the middle of it that, after a restart, finishes with rollups equal to the ones an
// inline server computes from the same export.

import Foundation
import XCTest

final class QueuedProcessingEndToEndTests: XCTestCase {
    private func statusCounters(_ server: ServerProcess) throws -> [String: Int] {
        let result = try runHealth(["status", "--server", server.address, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return object.compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    /// Waits until no vitals row is pending and no job is queued; fails after 120 s.
    private func waitUntilDrained(_ server: ServerProcess) throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let counters = try statusCounters(server)
            if counters["vitals.raw.pending"] == 0 && counters["jobs.queued"] == 0 { return }
            usleep(100_000)
        }
        XCTFail("the job queue did not drain within 120 s: \(try statusCounters(server))")
    }

    private func monthlyHeartRate(_ server: ServerProcess, user: String) throws -> String {
        let result = try runHealth([
            "query", "--server", server.address, "--user", user, "--metric", "heart_rate", "--granularity", "month",
            "--from", "2000-01-01", "--to", "2030-12-31", "--format", "json",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    func testKilledWorkerResumesAndMatchesInline() throws {
        let directory = try makeTemporaryDirectory(self)
        let export = directory.appendingPathComponent("export.xml").path
        let generated = try runHealth(["generate", "apple-health", "--records", "40000", "--seed", "11", export])
        XCTAssertEqual(generated.status, 0, generated.stderr)

        let inline = try ServerProcess(
            database: directory.appendingPathComponent("inline.db"), directory: directory, test: self)
        let inlineImport = try runHealth(["import", "apple-health", "--server", inline.address, "--user", "u", export])
        XCTAssertEqual(inlineImport.status, 0, inlineImport.stderr)
        let expected = try monthlyHeartRate(inline, user: "u")
        XCTAssertEqual(inline.stop(), 0, inline.log)

        let queuedDatabase = directory.appendingPathComponent("queued.db")
        let first = try ServerProcess(
            database: queuedDatabase, directory: directory, extraArguments: ["--processing", "queued"], test: self)
        let queuedImport = try runHealth(["import", "apple-health", "--server", first.address, "--user", "u", export])
        XCTAssertEqual(queuedImport.status, 0, queuedImport.stderr)
        // Kill without warning, most likely while the worker is inside a job.
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()

        let second = try ServerProcess(
            database: queuedDatabase, directory: directory, extraArguments: ["--processing", "queued"], test: self)
        try waitUntilDrained(second)
        XCTAssertEqual(try monthlyHeartRate(second, user: "u"), expected)

        let verify = try runHealth(["verify", "--server", second.address])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertEqual(second.stop(), 0, second.log)
    }

    func testTriggerRebuildKeepsRollups() throws {
        let directory = try makeTemporaryDirectory(self)
        let export = directory.appendingPathComponent("export.xml").path
        XCTAssertEqual(try runHealth(["generate", "apple-health", "--records", "5000", "--seed", "3", export]).status, 0)
        let server = try ServerProcess(
            database: directory.appendingPathComponent("rebuild.db"), directory: directory, test: self)
        XCTAssertEqual(try runHealth(["import", "apple-health", "--server", server.address, "--user", "r", export]).status, 0)
        let before = try monthlyHeartRate(server, user: "r")

        let trigger = try runHealth([
            "trigger", "--server", server.address, "--user", "r", "--domain", "vitals", "--rebuild", "--priority", "5",
            "--format", "json",
        ])
        XCTAssertEqual(trigger.status, 0, trigger.stderr)
        let reply = try JSONSerialization.jsonObject(with: Data(trigger.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((reply?["priority"] as? NSNumber)?.intValue, 5)
        XCTAssertEqual(reply?["work"] as? [String], ["pending", "rebuild"])

        try waitUntilDrained(server)
        XCTAssertEqual(try monthlyHeartRate(server, user: "r"), before)
        XCTAssertEqual(server.stop(), 0, server.log)
    }
}
