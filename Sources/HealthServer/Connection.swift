// One client connection: a thread reads frames, routes them, serves reads from its own store reader, and hands
// submits to the writer. Replies may leave out of order (pipelining), and each carries its request id.
//
// The descriptor stays open until the reader has stopped and every submit handed to the writer has its reply,
// so a completion never writes to a descriptor number the kernel has already given to another connection.

import Foundation
import HealthDomain
import HealthStore
import HealthWire

final class Connection: @unchecked Sendable {
    let fd: Int32
    let id: UInt64
    private let context: ServerContext
    private let writeLock = NSLock()
    private let inFlight: DispatchSemaphore
    private let maxInFlight: Int
    private var peerGone = false
    /// Client errors logged so far; past `maxLoggedClientErrors` they are only counted.
    private var loggedClientErrors = 0
    private let maxLoggedClientErrors = 10

    init(fd: Int32, id: UInt64, context: ServerContext) {
        self.fd = fd
        self.id = id
        self.context = context
        self.maxInFlight = context.configuration.maxInFlightSubmits
        self.inFlight = DispatchSemaphore(value: maxInFlight)
    }

    /// Reads and serves requests until the peer closes, framing is lost or the server stops the reads.
    func run() {
        var router = RequestRouter(limits: context.configuration.limits, serverName: context.serverName)
        var decoder = FrameDecoder(limits: context.configuration.limits)
        var reader: StoreReader?
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 8)
        defer { buffer.deallocate() }

