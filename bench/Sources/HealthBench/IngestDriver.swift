// Drives submits into a server over several connections at once, each on its own thread with a fixed number of
// pipelined submits in flight, and measures throughput and the reply latency of every submit.
//
// Latency is the time from handing a submit to the socket until its reply is decoded, so it includes the wait
// behind the connection's other submits in flight and behind other connections' work in the same group commit.

import Foundation
import HealthClient
import HealthDomain
import HealthWire

/// The submits one connection sends, in order: the vitals submits, then those of other domains.
struct ConnectionWork: Sendable {
    var submits: [(user: String, records: [VitalRecord])]
    /// Nutrition and lab submits, sent after the vitals ones.
    var domainSubmits: [(user: String, records: SubmitRecords)] = []

    var sampleCount: Int {
        submits.reduce(0) { $0 + $1.records.count } + domainSubmits.reduce(0) { $0 + $1.records.count }
    }
}

struct IngestRun {
    var samples: Int
    var seconds: Double
    /// Reply latency of every submit, in nanoseconds.
    var latencies: [UInt64]
    /// Records the server stored as failed, summed over all replies.
    var failedRecords: Int
    /// Submits that got an Error reply, and the first error message.
    var rejectedSubmits: Int
    var firstError: String?

    var samplesPerSecond: Double { Double(samples) / seconds }
}

enum IngestDriver {
    /// Sends every connection's submits with `inFlight` submits pipelined per connection and returns when every
    /// reply has arrived. Throws when a connection cannot be opened or breaks. The caller's watchdog bounds the
    /// time.
    static func run(
        port: UInt16, work: [ConnectionWork], inFlight: Int, mode: ProcessingMode = .serverDefault,
        stop: StopFlag? = nil
    ) throws -> IngestRun {
        let collector = RunCollector()
        let ready = DispatchSemaphore(value: 0)
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()

        for connectionWork in work {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                var client: HealthClient?
                do {
                    client = try HealthClient(host: "127.0.0.1", port: port, clientName: "health-bench")
                } catch {
                    collector.fail("connect failed: \(error)")
                }
                ready.signal()
                start.wait()
                guard let client else { return }
                defer { client.close() }
                do {
                    let result = try drive(client, connectionWork, inFlight: inFlight, mode: mode, stop: stop)
                    collector.add(result)
                } catch {
                    collector.fail("connection failed: \(error)")
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in work { ready.wait() }
        let began = monotonicSeconds()
        for _ in work { start.signal() }
        done.wait()
        let seconds = monotonicSeconds() - began

        let result = collector.result
        if let fatal = result.fatal {
            throw BenchError(fatal)
        }
        return IngestRun(
            samples: result.samplesSent, seconds: seconds, latencies: result.latencies,
            failedRecords: result.failedRecords, rejectedSubmits: result.rejectedSubmits, firstError: result.firstError)
    }

    private static func drive(
        _ client: HealthClient, _ work: ConnectionWork, inFlight: Int, mode: ProcessingMode, stop: StopFlag?
    ) throws -> PartialResult {
        var partial = PartialResult()
        partial.latencies.reserveCapacity(work.submits.count)
        var sentAt: [UInt32: (time: UInt64, count: Int)] = [:]

        func receiveOne() throws {
            let (requestId, reply) = try client.receive()
            let now = monotonicNanoseconds()
            guard let sent = sentAt.removeValue(forKey: requestId) else {
                throw BenchError("reply for request \(requestId), which is not in flight")
            }
            partial.latencies.append(now - sent.time)
            switch reply {
            case .submitReply(let submitReply):
                partial.failedRecords += submitReply.failures.count
                let answered = Int(submitReply.accepted + submitReply.updated + submitReply.unchanged
                    + submitReply.pending) + submitReply.failures.count
                if answered != sent.count && partial.firstError == nil {
                    partial.firstError = "the reply to a submit of \(sent.count) records accounts for \(answered)"
                }
                if partial.firstError == nil, let failure = submitReply.failures.first {
                    partial.firstError = "record failed: \(failure.reason)"
                }
            case .error(let error):
                partial.rejectedSubmits += 1
                if partial.firstError == nil { partial.firstError = "submit rejected: \(error.message)" }
            default:
                throw BenchError("unexpected \(reply.type) in response to a submit")
            }
        }

        func send(user: String, records: SubmitRecords) throws {
            while client.pendingReplies >= inFlight {
                try receiveOne()
            }
            let time = monotonicNanoseconds()
            let requestId = try client.send(.submit(Submit(user: user, mode: mode, records: records)))
            sentAt[requestId] = (time, records.count)
            partial.samplesSent += records.count
        }

        for submit in work.submits {
            if stop?.isSet == true { break }
            try send(user: submit.user, records: .vitals(submit.records))
        }
        for submit in work.domainSubmits {
            if stop?.isSet == true { break }
            try send(user: submit.user, records: submit.records)
        }
        while client.pendingReplies > 0 {
            try receiveOne()
        }
        return partial
    }
}

private struct PartialResult {
    var samplesSent = 0
    var latencies: [UInt64] = []
    var failedRecords = 0
    var rejectedSubmits = 0
    var firstError: String?
}

/// A flag that stops a running ingest from sending more submits. Submits already sent still get their replies.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}

/// Gathers the connection threads' results.
private final class RunCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var combined = PartialResult()
    private var fatalError: String?

    func add(_ partial: PartialResult) {
        lock.withLock {
            combined.samplesSent += partial.samplesSent
            combined.latencies += partial.latencies
            combined.failedRecords += partial.failedRecords
            combined.rejectedSubmits += partial.rejectedSubmits
            if combined.firstError == nil { combined.firstError = partial.firstError }
        }
    }

    func fail(_ message: String) {
        lock.withLock {
            if fatalError == nil { fatalError = message }
        }
    }

    var result: (
        samplesSent: Int, latencies: [UInt64], failedRecords: Int, rejectedSubmits: Int, firstError: String?,
        fatal: String?
    ) {
        lock.withLock {
            (
                combined.samplesSent, combined.latencies, combined.failedRecords, combined.rejectedSubmits,
                combined.firstError, fatalError
            )
        }
    }
}
