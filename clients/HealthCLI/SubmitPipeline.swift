// Sends batches of records with several submits in flight, so the server stores one batch while the client
// reads and encodes the next, and adds up the replies.

import HealthClient
import HealthDomain
import HealthWire

/// The file and position a record came from, for messages about it. The position is a line, or an item for formats
/// whose records have no line of their own.
struct RecordLocation: Equatable, Sendable {
    var file: String
    /// 1-based line number, or nil when the record has no line of its own (a resource in a FHIR JSON document).
    var line: Int?
    /// The record's position when `line` is nil, such as `observation hdl-1` or `data row 12`.
    var item: String?

    init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    init(file: String, line: Int? = nil, item: String) {
        self.file = file
        self.line = line
        self.item = item
    }

    /// The item when there is one, such as `line 7 (Observation/abc)` or `observation hdl-1`, else `line 7`.
    var position: String {
        if let item {
            return item
        }
        return line.map { "line \($0)" } ?? "unknown position"
    }
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

/// Sends batches of any domain, for one user or several, and keeps the totals overall, per domain and per user.
final class SubmitPipeline {
    let client: HealthClient
    /// The user of submits that name none.
    let user: String
    let mode: ProcessingMode
    let maximumInFlight: Int
    let maximumFailureExamples: Int
    private(set) var totals = SubmitTotals()
    private(set) var totalsByDomain: [HealthDataDomain: SubmitTotals] = [:]
    private(set) var totalsByUser: [String: SubmitTotals] = [:]

    private struct Batch {
        var requestId: UInt32
        var domain: HealthDataDomain
        var user: String
        var locations: [RecordLocation]
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

    /// Sends one batch of vital records; `lines` contains the line of each record in `file`.
    func submit(_ records: [VitalRecord], lines: [Int], file: String) throws {
        precondition(records.count == lines.count, "one line number per record")
        try submit(.vitals(records), locations: lines.map { RecordLocation(file: file, line: $0) })
    }

    /// Sends one batch for `user` (the pipeline's user when nil); first waits for the oldest reply when
    /// `maximumInFlight` batches are unanswered. `locations` contains the location of each record.
    func submit(_ records: SubmitRecords, locations: [RecordLocation], user: String? = nil) throws {
        precondition(records.count == locations.count, "one location per record")
        guard records.count > 0 else { return }
        while inFlight.count >= maximumInFlight {
            try receiveOne()
        }
        let batchUser = user ?? self.user
        let requestId = try client.send(.submit(Submit(user: batchUser, mode: mode, records: records)))
        inFlight.append(Batch(requestId: requestId, domain: records.domain, user: batchUser, locations: locations))
        update(records.domain, batchUser) { $0.sent += records.count }
    }

    /// Waits for every outstanding reply.
    func finish() throws {
        while !inFlight.isEmpty {
            try receiveOne()
        }
    }

    /// Records of the batches the server has replied to so far, failures included. A batch whose error stopped the
    /// command is not counted.
    var acknowledged: Int {
        totals.sent - inFlight.reduce(0) { $0 + $1.locations.count }
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
            // The batch was not stored, so it stays out of `acknowledged`.
            inFlight.insert(batch, at: position)
            throw error
        default:
            throw ClientError.unexpectedReply("\(reply.type) as the response to Submit")
        }
    }

    private func add(_ reply: SubmitReply, batch: Batch) {
        update(batch.domain, batch.user) { totals in
            totals.accepted += reply.accepted
            totals.updated += reply.updated
            totals.unchanged += reply.unchanged
            totals.pending += reply.pending
        }
        for failure in reply.failures {
            let index = Int(failure.index)
            let location =
                index < batch.locations.count
                ? batch.locations[index]
                : RecordLocation(file: batch.locations.first?.file ?? "", item: "record \(index)")
            recordFailure(SubmitFailure(location: location, reason: failure.reason), batch: batch)
        }
    }

    /// Counts every record of a batch the server rejected as a whole as failed with the server's message.
    private func failWholeBatch(_ batch: Batch, error: ErrorReply) {
        var reason = "submit rejected by the server: \(error.message)"
        if let index = error.recordIndex, Int(index) < batch.locations.count {
            reason += " (record at \(batch.locations[Int(index)].position))"
        }
        for location in batch.locations {
            recordFailure(SubmitFailure(location: location, reason: reason), batch: batch)
        }
    }

    private func recordFailure(_ failure: SubmitFailure, batch: Batch) {
        let limit = maximumFailureExamples
        update(batch.domain, batch.user) { totals in
            totals.failed += 1
            totals.failureCounts[failure.reason, default: 0] += 1
            if totals.failureExamples.count < limit {
                totals.failureExamples.append(failure)
            }
        }
    }

    /// Applies `change` to the overall totals and to those of the domain and the user.
    private func update(_ domain: HealthDataDomain, _ user: String, _ change: (inout SubmitTotals) -> Void) {
        change(&totals)
        change(&totalsByDomain[domain, default: SubmitTotals()])
        change(&totalsByUser[user, default: SubmitTotals()])
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
