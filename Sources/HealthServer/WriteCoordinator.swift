// The single writer: one thread owns the store's write connection. It commits the submits of every connection
// together (group commit), runs triggers, and works through the job queue when no submit is waiting.
//
// Workload: many connections each with a few pipelined submits of hundreds to thousands of records. The writer
// takes everything queued (up to a record cap) into one transaction, so under load each commit's fsync is shared
// by many submits. A submitter's completion runs only after the transaction holding its rows commits. Queued jobs
// run one step (one transaction of at most `maxRowsPerJobStep` rows) at a time between groups of submits, so a
// submit waits behind at most one step, never a whole job.
// With no submit and no job, the thread sleeps on a condition variable: no polling.

import Foundation
import HealthDomain
import HealthStore
import HealthWire

final class WriteCoordinator: @unchecked Sendable {
    typealias SubmitCompletion = @Sendable (Result<SubmitOutcome, Error>) -> Void
    /// The job after the trigger, and the number of jobs queued across domains.
    typealias TriggerCompletion = @Sendable (Result<(JobState, Int), Error>) -> Void

    private enum Item {
        case submit(SubmissionBatch, SubmitCompletion)
        case trigger(Trigger, TriggerCompletion)

        var recordCount: Int {
            if case .submit(let batch, _) = self { return batch.recordCount }
            return 0
        }

        /// Whether serving the item may add or change a queued job: a trigger or a queued submit.
        var mayQueueJob: Bool {
            switch self {
            case .submit(let batch, _): return batch.isQueued
            case .trigger: return true
            }
        }
    }

    /// Maximum records in one transaction; more stay queued for the next one.
    let maxRecordsPerTransaction: Int
    /// Maximum pending rows that one step of a queued job processes in its transaction.
    let maxRowsPerJobStep: Int
    private let logger: Logger
    private let counters: ServerCounters
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var stopping = false
    /// False once the job queue was found empty; set again by anything that may enqueue a job.
    private var jobsMayBeQueued = true
    private let finished = DispatchSemaphore(value: 0)

    /// Opens the store on the writer thread and starts it; throws what opening the store threw.
    init(path: String, catalogs: StoreCatalogs, options: StoreOptions, logger: Logger, counters: ServerCounters,
        maxRecordsPerTransaction: Int = 100_000, maxRowsPerJobStep: Int = 10_000) throws {
        self.logger = logger
        self.counters = counters
        self.maxRecordsPerTransaction = maxRecordsPerTransaction
        self.maxRowsPerJobStep = maxRowsPerJobStep

        let opened = OpenResult()
        let thread = Thread { [self] in
            let writer: StoreWriter
            do {
                writer = try StoreWriter(path: path, catalogs: catalogs, options: options)
            } catch {
                opened.set(.failure(error))
                finished.signal()
                return
            }
            opened.set(.success(writer.appliedMigrations.map { "\($0.id)_\($0.name)" }))
            run(writer)
        }
        thread.name = "healthd-writer"
        thread.start()
        for migration in try opened.wait().get() {
            logger.info("applied migration", ["migration": migration])
        }
    }

    /// Queues a submit; false when the writer is stopping, in which case `completion` is never called.
    func enqueue(_ batch: SubmissionBatch, completion: @escaping SubmitCompletion) -> Bool {
        enqueue(.submit(batch, completion))
    }

    /// Queues a trigger; false when the writer is stopping, in which case `completion` is never called.
    func enqueue(_ trigger: Trigger, completion: @escaping TriggerCompletion) -> Bool {
        enqueue(.trigger(trigger, completion))
    }

    private func enqueue(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        queue.append(item)
        condition.signal()
        return true
    }

