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

/// Store options fixed when the database is opened.
public struct StoreOptions: Sendable {
    /// When false the writer stores raw and categorized rows but maintains no rollups (the benchmark's ceiling).
    public var rollupsEnabled: Bool = true

    public init(rollupsEnabled: Bool = true) {
        self.rollupsEnabled = rollupsEnabled
    }
}
