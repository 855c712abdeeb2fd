// The write side of the store: stores submitted vitals as raw rows, categorizes them with the catalog and keeps
// the rollups current, all in one transaction per call. The expected workload is a server's writer thread
// calling `applyVitals` with every batch that arrived since its last commit (group commit), from a few records
// to an import of many thousands.

import Foundation
import HealthDomain
import HealthSchema

/// The one writer of a store database. Confine it to one thread: its connection and statements are not
/// thread-safe.
public final class StoreWriter {
    /// The migrations this open applied, in order; empty when the schema was already current.
    public private(set) var appliedMigrations: [Migration]

    let connection: Connection
    private let catalog: VitalsCatalog
    private let options: StoreOptions
    /// The kind of every metric in the metrics table, including metrics the current catalog dropped.
    private let kindOfMetric: [Int: MetricKind]
    let users: UserDirectory
    private let raw: VitalsRawStatements
    private let rollups: VitalsRollupUpdater
    /// Set only in the `.recompute` rollup mode.
    private let recompute: RecomputeRollups?
    let nutrition: NutritionWriter
    let labs: LabWriter
    let jobs: JobQueue
    let pendingVitals: PendingVitalsStatements

    /// Opens or creates the database at `path`, applies pending migrations and copies the catalogs' metrics,
    /// nutrients and lab tests into their tables. Throws StoreError when the file cannot be opened or a
    /// migration fails.
    public init(path: String, catalogs: StoreCatalogs, options: StoreOptions = .init()) throws {
        connection = try Connection(path: path, mode: .writer)
        self.catalog = catalogs.vitals
        self.options = options
        appliedMigrations = try MigrationRunner.apply(
            HealthSchema.migrations, to: connection, nowMs: StoreWriter.currentTimeMs())
        try StoreWriter.syncMetrics(from: catalogs.vitals, into: connection)
        kindOfMetric = try StoreWriter.loadMetricKinds(connection)
        users = try UserDirectory(connection: connection)
        raw = try VitalsRawStatements(connection: connection)
        rollups = try VitalsRollupUpdater(connection: connection, kindOfMetric: kindOfMetric)
        recompute = options.rollupMode == .recompute
            ? try RecomputeRollups(connection: connection, kindOfMetric: kindOfMetric) : nil
        nutrition = try NutritionWriter(
            connection: connection, catalog: catalogs.nutrients, maintainsRollups: options.rollupsEnabled)
        labs = try LabWriter(connection: connection, catalog: catalogs.labs, maintainsRollups: options.rollupsEnabled)
        jobs = try JobQueue(connection: connection)
        pendingVitals = try PendingVitalsStatements(connection: connection)
    }

    /// Closes the database. Later calls throw StoreError with code `.closed`.
    public func close() {
        connection.close()
    }

    // MARK: - Submits

    /// Stores the batches in one transaction and returns one outcome per batch, in input order.
    ///
    /// Work runs sorted by user name, so each user's rows stay together in the transaction. Per record:
    /// - a record whose (source, sourceRecordId) is already stored for the user is `unchanged` when its
    ///   content is identical or its version is lower. Otherwise it replaces the stored row, and the old
    ///   sample leaves the rollups;
    /// - times must lie in the years 1900 to 2200 with end >= start, the UTC offset may be at most 1023
    ///   minutes either way (the most an hour bucket key holds), and a cumulative sample may span at most
    ///   7 days;
    /// - records that fail a check or the catalog stay in raw with status failed and are reported in
    ///   `failures`; nothing submitted is dropped.
    /// Inline batches are categorized and rolled up in the same transaction. Queued batches are stored as
    /// pending, after the time checks only, and add a processing job for the user.
    ///
    /// Throws StoreError when SQLite fails; the whole transaction is then rolled back and no batch is stored.
    public func applyVitals(_ batches: [VitalBatch]) throws -> [SubmitOutcome] {
        let nowMs = StoreWriter.currentTimeMs()
        let order = batches.indices.sorted { left, right in
            batches[left].user != batches[right].user ? batches[left].user < batches[right].user : left < right
        }

        var outcomes = [SubmitOutcome](repeating: SubmitOutcome(), count: batches.count)
        do {
            try connection.writeTransaction {
                for index in order {
                    outcomes[index] = try apply(batches[index], nowMs: nowMs)
                }
                if options.rollupMode == .incremental {
                    try rollups.flush()
                }
                try recompute?.flush()
            }
        } catch {
            rollups.discard()
            recompute?.discard()
            users.forgetAll()
            throw error
        }
        return outcomes
    }

