// Byte layouts of the value types that messages carry in lists: submitted vital records, record failures,
// rollup rows and series, latest values and status counters. The writer and reader of each type sit next to
// each other so the two stay in step; schema/PROTOCOL.md has the same layouts as tables.

import HealthDomain

/// Presence bits of the first byte of a VitalRecord; the other 6 bits must be 0.
enum VitalRecordPresence {
    static let offsetMinutes: UInt8 = 1 << 0
    static let sourceRecordId: UInt8 = 1 << 1
    static let known: UInt8 = offsetMinutes | sourceRecordId
}

/// The minimum encoded size of each list element, used to cap counts read from the wire.
enum MinimumEncodedBytes {
    /// presence, metric, value (8), unit, start, duration, source, version.
    static let vitalRecord = 15
    /// index, reason.
    static let recordFailure = 2
    /// code, loinc, unit, granularity, row count.
    static let rollupSeries = 5
    /// key, count, 6 doubles (48), first time, last time.
    static let rollupRow = 52
    /// code, loinc, unit, time, offset, value (8).
    static let latestValue = 14
    /// name, value.
    static let statusCounter = 2
}

extension ByteWriter {
    /// Writes a vital record. The end time goes as its distance from the start, so an instant costs one byte.
    mutating func writeVitalRecord(_ record: VitalRecord) {
        var presence: UInt8 = 0
        if record.offsetMinutes != nil { presence |= VitalRecordPresence.offsetMinutes }
        if record.sourceRecordId != nil { presence |= VitalRecordPresence.sourceRecordId }
        writeUInt8(presence)

        writeString(record.metric)
        writeDouble(record.value)
        writeString(record.unit)
        writeZigzag(record.startMs)
        // Wrapping subtraction keeps any pair of Int64 times encodable; the reader adds it back with wrapping.
        writeZigzag(record.endMs &- record.startMs)
        if let offset = record.offsetMinutes { writeZigzag(Int64(offset)) }
        writeString(record.source)
        if let sourceRecordId = record.sourceRecordId { writeString(sourceRecordId) }
        writeZigzag(record.version)
    }

    mutating func writeRecordFailure(_ failure: RecordFailure) {
        writeVarint(UInt64(failure.index))
        writeString(failure.reason)
    }

    /// Writes rollup statistics. A negative count is a broken store invariant and traps.
    mutating func writeRollupStats(_ stats: RollupStats) {
        precondition(stats.count >= 0, "RollupStats.count is negative")
        writeVarint(UInt64(stats.count))
        writeDouble(stats.sum)
        writeDouble(stats.minimum)
        writeDouble(stats.maximum)
        writeDouble(stats.sumOfSquares)
        writeZigzag(stats.firstTime)
        writeDouble(stats.firstValue)
        writeZigzag(stats.lastTime)
        writeDouble(stats.lastValue)
    }

    mutating func writeRollupSeries(_ series: RollupSeries) {
        writeString(series.code)
        writeString(series.loinc)
        writeString(series.unit)
        writeUInt8(series.granularity.rawValue)
        writeVarint(UInt64(series.rows.count))
        for row in series.rows {
            writeZigzag(row.key)
            writeRollupStats(row.stats)
        }
    }

    mutating func writeLatestValue(_ value: LatestValue) {
        writeString(value.code)
        writeString(value.loinc)
        writeString(value.unit)
        writeZigzag(value.time)
        writeZigzag(Int64(value.offsetMinutes))
        writeDouble(value.value)
    }

    mutating func writeStatusCounter(_ counter: StatusCounter) {
        writeString(counter.name)
        writeZigzag(counter.value)
    }

    /// Writes a list of strings as a varint count and the strings.
    mutating func writeStrings(_ values: [String]) {
        writeVarint(UInt64(values.count))
        for value in values {
            writeString(value)
        }
    }

