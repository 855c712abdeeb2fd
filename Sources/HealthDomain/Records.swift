// Value types shared by the store, the wire protocol and the clients: submitted records and query results.

/// One vital-sign sample as a client submits it; the server keeps it unchanged in raw.
public struct VitalRecord: Sendable, Equatable {
    /// Short name, LOINC code, HealthKit identifier or another catalog alias.
    public var metric: String
    public var value: Double
    /// The unit as the source spells it, such as `count/min`, `lb` or `mmol<180.1558800000541>/L`.
    public var unit: String
    /// UTC milliseconds.
    public var startMs: Int64
    /// UTC milliseconds; equal to `startMs` for an instant.
    public var endMs: Int64
    /// Minutes east of UTC where the sample was taken; nil lets the server use the user's time zone.
    public var offsetMinutes: Int?
    /// The app or device that wrote the sample; part of the idempotency key.
    public var source: String
    /// The source's own id for the sample. With `source` it makes a resubmit replace instead of add.
    public var sourceRecordId: String?
    /// Higher versions replace lower ones for the same source record id; lower ones are ignored.
    public var version: Int64

    public init(
        metric: String, value: Double, unit: String, startMs: Int64, endMs: Int64? = nil, offsetMinutes: Int?,
        source: String = "", sourceRecordId: String? = nil, version: Int64 = 0
    ) {
        self.metric = metric
        self.value = value
        self.unit = unit
        self.startMs = startMs
        self.endMs = endMs ?? startMs
        self.offsetMinutes = offsetMinutes
        self.source = source
        self.sourceRecordId = sourceRecordId
        self.version = version
    }
}

/// A record the server kept in raw as failed, by its index in the submit.
public struct RecordFailure: Sendable, Equatable {
    public var index: UInt32
    public var reason: String

    public init(index: UInt32, reason: String) {
        self.index = index
        self.reason = reason
    }
}

/// One rollup row of a query reply.
public struct RollupRow: Sendable, Equatable {
    /// The bucket key; see BucketKey for the layout per granularity.
    public var key: Int64
    /// For labs, `count` includes censored and qualitative results, while sum, minimum, maximum, sum of squares,
    /// first and last cover the plain numeric ones only.
    public var stats: RollupStats
    /// Nutrition: local days in the bucket with at least one entry holding this nutrient (1 for a day bucket).
    public var days: Int64
    /// Labs: results flagged low or high.
    public var abnormal: Int64
    /// Labs: results with a comparator (`<0.5`, `>90`), counted but left out of the sums.
    public var censored: Int64
    /// Labs: text results (`negative`, `1+`), counted but left out of the sums.
    public var qualitative: Int64

    public init(key: Int64, stats: RollupStats, days: Int64 = 0, abnormal: Int64 = 0, censored: Int64 = 0,
        qualitative: Int64 = 0) {
        self.key = key
        self.stats = stats
        self.days = days
        self.abnormal = abnormal
        self.censored = censored
        self.qualitative = qualitative
    }

    /// The number of values in `stats.sum`: all results less the censored and qualitative ones.
    public var numericCount: Int64 { stats.count - censored - qualitative }
}

/// The rows of one metric, nutrient or lab test in a query reply, in ascending key order.
public struct RollupSeries: Sendable, Equatable {
    /// Catalog short name (vitals, nutrition) or LOINC code (labs).
    public var code: String
    /// LOINC code for vitals and labs; empty for nutrients.
    public var loinc: String
    /// Canonical unit of every value in the rows.
    public var unit: String
    public var granularity: Granularity
    /// Empty, or the meal for a nutrition query by meal (`breakfast`, `lunch`, ... or the user's own group name).
    public var group: String
    public var rows: [RollupRow]

    public init(code: String, loinc: String, unit: String, granularity: Granularity, group: String = "",
        rows: [RollupRow]) {
        self.code = code
        self.loinc = loinc
        self.unit = unit
        self.granularity = granularity
        self.group = group
        self.rows = rows
    }
}

/// The most recent sample of one metric.
public struct LatestValue: Sendable, Equatable {
    public var code: String
    public var loinc: String
    public var unit: String
    /// UTC milliseconds of the sample's start.
    public var time: Int64
    public var offsetMinutes: Int
    public var value: Double

    public init(code: String, loinc: String, unit: String, time: Int64, offsetMinutes: Int, value: Double) {
        self.code = code
        self.loinc = loinc
        self.unit = unit
        self.time = time
        self.offsetMinutes = offsetMinutes
        self.value = value
    }
}