        reading: while true {
            let count: Int
            do {
                count = try Socket.receive(fd, into: buffer)
            } catch {
                context.logger.debug("connection read failed", ["conn.id": id, "error": error])
                break
            }
            if count == 0 { break }
            decoder.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))

            while true {
                let frame: Frame
                do {
                    guard let next = try decoder.next() else { break }
                    frame = next
                } catch {
                    logClientError("protocol error", code: error.code.rawValue)
                    if perform(router.route(error), requestId: 0, reader: &reader) { break reading }
                    continue
                }
                let action = router.route(frame)
                if case .reply(.error(let reply)) = action {
                    logClientError("request rejected", code: reply.rawCode)
                }
                if perform(action, requestId: frame.requestId, reader: &reader) { break reading }
            }
        }
        finish()
    }

    /// Counts a client's protocol error and logs it, up to a cap per connection so a broken client can't flood
    /// the log.
    private func logClientError(_ message: String, code: UInt16) {
        context.counters.recordProtocolError()
        loggedClientErrors += 1
        if loggedClientErrors <= maxLoggedClientErrors {
            context.logger.info(message, ["conn.id": id, "error.code": code])
        } else if loggedClientErrors == maxLoggedClientErrors + 1 {
            context.logger.info("further client errors on this connection are counted, not logged", ["conn.id": id])
        }
    }

    /// Carries out one routed action; returns true when the connection must close.
    private func perform(_ action: RequestRouter.Action, requestId: UInt32, reader: inout StoreReader?) -> Bool {
        switch action {
        case .reply(let message):
            send(message, requestId: requestId)
        case .replyAndClose(let message):
            send(message, requestId: requestId)
            return true
        case .submit(let submit):
            hand(submit, requestId: requestId)
        case .query, .latest, .status, .verify:
            send(answer(action, reader: &reader), requestId: requestId)
        case .trigger(let trigger):
            hand(trigger, requestId: requestId)
        }
        return false
    }

    /// Serves a read request from this connection's own store reader, opened on first use.
    private func answer(_ action: RequestRouter.Action, reader: inout StoreReader?) -> Message {
        do {
            if reader == nil {
                reader = try StoreReader(path: context.configuration.databasePath, catalogs: context.catalogs)
            }
            switch action {
            case .query(let query):
                return .queryReply(QueryReply(series: try reader!.query(
                    user: query.user, domain: query.domain, codes: query.codes, granularity: query.granularity,
                    from: query.from, to: query.to, byMeal: query.byMeal)))
            case .latest(let latest):
                return .latestReply(LatestReply(
                    values: try reader!.latest(user: latest.user, domain: latest.domain, codes: latest.codes)))
            case .verify(let verify):
                return .verifyReply(VerifyReply(mismatches: try reader!.verify(user: verify.user)))
            default:
                var counters = try reader!.status()
                for (name, value) in context.counters.snapshot() {
                    counters.append(StatusCounter(name: name, value: value))
                }
                counters.append(
                    StatusCounter(name: "server.writer.queued_requests", value: Int64(context.writer.queuedRequests)))
                return .statusReply(StatusReply(counters: counters))
            }
        } catch {
            return .error(context.errorReply(for: error, connection: id))
        }
    }

    /// Hands a submit to the writer; blocks while this connection has the maximum number of submits in flight.
    private func hand(_ submit: Submit, requestId: UInt32) {
        let queued = submit.mode == .queued || (submit.mode == .serverDefault && context.configuration.queuedByDefault)
        let batch: SubmissionBatch
        switch submit.records {
        case .vitals(let records): batch = .vitals(VitalBatch(user: submit.user, records: records, queued: queued))
        case .nutrition(let records):
            batch = .nutrition(NutritionBatch(user: submit.user, records: records, queued: queued))
        case .labs(let records): batch = .labs(LabBatch(user: submit.user, records: records, queued: queued))
        }
        inFlight.wait()
        let accepted = context.writer.enqueue(batch) { [self] result in
            switch result {
            case .success(let outcome):
                send(.submitReply(SubmitReply(
                    accepted: outcome.accepted, updated: outcome.updated, unchanged: outcome.unchanged,
                    pending: outcome.pending, failures: outcome.failures)), requestId: requestId)
            case .failure(let error):
                send(.error(context.errorReply(for: error, connection: id)), requestId: requestId)
            }
            inFlight.signal()
        }
        if !accepted {
            inFlight.signal()
            send(.error(ErrorReply(code: .unavailable, message: "the server is shutting down; submit again later")),
                requestId: requestId)
        }
    }

    /// Hands a trigger to the writer, which owns the job table; the reply follows its commit.
    private func hand(_ trigger: Trigger, requestId: UInt32) {
        inFlight.wait()
        let accepted = context.writer.enqueue(trigger) { [self] result in
            switch result {
            case .success(let (state, depth)):
                send(.triggerReply(TriggerReply(
                    jobId: state.jobId, priority: Int32(clamping: state.priority),
                    work: TriggerWork(rawValue: UInt8(truncatingIfNeeded: state.work.rawValue)),
                    queueDepth: UInt64(max(depth, 0)))), requestId: requestId)
            case .failure(let error):
                send(.error(context.errorReply(for: error, connection: id)), requestId: requestId)
            }
            inFlight.signal()
        }
        if !accepted {
            inFlight.signal()
            send(.error(ErrorReply(code: .unavailable, message: "the server is shutting down; trigger again later")),
                requestId: requestId)
        }
    }

    /// Encodes and sends one reply; after the peer is gone, replies are dropped.
    func send(_ message: Message, requestId: UInt32) {
        let bytes = MessageCodec.encodeFrame(message, requestId: requestId, compressAbove: context.compressAbove)
        writeLock.lock()
        defer { writeLock.unlock() }
        guard !peerGone else { return }
        do {
            try Socket.sendAll(fd, bytes)
        } catch {
            peerGone = true
            context.logger.debug("connection write failed", ["conn.id": id, "error": error])
        }
    }

    /// Waits until every submit in flight has its reply, then closes the descriptor.
    private func finish() {
        for _ in 0..<maxInFlight { inFlight.wait() }
        for _ in 0..<maxInFlight { inFlight.signal() }
        close(fd)
    }
}
