// The messages of the wire protocol as Swift values. Their byte layouts are in schema/PROTOCOL.md;
// MessageCodec encodes and decodes them.

import HealthDomain

/// The 2-byte message type of a frame. Replies have the high bit set, and Error may reply to any request.
public enum MessageType: UInt16, Sendable, CaseIterable {
    case hello = 0x0001
    case submit = 0x0002
    case query = 0x0003
    case latest = 0x0004
    case status = 0x0005
    case trigger = 0x0006
    case verify = 0x0007

    case helloReply = 0x8001
    case submitReply = 0x8002
    case queryReply = 0x8003
    case latestReply = 0x8004
    case statusReply = 0x8005
    case triggerReply = 0x8006
    case verifyReply = 0x8007

    case error = 0xFFFF
}

/// The first request on every connection.
public struct Hello: Sendable, Equatable {
    public var protocolVersion: UInt32
    public var clientName: String
    public var token: String

    public init(protocolVersion: UInt32 = WireProtocol.version, clientName: String, token: String = "") {
        self.protocolVersion = protocolVersion
        self.clientName = clientName
        self.token = token
    }
}

public struct HelloReply: Sendable, Equatable {
    public var protocolVersion: UInt32
    public var serverName: String
    /// The largest frame the server accepts, in bytes (length field value).
    public var maxFrameBytes: UInt32

    public init(protocolVersion: UInt32, serverName: String, maxFrameBytes: UInt32) {
        self.protocolVersion = protocolVersion
        self.serverName = serverName
        self.maxFrameBytes = maxFrameBytes
    }
}

/// Whether a submit is categorized and rolled up in its own transaction or left for the queue worker.
public enum ProcessingMode: UInt8, Sendable {
    /// Use the server's configured default.
    case serverDefault = 0
    case inline = 1
    case queued = 2
}

/// The records of one submit; one case per domain.
public enum SubmitRecords: Sendable, Equatable {
    case vitals([VitalRecord])
    case nutrition([NutritionRecord])
    case labs([LabRecord])

    public var domain: HealthDataDomain {
        switch self {
        case .vitals: return .vitals
        case .nutrition: return .nutrition
        case .labs: return .labs
        }
    }

    public var count: Int {
        switch self {
        case .vitals(let records): return records.count
        case .nutrition(let records): return records.count
        case .labs(let records): return records.count
        }
    }
}

public struct Submit: Sendable, Equatable {
    /// The user's external name; created on first submit.
    public var user: String
    public var mode: ProcessingMode
    public var records: SubmitRecords

    public init(user: String, mode: ProcessingMode = .serverDefault, records: SubmitRecords) {
        self.user = user
        self.mode = mode
        self.records = records
    }
}

public struct SubmitReply: Sendable, Equatable {
    /// New records, categorized and rolled up (inline) or stored.
    public var accepted: UInt64
    /// Records that replaced an earlier version of the same source record.
    public var updated: UInt64
    /// Records identical to one already stored (a re-import); nothing changed.
    public var unchanged: UInt64
    /// Records stored as pending for the queue worker (queued mode).
    public var pending: UInt64
    /// Records kept in raw as failed, with reasons.
    public var failures: [RecordFailure]

    public init(accepted: UInt64, updated: UInt64, unchanged: UInt64, pending: UInt64, failures: [RecordFailure]) {
        self.accepted = accepted
        self.updated = updated
        self.unchanged = unchanged
        self.pending = pending
        self.failures = failures
    }
}

public struct Query: Sendable, Equatable {
    public var user: String
    public var domain: HealthDataDomain
    /// Metric names or LOINC codes, resolved by the server's catalog.
    public var codes: [String]
    public var granularity: Granularity
    /// First local date, inclusive.
    public var from: CivilDate
    /// Last local date, inclusive.
    public var to: CivilDate
    /// Nutrition by day only: one series per (nutrient, meal) instead of one per nutrient.
    public var byMeal: Bool

    public init(
        user: String, domain: HealthDataDomain = .vitals, codes: [String], granularity: Granularity, from: CivilDate,
        to: CivilDate, byMeal: Bool = false
    ) {
        self.user = user
        self.domain = domain
        self.codes = codes
        self.granularity = granularity
        self.from = from
        self.to = to
        self.byMeal = byMeal
    }
}

public struct QueryReply: Sendable, Equatable {
    public var series: [RollupSeries]

    public init(series: [RollupSeries]) {
        self.series = series
    }
}

public struct Latest: Sendable, Equatable {
    public var user: String
    public var domain: HealthDataDomain
    /// Metric names or LOINC codes; empty asks for every metric the user has.
    public var codes: [String]

    public init(user: String, domain: HealthDataDomain = .vitals, codes: [String] = []) {
        self.user = user
        self.domain = domain
        self.codes = codes
    }
}

public struct LatestReply: Sendable, Equatable {
    public var values: [LatestValue]

    public init(values: [LatestValue]) {
        self.values = values
    }
}

public struct Status: Sendable, Equatable {
    public init() {}
}