public struct StatusCounter: Sendable, Equatable {
    public var name: String
    public var value: Int64

    public init(name: String, value: Int64) {
        self.name = name
        self.value = value
    }
}

/// What one submit did, as the store reports it.
public struct SubmitOutcome: Sendable, Equatable {
    /// New records, categorized and rolled up (inline) or stored.
    public var accepted: UInt64 = 0
    /// Records that replaced an earlier version of the same source record.
    public var updated: UInt64 = 0
    /// Records identical to one already stored (a re-import); nothing changed.
    public var unchanged: UInt64 = 0
    /// Records stored as pending for the queue worker (queued mode).
    public var pending: UInt64 = 0
    /// Records kept in raw as failed, with reasons.
    public var failures: [RecordFailure] = []

    public init() {}
}

/// One amount of one nutrient in a nutrition entry, as the source states it.
public struct NutrientAmount: Sendable, Equatable {
    /// Catalog short name, column header or alias, such as `protein` or `Energy (kcal)`.
    public var nutrient: String
    public var value: Double
    /// The unit as the source spells it (`g`, `mg`, `µg`, `kcal`, `%DV`, ...); empty when the name implies it.
    public var unit: String

    public init(nutrient: String, value: Double, unit: String) {
        self.nutrient = nutrient
        self.value = value
        self.unit = unit
    }
}

/// One food entry of a nutrition log, as a client submits it; the server keeps it unchanged in raw.
public struct NutritionRecord: Sendable, Equatable {
    /// UTC milliseconds when the food was eaten. Without an offset, the local clock time read as UTC.
    public var eatenMs: Int64
    /// Minutes east of UTC; nil lets the server use the user's time zone.
    public var offsetMinutes: Int?
    /// `breakfast`, `lunch`, `dinner`, `snack`, or the user's own group name kept as given.
    public var meal: String
    public var food: String
    /// The serving as the source wrote it, such as `2.00 oz`; may be empty.
    public var amount: String
    public var nutrients: [NutrientAmount]
    public var source: String
    public var sourceRecordId: String?
    public var version: Int64

    public init(
        eatenMs: Int64, offsetMinutes: Int?, meal: String, food: String, amount: String = "",
        nutrients: [NutrientAmount], source: String = "", sourceRecordId: String? = nil, version: Int64 = 0
    ) {
        self.eatenMs = eatenMs
        self.offsetMinutes = offsetMinutes
        self.meal = meal
        self.food = food
        self.amount = amount
        self.nutrients = nutrients
        self.source = source
        self.sourceRecordId = sourceRecordId
        self.version = version
    }
}

/// One lab result as printed on a report, as a client submits it; the server keeps it unchanged in raw.
public struct LabRecord: Sendable, Equatable {
    /// The test name as printed, such as `Haemoglobin A1c`.
    public var test: String
    /// A LOINC code the source states (FHIR coding), or nil; the name decides when the code is not in the catalog.
    public var code: String?
    /// The value as printed: `5.4`, `<0.5`, `>90`, `negative`, `1+`, `1:80`.
    public var valueText: String
    public var unit: String
    public var referenceLow: Double?
    public var referenceHigh: Double?
    /// The reference range as printed when it is not a pair of numbers, such as `negative`.
    public var referenceText: String?
    /// UTC milliseconds of specimen collection. Without an offset, the local clock time read as UTC.
    public var collectedMs: Int64
    public var offsetMinutes: Int?
    /// True when the time is the report's issue time because the source gave no collection time.
    public var timeIsIssued: Bool
    public var reportId: String?
    public var source: String
    public var sourceRecordId: String?
    public var version: Int64

    public init(
        test: String, code: String? = nil, valueText: String, unit: String, referenceLow: Double? = nil,
        referenceHigh: Double? = nil, referenceText: String? = nil, collectedMs: Int64, offsetMinutes: Int?,
        timeIsIssued: Bool = false, reportId: String? = nil, source: String = "", sourceRecordId: String? = nil,
        version: Int64 = 0
    ) {
        self.test = test
        self.code = code
        self.valueText = valueText
        self.unit = unit
        self.referenceLow = referenceLow
        self.referenceHigh = referenceHigh
        self.referenceText = referenceText
        self.collectedMs = collectedMs
        self.offsetMinutes = offsetMinutes
        self.timeIsIssued = timeIsIssued
        self.reportId = reportId
        self.source = source
        self.sourceRecordId = sourceRecordId
        self.version = version
    }
}