    /// Sets the IANA time zone (such as `Europe/Berlin`) that supplies offsets for the user's records sent
    /// without one, and creates the user when missing. Nil clears it, so such records use UTC. Samples already
    /// stored keep their offsets. Throws `.invalidArgument` for an unknown identifier.
    public func setTimeZone(user: String, identifier: String?) throws {
        let nowMs = StoreWriter.currentTimeMs()
        do {
            try connection.writeTransaction {
                try users.setTimeZone(identifier, for: user, connection: connection, nowMs: nowMs)
            }
        } catch {
            users.forgetAll()
            throw error
        }
    }

    func apply(_ batch: VitalBatch, nowMs: Int64) throws -> SubmitOutcome {
        let user = try users.resolve(batch.user, connection: connection, nowMs: nowMs)
        var outcome = SubmitOutcome()
        for (index, record) in batch.records.enumerated() {
            try apply(record, index: UInt32(index), user: user, queued: batch.queued, nowMs: nowMs, outcome: &outcome)
        }
        // The recompute mode stands for a worker that re-aggregates after every submitted batch.
        try recompute?.flush()
        if batch.queued && outcome.pending > 0 {
            // processNextJob categorizes the pending rows later.
            try raw.enqueueProcessingJob(userId: user.id, nowMs: nowMs)
        }
        return outcome
    }

    private func apply(
        _ record: VitalRecord, index: UInt32, user: UserEntry, queued: Bool, nowMs: Int64,
        outcome: inout SubmitOutcome
    ) throws {
        let offsetMinutes = record.offsetMinutes ?? user.offsetMinutes(at: record.startMs)
        let evaluation = evaluate(record, userId: user.id, offsetMinutes: offsetMinutes, queued: queued)

        // Insert first: a new record, the common case, then costs one probe of the idempotency index instead of
        // a lookup and an insert. Only when the key is already stored is the stored row read and compared.
        var stored: StoredRawRecord?
        let rawId: Int64
        if let insertedId = try raw.insertUnlessStored(
            record, userId: user.id, status: evaluation.status, error: evaluation.failureReason, nowMs: nowMs)
        {
            rawId = insertedId
        } else {
            guard let sourceRecordId = record.sourceRecordId,
                let existing = try raw.find(userId: user.id, source: record.source, sourceRecordId: sourceRecordId)
            else {
                preconditionFailure("a raw insert was skipped, but no row has the record's idempotency key")
            }
            if existing.version > record.version || existing.hasSameContent(as: record) {
                outcome.unchanged += 1
                return
            }
            stored = existing
            rawId = existing.id
            try raw.update(
                id: rawId, with: record, status: evaluation.status, error: evaluation.failureReason, nowMs: nowMs)
            if existing.status == .aggregated {
                try removeCategorized(rawId: rawId, userId: user.id)
            }
        }

        switch evaluation {
        case .failed(let reason):
            outcome.failures.append(RecordFailure(index: index, reason: reason))
        case .pending:
            outcome.pending += 1
        case .categorized(let sample):
            try raw.insertCategorized(sample, rawId: rawId)
            if options.rollupMode == .incremental {
                rollups.add(sample, isReplacement: stored != nil)
            }
            recompute?.touch(sample)
            if stored != nil {
                outcome.updated += 1
            } else {
                outcome.accepted += 1
            }
        }
    }

