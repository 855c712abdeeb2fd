// Sends batches of records with several submits in flight, so the server stores one batch while the client
// reads and encodes the next, and adds up the replies.

import HealthClient
import HealthDomain
import HealthWire

/// The file and line a record came from, for messages about it.
struct RecordLocation: Equatable, Sendable {
    var file: String
    /// 1-based line number.
    var line: Int
}

/// A record the server stored as failed, or a batch it rejected, with the reason.
struct SubmitFailure: Equatable, Sendable {
    var location: RecordLocation
    var reason: String
}

/// The sum of all submit replies of one command.
struct SubmitTotals: Equatable, Sendable {
    var sent = 0
    var accepted: UInt64 = 0
    var updated: UInt64 = 0
    var unchanged: UInt64 = 0
    var pending: UInt64 = 0
    var failed = 0
    /// Failed records counted by the server's reason.
    var failureCounts: [String: Int] = [:]
    /// The first failures in the order the replies named them.
    var failureExamples: [SubmitFailure] = []
}

final class SubmitPipeline {
    let client: HealthClient
    let user: String
    let mode: ProcessingMode
    let maximumInFlight: Int
    let maximumFailureExamples: Int
    private(set) var totals = SubmitTotals()

    private struct Batch {
        var requestId: UInt32
        var file: String
        var lines: [Int]
    }
    private var inFlight: [Batch] = []

    init(
        client: HealthClient, user: String, mode: ProcessingMode = .serverDefault, maximumInFlight: Int = 4,
        maximumFailureExamples: Int = 1000
    ) {
        self.client = client
        self.user = user
        self.mode = mode
        self.maximumInFlight = max(1, maximumInFlight)
        self.maximumFailureExamples = maximumFailureExamples
    }

    /// Sends one batch; first waits for the oldest reply when `maximumInFlight` batches are unanswered.
    /// `lines` contains the line of each record in `file`.
    func submit(_ records: [VitalRecord], lines: [Int], file: String) throws {
        precondition(records.count == lines.count, "one line number per record")
        guard !records.isEmpty else { return }
        while inFlight.count >= maximumInFlight {
            try receiveOne()
        }
        let requestId = try client.send(.submit(Submit(user: user, mode: mode, records: .vitals(records))))
        inFlight.append(Batch(requestId: requestId, file: file, lines: lines))
        totals.sent += records.count
    }

    /// Waits for every outstanding reply.
    func finish() throws {
        while !inFlight.isEmpty {
            try receiveOne()
        }
    }

    /// Records acknowledged by the server so far (all outcomes, failures included).
    var acknowledged: Int {
        totals.sent - inFlight.reduce(0) { $0 + $1.lines.count }
    }

    private func receiveOne() throws {
        let (requestId, reply) = try client.receive()
        guard let position = inFlight.firstIndex(where: { $0.requestId == requestId }) else {
            throw ClientError.unexpectedReply("reply for request \(requestId), which is not in flight")
        }
        let batch = inFlight.remove(at: position)
        switch reply {
        case .submitReply(let submitReply):
            add(submitReply, batch: batch)
        case .error(let error) where SubmitPipeline.failsOnlyTheBatch(error.code):
            failWholeBatch(batch, error: error)
        case .error(let error):
            throw error
        default:
            throw ClientError.unexpectedReply("\(reply.type) as the response to Submit")
        }
    }

    private func add(_ reply: SubmitReply, batch: Batch) {
        totals.accepted += reply.accepted
        totals.updated += reply.updated
        totals.unchanged += reply.unchanged
        totals.pending += reply.pending
        for failure in reply.failures {
            let index = Int(failure.index)
            let line = index < batch.lines.count ? batch.lines[index] : 0
            recordFailure(SubmitFailure(location: RecordLocation(file: batch.file, line: line), reason: failure.reason))
        }
    }

    /// Counts every record of a batch the server rejected as a whole as failed with the server's message.
    private func failWholeBatch(_ batch: Batch, error: ErrorReply) {
        var reason = "submit rejected by the server: \(error.message)"
        if let index = error.recordIndex, Int(index) < batch.lines.count {
            reason += " (record at line \(batch.lines[Int(index)]))"
        }
        for line in batch.lines {
            recordFailure(SubmitFailure(location: RecordLocation(file: batch.file, line: line), reason: reason))
        }
    }

    private func recordFailure(_ failure: SubmitFailure) {
        totals.failed += 1
        totals.failureCounts[failure.reason, default: 0] += 1
        if totals.failureExamples.count < maximumFailureExamples {
            totals.failureExamples.append(failure)
        }
    }

    /// Error codes that condemn one submit's content; any other code (unauthorized, unavailable, internal)
    /// would fail every later batch too, so it stops the command.
    static func failsOnlyTheBatch(_ code: ErrorCode) -> Bool {
        switch code {
        case .invalidArgument, .unknownCode, .malformedPayload: return true
        default: return false
        }
    }
}
