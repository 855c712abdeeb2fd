// The store surface for nutrition, labs and the job queue: what the server hands the writer besides vitals.

import HealthDomain

/// One client's nutrition submit as the writer receives it.
public struct NutritionBatch: Sendable {
    public var user: String
    public var records: [NutritionRecord]
    /// Queued batches are stored as pending raw rows and enqueue a job; inline batches are categorized and
    /// rolled up in the same transaction.
    public var queued: Bool

    public init(user: String, records: [NutritionRecord], queued: Bool = false) {
        self.user = user
        self.records = records
        self.queued = queued
    }
}

/// One client's lab-result submit as the writer receives it.
public struct LabBatch: Sendable {
    public var user: String
    public var records: [LabRecord]
    public var queued: Bool

    public init(user: String, records: [LabRecord], queued: Bool = false) {
        self.user = user
        self.records = records
        self.queued = queued
    }
}

/// A submit of any domain; a group commit may mix domains in one transaction.
public enum SubmissionBatch: Sendable {
    case vitals(VitalBatch)
    case nutrition(NutritionBatch)
    case labs(LabBatch)

    public var recordCount: Int {
        switch self {
        case .vitals(let batch): return batch.records.count
        case .nutrition(let batch): return batch.records.count
        case .labs(let batch): return batch.records.count
        }
    }

    /// Whether the batch is stored as pending rows with a job, instead of processed inline.
    public var isQueued: Bool {
        switch self {
        case .vitals(let batch): return batch.queued
        case .nutrition(let batch): return batch.queued
        case .labs(let batch): return batch.queued
        }
    }
}

/// What a queued job does for its (user, domain).
public struct JobWork: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Categorize and roll up the pending raw rows.
    public static let pending = JobWork(rawValue: 1)
    /// Categorize again the raw rows that failed (after the catalog grew).
    public static let retryFailed = JobWork(rawValue: 2)
    /// Drop the user's categorized rows and rollups of the domain and rebuild them from raw.
    public static let rebuild = JobWork(rawValue: 4)
}

/// The state of a job after a trigger or a processing step.
public struct JobState: Sendable, Equatable {
    public var jobId: Int64
    public var user: String
    public var domain: HealthDataDomain
    public var priority: Int
    public var work: JobWork
    /// Rows processed by the step that returned this state (0 for a trigger).
    public var rowsProcessed: Int
    /// True when the job has no work left and was removed from the queue.
    public var finished: Bool

    public init(jobId: Int64, user: String, domain: HealthDataDomain, priority: Int, work: JobWork,
        rowsProcessed: Int, finished: Bool) {
        self.jobId = jobId
        self.user = user
        self.domain = domain
        self.priority = priority
        self.work = work
        self.rowsProcessed = rowsProcessed
        self.finished = finished
    }
}