    /// Stores the categorized sample of a pending raw row that a queue job categorized, and reports it to the
    /// rollups as the inline path does. `isReplacement` as in VitalsRollupUpdater.add.
    func storeQueuedSample(_ sample: CategorizedSample, rawId: Int64, isReplacement: Bool) throws {
        try raw.insertCategorized(sample, rawId: rawId)
        if options.rollupMode == .incremental {
            rollups.add(sample, isReplacement: isReplacement)
        }
        recompute?.touch(sample)
    }

    /// Writes the pending vitals rollup changes. Must run inside the transaction that made them.
    func flushVitalsRollups() throws {
        if options.rollupMode == .incremental {
            try rollups.flush()
        }
        try recompute?.flush()
    }

    /// Drops the pending vitals rollup changes and the cached users, after a rollback.
    func discardVitalsChanges() {
        rollups.discard()
        recompute?.discard()
        users.forgetAll()
    }

    private func removeCategorized(rawId: Int64, userId: Int64) throws {
        let removed = try raw.removeCategorized(rawId: rawId, userId: userId, kindOfMetric: kindOfMetric)
        if let removed, options.rollupMode == .incremental {
            rollups.retract(removed)
        }
        if let removed {
            recompute?.touch(removed)
        }
    }

    // MARK: - Categorizing

    enum Evaluation {
        case failed(String)
        case pending
        case categorized(CategorizedSample)

        var status: RawStatus {
            switch self {
            case .failed: return .failed
            case .pending: return .pending
            case .categorized: return .aggregated
            }
        }

        var failureReason: String? {
            if case .failed(let reason) = self { return reason }
            return nil
        }
    }

    /// Checks a record and, unless it is queued, maps it onto the catalog.
    func evaluate(_ record: VitalRecord, userId: Int64, offsetMinutes: Int, queued: Bool) -> Evaluation {
        if let reason = VitalsRules.timeFailure(
            startMs: record.startMs, endMs: record.endMs, offsetMinutes: offsetMinutes)
        {
            return .failed(reason)
        }
        guard record.value.isFinite else {
            return .failed("value is not a finite number")
        }
        if queued {
            return .pending
        }

        switch catalog.categorize(name: record.metric, value: record.value, unit: record.unit) {
        case .rejected(let reason):
            return .failed(reason)
        case .accepted(let metricId, let value):
            guard let kind = kindOfMetric[metricId] else {
                preconditionFailure("the catalog accepted metric id \(metricId), which the metrics table lacks")
            }
            if let reason = VitalsRules.spanFailure(kind: kind, startMs: record.startMs, endMs: record.endMs) {
                return .failed(reason)
            }
            guard value.isFinite else {
                return .failed("value is not a finite number after conversion to the metric's unit")
            }
            return .categorized(
                CategorizedSample(
                    userId: userId, metricId: metricId, kind: kind, value: value, startMs: record.startMs,
                    endMs: record.endMs, offsetMinutes: offsetMinutes))
        }
    }

    // MARK: - Opening

    /// Upserts every catalog metric into the metrics table by id. Rows of metrics the catalog no longer has
    /// stay, because stored rows may refer to them.
    private static func syncMetrics(from catalog: VitalsCatalog, into connection: Connection) throws {
        let upsert = try connection.prepare(
            """
            INSERT INTO metrics (id, short_name, loinc, unit, kind) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (id) DO UPDATE SET
                short_name = excluded.short_name, loinc = excluded.loinc, unit = excluded.unit, kind = excluded.kind
            """, persistent: false)
        try connection.writeTransaction {
            for metric in catalog.metrics {
                try upsert.bind(1, metric.id)
                try upsert.bind(2, metric.shortName)
                try upsert.bind(3, metric.loinc)
                try upsert.bind(4, metric.unit)
                try upsert.bind(5, metric.kind.rawValue)
                try upsert.run()
            }
        }
    }

    private static func loadMetricKinds(_ connection: Connection) throws -> [Int: MetricKind] {
        let select = try connection.prepare("SELECT id, kind FROM metrics", persistent: false)
        defer { select.reset() }
        var kinds: [Int: MetricKind] = [:]
        while try select.step() {
            kinds[select.int(0)] = MetricKind(rawValue: select.text(1))
        }
        return kinds
    }

    static func currentTimeMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
