// The single writer: one thread owns the store's write connection and commits the submits of every connection
// together (group commit). A submitter's completion runs only after the transaction holding its rows commits.
//
// Workload: many connections each with a few pipelined submits of hundreds to thousands of records. The writer
// takes everything queued (up to a record cap) into one transaction, so under load each commit's fsync is shared
// by many submits, and while idle it sleeps on a condition variable.

import Foundation
import HealthDomain
import HealthStore

final class WriteCoordinator: @unchecked Sendable {
    typealias Completion = @Sendable (Result<SubmitOutcome, Error>) -> Void

    private struct Item {
        let batch: VitalBatch
        let completion: Completion
    }

    /// The most records one transaction takes; more stay queued for the next one.
    let maxRecordsPerTransaction: Int
    private let logger: Logger
    private let counters: ServerCounters
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// Opens the store on the writer thread and starts it; throws what opening the store threw.
    init(path: String, catalog: VitalsCatalog, options: StoreOptions, logger: Logger, counters: ServerCounters,
        maxRecordsPerTransaction: Int = 100_000) throws {
        self.logger = logger
        self.counters = counters
        self.maxRecordsPerTransaction = maxRecordsPerTransaction

        let opened = OpenResult()
        let thread = Thread { [self] in
            let writer: StoreWriter
            do {
                writer = try StoreWriter(path: path, catalog: catalog, options: options)
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

    /// Queues a batch; false when the writer is stopping, in which case `completion` is never called.
    func enqueue(_ batch: VitalBatch, completion: @escaping Completion) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        queue.append(Item(batch: batch, completion: completion))
        condition.signal()
        return true
    }

    /// Number of submits waiting for the writer.
    var queuedSubmits: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// Stops taking submits, commits everything already queued, closes the store and returns when done.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        finished.wait()
    }

    private func run(_ writer: StoreWriter) {
        while let items = takeNextGroup() {
            commit(items, with: writer)
        }
        writer.close()
        finished.signal()
    }

    /// Waits for work; returns the next group of submits, or nil once stopping with nothing left.
    private func takeNextGroup() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping {
            condition.wait()
        }
        guard !queue.isEmpty else { return nil }

        var records = 0
        var taken = 0
        while taken < queue.count && (taken == 0 || records + queue[taken].batch.records.count <= maxRecordsPerTransaction) {
            records += queue[taken].batch.records.count
            taken += 1
        }
        let group = Array(queue[..<taken])
        queue.removeFirst(taken)
        return group
    }

    private func commit(_ items: [Item], with writer: StoreWriter) {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let outcomes = try writer.applyVitals(items.map(\.batch))
            let elapsedMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            counters.recordCommit(submits: items.count, records: items.reduce(0) { $0 + $1.batch.records.count })
            logger.trace("committed", ["tx.submits": items.count, "db.ms": elapsedMs])
            for (item, outcome) in zip(items, outcomes) {
                item.completion(.success(outcome))
            }
        } catch {
            guard items.count > 1 else {
                logger.error("write transaction failed", ["error": error, "tx.submits": 1])
                items[0].completion(.failure(error))
                return
            }
            // Commit the submits one by one, so one submit that breaks the transaction fails alone.
            logger.warning("group commit failed, retrying submits one by one", ["error": error, "tx.submits": items.count])
            for item in items {
                commit([item], with: writer)
            }
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