    /// Writes a date as a zigzag day count since 1970-01-01. Readers reject counts outside the Int32 range.
    mutating func writeCivilDate(_ date: CivilDate) {
        writeZigzag(date.daysSinceEpoch)
    }
}

extension PayloadReader {
    mutating func readVitalRecord() throws(WireError) -> VitalRecord {
        let presence = try readUInt8("VitalRecord.presence")
        guard presence & ~VitalRecordPresence.known == 0 else {
            throw WireError(.malformedPayload, "VitalRecord.presence has unknown bits set: \(presence)")
        }
        let metric = try readString("VitalRecord.metric")
        let value = try readDouble("VitalRecord.value")
        let unit = try readString("VitalRecord.unit")
        let startMs = try readZigzag("VitalRecord.startMs")
        let durationMs = try readZigzag("VitalRecord.durationMs")
        var offsetMinutes: Int?
        if presence & VitalRecordPresence.offsetMinutes != 0 {
            offsetMinutes = try readInt("VitalRecord.offsetMinutes")
        }
        let source = try readString("VitalRecord.source")
        var sourceRecordId: String?
        if presence & VitalRecordPresence.sourceRecordId != 0 {
            sourceRecordId = try readString("VitalRecord.sourceRecordId")
        }
        let version = try readZigzag("VitalRecord.version")

        return VitalRecord(
            metric: metric, value: value, unit: unit, startMs: startMs, endMs: startMs &+ durationMs,
            offsetMinutes: offsetMinutes, source: source, sourceRecordId: sourceRecordId, version: version)
    }

    mutating func readRecordFailure() throws(WireError) -> RecordFailure {
        let index = try readUInt32("RecordFailure.index")
        let reason = try readString("RecordFailure.reason")
        return RecordFailure(index: index, reason: reason)
    }

    mutating func readRollupStats() throws(WireError) -> RollupStats {
        let count = try readVarint("RollupStats.count")
        guard let signedCount = Int64(exactly: count) else {
            throw WireError(.malformedPayload, "RollupStats.count \(count) is above 2^63-1")
        }
        return RollupStats(
            count: signedCount,
            sum: try readDouble("RollupStats.sum"),
            minimum: try readDouble("RollupStats.minimum"),
            maximum: try readDouble("RollupStats.maximum"),
            sumOfSquares: try readDouble("RollupStats.sumOfSquares"),
            firstTime: try readZigzag("RollupStats.firstTime"),
            firstValue: try readDouble("RollupStats.firstValue"),
            lastTime: try readZigzag("RollupStats.lastTime"),
            lastValue: try readDouble("RollupStats.lastValue"))
    }

    mutating func readRollupSeries() throws(WireError) -> RollupSeries {
        let code = try readString("RollupSeries.code")
        let loinc = try readString("RollupSeries.loinc")
        let unit = try readString("RollupSeries.unit")
        let granularity = try readGranularity("RollupSeries.granularity")
        let rowCount = try readCount("RollupSeries.rows", minimumElementBytes: MinimumEncodedBytes.rollupRow)
        var rows: [RollupRow] = []
        rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            let key = try readZigzag("RollupRow.key")
            rows.append(RollupRow(key: key, stats: try readRollupStats()))
        }
        return RollupSeries(code: code, loinc: loinc, unit: unit, granularity: granularity, rows: rows)
    }

    mutating func readLatestValue() throws(WireError) -> LatestValue {
        LatestValue(
            code: try readString("LatestValue.code"),
            loinc: try readString("LatestValue.loinc"),
            unit: try readString("LatestValue.unit"),
            time: try readZigzag("LatestValue.time"),
            offsetMinutes: try readInt("LatestValue.offsetMinutes"),
            value: try readDouble("LatestValue.value"))
    }

    mutating func readStatusCounter() throws(WireError) -> StatusCounter {
        StatusCounter(name: try readString("StatusCounter.name"), value: try readZigzag("StatusCounter.value"))
    }
}
