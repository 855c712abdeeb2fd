// Submits of every domain in one transaction (group commit): vitals through the vitals path, nutrition entries
// and lab results through their own writers. Also the writer's initializer for callers that have only a vitals
// catalog.

import HealthDomain

extension StoreWriter {
    /// Opens the database with `catalog` for vitals and the nutrient and lab catalogs embedded from schema/.
    /// Throws as `init(path:catalogs:options:)` and `StoreCatalogs(vitals:)` do.
    public convenience init(path: String, catalog: VitalsCatalog, options: StoreOptions = .init()) throws {
        try self.init(path: path, catalogs: try StoreCatalogs(vitals: catalog), options: options)
    }

    /// Stores batches of any domains in one transaction and returns one outcome per batch, in input order.
    ///
    /// Work runs sorted by user name (then input order), so each user's rows stay together in the transaction,
    /// and the rollups are written once at the end, sorted by key. Vitals follow `applyVitals`. For nutrition
    /// and labs, per record:
    /// - a record whose (source, sourceRecordId) is already stored for the user is `unchanged` when its content
    ///   is identical or its version is lower. Otherwise it replaces the stored row, and the old entry or result
    ///   leaves the rollups;
    /// - the time must lie in the years 1900 to 2200 and the UTC offset within ±1023 minutes. A record without
    ///   an offset takes the user's time zone at that instant, and buckets follow the local date;
    /// - a nutrition entry is categorized when at least one nutrient amount is usable. Skipped amounts (unknown
    ///   nutrient, unit not accepted, invalid value, a nutrient listed twice) are named in the raw row's error
    ///   and do not make the record a failure. An entry with no usable amount fails;
    /// - a lab result fails when its test cannot be resolved (the reason names the best candidates) or its unit
    ///   cannot be converted (the reason names the accepted units);
    /// - failed records stay in raw with the reason and are reported in `failures`.
    /// Queued batches are stored as pending after the time checks and add `.pending` work at priority 0 to the
    /// user's job for the domain, in the same transaction.
    ///
    /// Throws StoreError when SQLite fails; the whole transaction is then rolled back and no batch is stored.
    public func apply(_ batches: [SubmissionBatch]) throws -> [SubmitOutcome] {
        let nowMs = StoreWriter.currentTimeMs()
        let order = batches.indices.sorted { left, right in
            let leftUser = batches[left].user
            let rightUser = batches[right].user
            return leftUser != rightUser ? leftUser < rightUser : left < right
        }

        var outcomes = [SubmitOutcome](repeating: SubmitOutcome(), count: batches.count)
        do {
            try connection.writeTransaction {
                for index in order {
                    outcomes[index] = try apply(batches[index], nowMs: nowMs)
                }
                try flushAllRollups()
            }
        } catch {
            discardAllChanges()
            throw error
        }
        return outcomes
    }

    private func apply(_ batch: SubmissionBatch, nowMs: Int64) throws -> SubmitOutcome {
        switch batch {
        case .vitals(let vitals):
            return try apply(vitals, nowMs: nowMs)
        case .nutrition(let entries):
            let user = try users.resolve(entries.user, connection: connection, nowMs: nowMs)
            let outcome = try nutrition.apply(entries, user: user, nowMs: nowMs)
            if entries.queued && outcome.pending > 0 {
                _ = try jobs.enqueue(userId: user.id, domain: .nutrition, priority: 0, work: .pending, nowMs: nowMs)
            }
            return outcome
        case .labs(let results):
            let user = try users.resolve(results.user, connection: connection, nowMs: nowMs)
            let outcome = try labs.apply(results, user: user, nowMs: nowMs)
            if results.queued && outcome.pending > 0 {
                _ = try jobs.enqueue(userId: user.id, domain: .labs, priority: 0, work: .pending, nowMs: nowMs)
            }
            return outcome
        }
    }

    /// Writes the pending rollup changes of every domain. Must run inside the transaction that made them.
    func flushAllRollups() throws {
        try flushVitalsRollups()
        try nutrition.flushRollups()
        try labs.flushRollups()
    }

    /// Drops every pending rollup change and the cached users, after a rollback.
    func discardAllChanges() {
        discardVitalsChanges()
        nutrition.discardRollups()
        labs.discardRollups()
    }
}

extension SubmissionBatch {
    /// The user the batch belongs to.
    var user: String {
        switch self {
        case .vitals(let batch): return batch.user
        case .nutrition(let batch): return batch.user
        case .labs(let batch): return batch.user
        }
    }
}
