// The public surface of the store that the server uses. One StoreWriter owns the write connection and is
// confined to the server's writer thread; each reader thread opens its own StoreReader (WAL lets them read while
// the writer commits).

import HealthDomain

/// One client's submit as the writer receives it.
public struct VitalBatch: Sendable {
    public var user: String
    public var records: [VitalRecord]
    /// Queued batches are stored as pending raw rows and enqueue a job; inline batches are categorized and
    /// rolled up in the same transaction.
    public var queued: Bool

    public init(user: String, records: [VitalRecord], queued: Bool = false) {
        self.user = user
        self.records = records
        self.queued = queued
    }
}

/// The way the writer keeps the vitals rollup tables current.
public enum RollupMode: String, Sendable, CaseIterable {
    /// Each transaction's samples are combined per bucket in memory and applied as deltas (the default).
    case incremental
    /// No rollups: raw and categorized rows only, the benchmark's ceiling.
    case off
    /// After the rows of each submitted batch are stored, every bucket they touch is recomputed from all the
    /// categorized rows in it. This is the periodic re-aggregation that incremental rollups replace, kept for the
    /// benchmark. Queued rows are recomputed after each processing step.
    case recompute
}

/// Store options fixed when the database is opened.
public struct StoreOptions: Sendable {
    public var rollupMode: RollupMode = .incremental

    /// False when the writer maintains no rollups (`rollupMode == .off`). Setting true selects `.incremental`.
    public var rollupsEnabled: Bool {
        get { rollupMode != .off }
        set { rollupMode = newValue ? .incremental : .off }
    }

    public init(rollupsEnabled: Bool = true) {
        self.rollupMode = rollupsEnabled ? .incremental : .off
    }

    public init(rollupMode: RollupMode) {
        self.rollupMode = rollupMode
    }
}
