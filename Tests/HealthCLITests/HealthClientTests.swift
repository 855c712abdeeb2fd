// HealthClient against a mock server on loopback: Hello, request/reply, Error replies, pipelining,
// compression of large submits and connection failures.

import Foundation
import HealthClient
import HealthDomain
import HealthWire
import XCTest

final class HealthClientTests: XCTestCase {
    func startServer(_ responder: @escaping MockServer.Responder = MockServer.standardReply) throws -> MockServer {
        let server = try MockServer(responder: responder)
        addTeardownBlock { server.stop() }
        return server
    }

    func heartRates(_ count: Int) -> [VitalRecord] {
        (0..<count).map { index in
            VitalRecord(
                metric: "heart_rate", value: Double(60 + index % 40), unit: "count/min",
                startMs: 1_700_000_000_000 + Int64(index) * 60_000, offsetMinutes: -300, source: "test",
                sourceRecordId: "hr-\(index)")
        }
    }

    func testConnectPerformsHello() throws {
        let server = try startServer()
        let client = try HealthClient(host: "127.0.0.1", port: server.port, clientName: "tests", token: "secret")
        defer { client.close() }

        XCTAssertEqual(client.serverName, "mock")
        XCTAssertEqual(client.serverMaxFrameBytes, 16 << 20)
        XCTAssertEqual(server.messages, [.hello(Hello(clientName: "tests", token: "secret"))])
    }

    func testErrorReplyIsThrown() throws {
        let server = try startServer()
        let client = try HealthClient(address: ServerAddress(host: "localhost", port: server.port), clientName: "t")
        defer { client.close() }

        XCTAssertThrowsError(try client.status()) { error in
            XCTAssertEqual(error as? ErrorReply, ErrorReply(code: .invalidArgument, message: "not supported by the mock"))
        }
    }

    func testPipelinedSubmitsGetTheirReplies() throws {
        let server = try startServer()
        let client = try HealthClient(host: "127.0.0.1", port: server.port, clientName: "t")
        defer { client.close() }

        var ids: [UInt32] = []
        for size in [1, 2, 3] {
            ids.append(try client.send(.submit(Submit(user: "u", records: .vitals(heartRates(size))))))
        }
        XCTAssertEqual(client.pendingReplies, 3)
        XCTAssertThrowsError(try client.call(.status(Status()))) { error in
            XCTAssertEqual(error as? ClientError, .repliesPending(3))
        }
        var accepted: [UInt32: UInt64] = [:]
        for _ in 0..<3 {
            let (id, reply) = try client.receive()
            guard case .submitReply(let submitReply) = reply else { return XCTFail("unexpected \(reply)") }
            accepted[id] = submitReply.accepted
        }
        XCTAssertEqual(accepted, [ids[0]: 1, ids[1]: 2, ids[2]: 3])
        XCTAssertEqual(client.pendingReplies, 0)
    }

    func testLargeSubmitsAreCompressed() throws {
        let server = try startServer()
        let client = try HealthClient(host: "127.0.0.1", port: server.port, clientName: "t")
        defer { client.close() }

        let small = try client.submitVitals(user: "u", records: heartRates(1))
        let large = try client.submitVitals(user: "u", records: heartRates(2000))

        XCTAssertEqual(small.accepted, 1)
        XCTAssertEqual(large.accepted, 2000)
        XCTAssertEqual(server.flags.map { $0 & 1 }, [0, 0, 1])
        guard case .submit(let submit)? = server.messages.last else { return XCTFail("no submit received") }
        XCTAssertEqual(submit.records, .vitals(heartRates(2000)))
    }

    func testLargeRepliesWhileSendingDoNotDeadlock() throws {
        // Each request is about 4 MB and each reply about 8 MB, more than loopback socket buffers take, and the
        // mock server writes a reply before it reads the next request. A client that only sent while replies
        // piled up would wait forever.
        let server = try startServer { message in
            guard case .submit(let submit) = message else { return MockServer.standardReply(message) }
            let reason = String(repeating: "x", count: 120)
            let failures = (0..<60_000).map { RecordFailure(index: UInt32($0), reason: reason) }
            return .submitReply(
                SubmitReply(accepted: 0, updated: 0, unchanged: 0, pending: 0, failures: Array(failures.prefix(submit.records.count))))
        }
        let done = DispatchSemaphore(value: 0)
        let outcome = OutputRecorder()
        let port = server.port
        let records = heartRates(60_000)
        Thread {
            do {
                let client = try HealthClient(host: "127.0.0.1", port: port, clientName: "t")
                client.compressAbove = nil
                for _ in 0..<4 {
                    try client.send(.submit(Submit(user: "u", records: .vitals(records))))
                }
                var failures = 0
                for _ in 0..<4 {
                    if case .submitReply(let reply) = try client.receive().1 {
                        failures += reply.failures.count
                    }
                }
                client.close()
                outcome.output = "failures \(failures)"
            } catch {
                outcome.output = "error \(error)"
            }
            done.signal()
        }.start()

        XCTAssertEqual(done.wait(timeout: .now() + 30), .success, "client and server wait on each other")
        XCTAssertEqual(outcome.output, "failures 240000")
    }

    func testRefusedConnectionNamesTheAddress() {
        let port = unusedPort()
        XCTAssertThrowsError(try HealthClient(host: "127.0.0.1", port: port, clientName: "t")) { error in
            XCTAssertEqual(error as? ClientError, .connectFailed(host: "127.0.0.1", port: port, errno: ECONNREFUSED))
            XCTAssertEqual(
                "\(error)", "could not connect to 127.0.0.1:\(port): Connection refused (is healthd running?)")
        }
    }

    func testServerAddressParsing() {
        XCTAssertEqual(ServerAddress(parsing: "127.0.0.1:7070"), ServerAddress(host: "127.0.0.1", port: 7070))
        XCTAssertEqual(ServerAddress(parsing: "localhost:1"), ServerAddress(host: "localhost", port: 1))
        XCTAssertEqual(ServerAddress(parsing: ":8080"), ServerAddress(host: "127.0.0.1", port: 8080))
        XCTAssertEqual(ServerAddress(parsing: "[::1]:7070"), ServerAddress(host: "::1", port: 7070))
        XCTAssertEqual(ServerAddress(parsing: "[::1]:7070")?.description, "[::1]:7070")
        for invalid in ["127.0.0.1", "host:", "host:0", "host:65536", "host:x", "::1:7070", "[::1]7070", "a b:1"] {
            XCTAssertNil(ServerAddress(parsing: invalid), invalid)
        }
    }
}