/// Named server counters, such as `vitals.raw.failed` or `server.connections`.
public struct StatusReply: Sendable, Equatable {
    public var counters: [StatusCounter]

    public init(counters: [StatusCounter]) {
        self.counters = counters
    }
}

/// The work of a triggered job, any combination of the options.
public struct TriggerWork: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Categorize and roll up the pending raw rows.
    public static let pending = TriggerWork(rawValue: 1)
    /// Categorize again the raw rows that failed, after the catalog grew.
    public static let retryFailed = TriggerWork(rawValue: 2)
    /// Rebuild the user's categorized rows and rollups of the domain from raw.
    public static let rebuild = TriggerWork(rawValue: 4)
    public static let all: TriggerWork = [.pending, .retryFailed, .rebuild]
}

/// Enqueues processing for one (user, domain); an existing job of the pair gets the higher priority and the union
/// of the work.
public struct Trigger: Sendable, Equatable {
    public var user: String
    public var domain: HealthDataDomain
    /// Higher runs first; jobs of equal priority run in the order they were queued.
    public var priority: Int32
    public var work: TriggerWork

    public init(user: String, domain: HealthDataDomain, priority: Int32 = 0, work: TriggerWork = .pending) {
        self.user = user
        self.domain = domain
        self.priority = priority
        self.work = work
    }
}

public struct TriggerReply: Sendable, Equatable {
    public var jobId: Int64
    /// The job's priority after this trigger.
    public var priority: Int32
    /// The job's work after this trigger.
    public var work: TriggerWork
    /// Jobs waiting in the queue, this one included.
    public var queueDepth: UInt64

    public init(jobId: Int64, priority: Int32, work: TriggerWork, queueDepth: UInt64) {
        self.jobId = jobId
        self.priority = priority
        self.work = work
        self.queueDepth = queueDepth
    }
}

/// Asks the server to recompute every rollup of one user, or of all users, and compare.
public struct Verify: Sendable, Equatable {
    /// Nil checks every user.
    public var user: String?

    public init(user: String? = nil) {
        self.user = user
    }
}

public struct VerifyReply: Sendable, Equatable {
    /// One line per rollup row that differs from the recompute; empty when every row matches.
    public var mismatches: [String]

    public init(mismatches: [String]) {
        self.mismatches = mismatches
    }
}

/// Stable numeric error codes of the Error message.
public enum ErrorCode: UInt16, Sendable, CaseIterable {
    /// The frame header is invalid; the server closes the connection after this reply.
    case malformedFrame = 1
    /// The frame's length field is above the limit; the server closes the connection after this reply.
    case frameTooLarge = 2
    case unsupportedVersion = 3
    case unknownMessageType = 4
    /// The payload does not decode as the message its type names.
    case malformedPayload = 5
    /// The compressed payload is corrupt or decompresses above the limit.
    case decompressionFailed = 6
    /// The first request on a connection must be Hello.
    case helloRequired = 7
    case invalidArgument = 8
    /// A metric, nutrient or test name the catalog does not know.
    case unknownCode = 9
    case unknownUser = 10
    case unauthorized = 11
    /// The server is shutting down or over its limits; retry later.
    case unavailable = 12
    case internalError = 13
}

public struct ErrorReply: Sendable, Equatable, Error {
    /// The numeric code; unknown codes from a newer server decode as `internalError` with `rawCode` kept.
    public var rawCode: UInt16
    public var message: String
    /// Index of the failing record in a submit, or nil.
    public var recordIndex: UInt32?

    public init(code: ErrorCode, message: String, recordIndex: UInt32? = nil) {
        self.rawCode = code.rawValue
        self.message = message
        self.recordIndex = recordIndex
    }

    public init(rawCode: UInt16, message: String, recordIndex: UInt32?) {
        self.rawCode = rawCode
        self.message = message
        self.recordIndex = recordIndex
    }

    public var code: ErrorCode { ErrorCode(rawValue: rawCode) ?? .internalError }
}

/// Any message, as decoded from a frame.
public enum Message: Sendable, Equatable {
    case hello(Hello)
    case helloReply(HelloReply)
    case submit(Submit)
    case submitReply(SubmitReply)
    case query(Query)
    case queryReply(QueryReply)
    case latest(Latest)
    case latestReply(LatestReply)
    case status(Status)
    case statusReply(StatusReply)
    case trigger(Trigger)
    case triggerReply(TriggerReply)
    case verify(Verify)
    case verifyReply(VerifyReply)
    case error(ErrorReply)

    public var type: MessageType {
        switch self {
        case .hello: return .hello
        case .helloReply: return .helloReply
        case .submit: return .submit
        case .submitReply: return .submitReply
        case .query: return .query
        case .queryReply: return .queryReply
        case .latest: return .latest
        case .latestReply: return .latestReply
        case .status: return .status
        case .statusReply: return .statusReply
        case .trigger: return .trigger
        case .triggerReply: return .triggerReply
        case .verify: return .verify
        case .verifyReply: return .verifyReply
        case .error: return .error
        }
    }
}

public enum WireProtocol {
    /// The protocol version byte of every frame and the version Hello announces.
    public static let version: UInt32 = 1
}
