// `health trigger` and `health verify` against the mock server: the requests they send, their whole output in
// each format, and their exit statuses.

import Foundation
import HealthDomain
import HealthWire
import XCTest

@testable import HealthCLI

final class TriggerVerifyCommandTests: XCTestCase {
    /// A server that replies to Trigger as if merging into job 42, queued at priority 3 with pending work, and to
    /// Verify with `mismatches`.
    func makeServer(mismatches: [String] = []) throws -> MockServer {
        try MockServer { message in
            switch message {
            case .trigger(let trigger):
                return .triggerReply(
                    TriggerReply(
                        jobId: 42, priority: max(3, trigger.priority), work: trigger.work.union(.pending), queueDepth: 7))
            case .verify:
                return .verifyReply(VerifyReply(mismatches: mismatches))
            default:
                return MockServer.standardReply(message)
            }
        }
    }

    func testTriggerSendsRequestAndPrintsTable() throws {
        let server = try makeServer()
        defer { server.stop() }

        let run = runCLI([
            "trigger", "--user", "ann", "--domain", "labs", "--priority", "9", "--retry-failed",
            "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.error, "")
        XCTAssertEqual(
            run.output,
            """
            job id        42
            priority      9
            work          pending, retry-failed
            queue depth   7

            """)
        guard case .trigger(let trigger)? = server.messages.last else { return XCTFail("no trigger received") }
        XCTAssertEqual(trigger, Trigger(user: "ann", domain: .labs, priority: 9, work: [.pending, .retryFailed]))
    }

    func testTriggerJSON() throws {
        let server = try makeServer()
        defer { server.stop() }

        let run = runCLI([
            "trigger", "--user", "ann", "--domain", "nutrition", "--priority", "-5", "--rebuild", "--retry-failed",
            "--format", "json", "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(
            run.output,
            "{\"job_id\": 42, \"priority\": 3, \"work\": [\"pending\", \"retry-failed\", \"rebuild\"], \"queue_depth\": 7}\n")
        let object = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["work"] as? [String], ["pending", "retry-failed", "rebuild"])
        guard case .trigger(let trigger)? = server.messages.last else { return XCTFail("no trigger received") }
        XCTAssertEqual(trigger, Trigger(user: "ann", domain: .nutrition, priority: -5, work: .all))
    }

    func testTriggerDefaultsToPendingAtPriorityZero() throws {
        let server = try makeServer()
        defer { server.stop() }

        let run = runCLI(["trigger", "--user", "bo", "--domain", "vitals", "--server", "127.0.0.1:\(server.port)"])

        XCTAssertEqual(run.status, 0, run.error)
        guard case .trigger(let trigger)? = server.messages.last else { return XCTFail("no trigger received") }
        XCTAssertEqual(trigger, Trigger(user: "bo", domain: .vitals, priority: 0, work: .pending))
    }

    func testTriggerRejectedByServerFails() throws {
        let server = try MockServer { message in
            guard case .trigger = message else { return MockServer.standardReply(message) }
            return .error(ErrorReply(code: .unknownUser, message: "unknown user 'zed'"))
        }
        defer { server.stop() }

        let run = runCLI(["trigger", "--user", "zed", "--domain", "labs", "--server", "127.0.0.1:\(server.port)"])

        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.output, "")
        XCTAssertEqual(run.error, "the server rejected the request: unknown user 'zed' (error 10, unknownUser)\n")
    }

    func testVerifyPrintsOkAndExitsZero() throws {
        let server = try makeServer()
        defer { server.stop() }

        let run = runCLI(["verify", "--server", "127.0.0.1:\(server.port)"])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.output, "ok: every rollup matches a recompute\n")
        XCTAssertEqual(run.error, "")
        guard case .verify(let verify)? = server.messages.last else { return XCTFail("no verify received") }
        XCTAssertNil(verify.user)
    }

    func testVerifyPrintsMismatchesAndExitsOne() throws {
        let mismatches = [
            "vitals ann heart_rate day 2024-01-15: count 3, recomputed 4",
            "labs ann 4548-4 quarter 2024-Q1: sum 17.1, recomputed 11.3",
        ]
        let server = try makeServer(mismatches: mismatches)
        defer { server.stop() }

        let run = runCLI(["verify", "--user", "ann", "--server", "127.0.0.1:\(server.port)"])

        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.output, mismatches.map { $0 + "\n" }.joined())
        XCTAssertEqual(run.error, "2 rollup rows differ from a recompute\n")
        guard case .verify(let verify)? = server.messages.last else { return XCTFail("no verify received") }
        XCTAssertEqual(verify.user, "ann")
    }

    func testVerifyJSON() throws {
        let server = try makeServer(mismatches: ["nutrition ann protein day 2024-03-10: days 1, recomputed 2"])
        defer { server.stop() }

        let run = runCLI(["verify", "--format", "json", "--server", "127.0.0.1:\(server.port)"])

        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(
            run.output,
            """
            {
              "ok": false,
              "mismatches": [
                "nutrition ann protein day 2024-03-10: days 1, recomputed 2"
              ]
            }

            """)
        XCTAssertEqual(run.error, "1 rollup row differs from a recompute\n")
        XCTAssertEqual(VerifyCommand.render([], format: "json"), "{\n  \"ok\": true,\n  \"mismatches\": []\n}\n")
    }
}