    /// Number of submits and triggers waiting for the writer.
    var queuedRequests: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// Stops taking requests, commits everything already queued, closes the store and returns when done.
    /// Queued jobs stay in the store's job table and resume at the next start.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        finished.wait()
    }

    private func run(_ writer: StoreWriter) {
        while let items = takeNextGroup() {
            if items.isEmpty {
                runJobStep(with: writer)
            } else {
                serve(items, with: writer)
            }
        }
        writer.close()
        finished.signal()
    }

    /// Waits for work. Returns the next group of requests, an empty group when only a job step is due, or nil once
    /// stopping with no request left.
    private func takeNextGroup() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping && !jobsMayBeQueued {
            condition.wait()
        }
        if queue.isEmpty {
            return stopping ? nil : []
        }

        var records = 0
        var taken = 0
        while taken < queue.count && (taken == 0 || records + queue[taken].recordCount <= maxRecordsPerTransaction) {
            records += queue[taken].recordCount
            taken += 1
        }
        let group = Array(queue[..<taken])
        queue.removeFirst(taken)
        // Inline submits add no job, so a group of them costs no look at the job queue afterwards.
        if group.contains(where: \.mayQueueJob) { jobsMayBeQueued = true }
        return group
    }

    private func serve(_ items: [Item], with writer: StoreWriter) {
        var submits: [(SubmissionBatch, SubmitCompletion)] = []
        for item in items {
            switch item {
            case .submit(let batch, let completion):
                submits.append((batch, completion))
            case .trigger(let trigger, let completion):
                // Triggers are rare: run them in order, after the submits queued before them.
                commit(submits, with: writer)
                submits.removeAll()
                completion(runTrigger(trigger, with: writer))
            }
        }
        commit(submits, with: writer)
    }

    private func runTrigger(_ trigger: Trigger, with writer: StoreWriter) -> Result<(JobState, Int), Error> {
        Result {
            let state = try writer.trigger(
                user: trigger.user, domain: trigger.domain, priority: Int(trigger.priority),
                work: JobWork(rawValue: Int(trigger.work.rawValue)))
            return (state, try writer.queuedJobCount())
        }
    }

    private func commit(_ submits: [(SubmissionBatch, SubmitCompletion)], with writer: StoreWriter) {
        guard !submits.isEmpty else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let outcomes = try writer.apply(submits.map(\.0))
            let elapsedMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            counters.recordCommit(submits: submits.count, records: submits.reduce(0) { $0 + $1.0.recordCount })
            logger.trace("committed", ["tx.submits": submits.count, "db.ms": elapsedMs])
            for ((_, completion), outcome) in zip(submits, outcomes) {
                completion(.success(outcome))
            }
        } catch {
            guard submits.count > 1 else {
                logger.error("write transaction failed", ["error": error, "tx.submits": 1])
                submits[0].1(.failure(error))
                return
            }
            // Commit the submits one by one, so one submit that breaks the transaction fails alone.
            logger.warning("group commit failed, retrying submits one by one", ["error": error, "tx.submits": submits.count])
            for submit in submits {
                commit([submit], with: writer)
            }
        }
    }

    /// Runs one step of the highest-priority job, or notes that the queue is empty so the thread may sleep.
    private func runJobStep(with writer: StoreWriter) {
        do {
            guard let state = try writer.processNextJob(maxRows: maxRowsPerJobStep) else {
                condition.lock()
                // A request that arrived meanwhile set the flag again; only an idle queue may clear it.
                if queue.isEmpty { jobsMayBeQueued = false }
                condition.unlock()
                return
            }
            counters.recordJobStep(rows: state.rowsProcessed, finished: state.finished)
            logger.debug(
                "job step", ["job.id": state.jobId, "job.domain": state.domain, "rows": state.rowsProcessed,
                "job.finished": state.finished])
        } catch {
            // A failing job would fail again at once; stop working the queue until a trigger or queued submit arrives.
            logger.error("job step failed; the job stays queued", ["error": error])
            condition.lock()
            jobsMayBeQueued = false
            condition.unlock()
        }
    }
}

/// A one-shot handoff of the writer thread's open result to the thread that started it.
private final class OpenResult: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var result: Result<[String], Error>?

    func set(_ value: Result<[String], Error>) {
        result = value
        semaphore.signal()
    }

    func wait() -> Result<[String], Error> {
        semaphore.wait()
        return result!
    }
}
