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

/// Presence bits of the first byte of a NutritionRecord; the other 6 bits must be 0.
enum NutritionRecordPresence {
    static let offsetMinutes: UInt8 = 1 << 0
    static let sourceRecordId: UInt8 = 1 << 1
    static let known: UInt8 = offsetMinutes | sourceRecordId
}

/// Presence bits of the first byte of a LabRecord. Bit 7 is the `timeIsIssued` flag itself and has no field.
enum LabRecordPresence {
    static let offsetMinutes: UInt8 = 1 << 0
    static let sourceRecordId: UInt8 = 1 << 1
    static let code: UInt8 = 1 << 2
    static let referenceLow: UInt8 = 1 << 3
    static let referenceHigh: UInt8 = 1 << 4
    static let referenceText: UInt8 = 1 << 5
    static let reportId: UInt8 = 1 << 6
    static let timeIsIssued: UInt8 = 1 << 7
}

/// The minimum encoded size of each list element, used to cap counts read from the wire.
enum MinimumEncodedBytes {
    /// presence, metric, value (8), unit, start, duration, source, version.
    static let vitalRecord = 15
    /// presence, eaten time, meal, food, amount, nutrient count, source, version.
    static let nutritionRecord = 8
    /// name, value (8), unit.
    static let nutrientAmount = 10
    /// presence, test, value text, unit, collected time, source, version.
    static let labRecord = 7
    /// index, reason.
    static let recordFailure = 2
    /// code, loinc, unit, granularity, group, row count.
    static let rollupSeries = 6
    /// key, count, 6 doubles (48), first time, last time, days, abnormal, censored, qualitative.
    static let rollupRow = 56
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

    mutating func writeNutritionRecord(_ record: NutritionRecord) {
        var presence: UInt8 = 0
        if record.offsetMinutes != nil { presence |= NutritionRecordPresence.offsetMinutes }
        if record.sourceRecordId != nil { presence |= NutritionRecordPresence.sourceRecordId }
        writeUInt8(presence)

        writeZigzag(record.eatenMs)
        if let offset = record.offsetMinutes { writeZigzag(Int64(offset)) }
        writeString(record.meal)
        writeString(record.food)
        writeString(record.amount)
        writeVarint(UInt64(record.nutrients.count))
        for amount in record.nutrients {
            writeString(amount.nutrient)
            writeDouble(amount.value)
            writeString(amount.unit)
        }
        writeString(record.source)
        if let sourceRecordId = record.sourceRecordId { writeString(sourceRecordId) }
        writeZigzag(record.version)
    }

    mutating func writeLabRecord(_ record: LabRecord) {
        writeUInt8(LabRecordPresence.byte(of: record))
        writeString(record.test)
        if let code = record.code { writeString(code) }
        writeString(record.valueText)
        writeString(record.unit)
        if let low = record.referenceLow { writeDouble(low) }
        if let high = record.referenceHigh { writeDouble(high) }
        if let text = record.referenceText { writeString(text) }
        writeZigzag(record.collectedMs)
        if let offset = record.offsetMinutes { writeZigzag(Int64(offset)) }
        if let reportId = record.reportId { writeString(reportId) }
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
        writeString(series.group)
        writeVarint(UInt64(series.rows.count))
        for row in series.rows {
            writeZigzag(row.key)
            writeRollupStats(row.stats)
            writeVarint(UInt64(clamping: row.days))
            writeVarint(UInt64(clamping: row.abnormal))
            writeVarint(UInt64(clamping: row.censored))
            writeVarint(UInt64(clamping: row.qualitative))
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

    mutating func readNutritionRecord() throws(WireError) -> NutritionRecord {
        let presence = try readUInt8("NutritionRecord.presence")
        guard presence & ~NutritionRecordPresence.known == 0 else {
            throw WireError(.malformedPayload, "NutritionRecord.presence has unknown bits set: \(presence)")
        }
        let eatenMs = try readZigzag("NutritionRecord.eatenMs")
        var offsetMinutes: Int?
        if presence & NutritionRecordPresence.offsetMinutes != 0 {
            offsetMinutes = try readInt("NutritionRecord.offsetMinutes")
        }
        let meal = try readString("NutritionRecord.meal")
        let food = try readString("NutritionRecord.food")
        let amount = try readString("NutritionRecord.amount")
        let count = try readCount("NutritionRecord.nutrients", minimumElementBytes: MinimumEncodedBytes.nutrientAmount)
        var nutrients: [NutrientAmount] = []
        nutrients.reserveCapacity(count)
        for _ in 0..<count {
            nutrients.append(NutrientAmount(
                nutrient: try readString("NutrientAmount.nutrient"), value: try readDouble("NutrientAmount.value"),
                unit: try readString("NutrientAmount.unit")))
        }
        let source = try readString("NutritionRecord.source")
        var sourceRecordId: String?
        if presence & NutritionRecordPresence.sourceRecordId != 0 {
            sourceRecordId = try readString("NutritionRecord.sourceRecordId")
        }
        return NutritionRecord(
            eatenMs: eatenMs, offsetMinutes: offsetMinutes, meal: meal, food: food, amount: amount,
            nutrients: nutrients, source: source, sourceRecordId: sourceRecordId,
            version: try readZigzag("NutritionRecord.version"))
    }

    mutating func readLabRecord() throws(WireError) -> LabRecord {
        let presence = try readUInt8("LabRecord.presence")
        func has(_ bit: UInt8) -> Bool { presence & bit != 0 }
        let test = try readString("LabRecord.test")
        let code = has(LabRecordPresence.code) ? try readString("LabRecord.code") : nil
        let valueText = try readString("LabRecord.valueText")
        let unit = try readString("LabRecord.unit")
        let low = has(LabRecordPresence.referenceLow) ? try readDouble("LabRecord.referenceLow") : nil
        let high = has(LabRecordPresence.referenceHigh) ? try readDouble("LabRecord.referenceHigh") : nil
        let referenceText = has(LabRecordPresence.referenceText) ? try readString("LabRecord.referenceText") : nil
        let collectedMs = try readZigzag("LabRecord.collectedMs")
        let offsetMinutes = has(LabRecordPresence.offsetMinutes) ? try readInt("LabRecord.offsetMinutes") : nil
        let reportId = has(LabRecordPresence.reportId) ? try readString("LabRecord.reportId") : nil
        let source = try readString("LabRecord.source")
        let sourceRecordId = has(LabRecordPresence.sourceRecordId) ? try readString("LabRecord.sourceRecordId") : nil
        return LabRecord(
            test: test, code: code, valueText: valueText, unit: unit, referenceLow: low, referenceHigh: high,
            referenceText: referenceText, collectedMs: collectedMs, offsetMinutes: offsetMinutes,
            timeIsIssued: has(LabRecordPresence.timeIsIssued), reportId: reportId, source: source,
            sourceRecordId: sourceRecordId, version: try readZigzag("LabRecord.version"))
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
        let group = try readString("RollupSeries.group")
        let rowCount = try readCount("RollupSeries.rows", minimumElementBytes: MinimumEncodedBytes.rollupRow)
        var rows: [RollupRow] = []
        rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            let key = try readZigzag("RollupRow.key")
            let stats = try readRollupStats()
            rows.append(RollupRow(
                key: key, stats: stats, days: try readCounter("RollupRow.days"),
                abnormal: try readCounter("RollupRow.abnormal"), censored: try readCounter("RollupRow.censored"),
                qualitative: try readCounter("RollupRow.qualitative")))
        }
        return RollupSeries(code: code, loinc: loinc, unit: unit, granularity: granularity, group: group, rows: rows)
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

    /// Reads a varint count that must fit in an Int64.
    mutating func readCounter(_ field: StaticString) throws(WireError) -> Int64 {
        let value = try readVarint(field)
        guard let counter = Int64(exactly: value) else {
            throw WireError(.malformedPayload, "\(field) \(value) is above 2^63-1")
        }
        return counter
    }

    mutating func readStatusCounter() throws(WireError) -> StatusCounter {
        StatusCounter(name: try readString("StatusCounter.name"), value: try readZigzag("StatusCounter.value"))
    }
}

extension LabRecordPresence {
    /// The presence byte of a lab record: one bit per optional field, and bit 7 for `timeIsIssued`.
    static func byte(of record: LabRecord) -> UInt8 {
        var presence: UInt8 = 0
        if record.offsetMinutes != nil { presence |= offsetMinutes }
        if record.sourceRecordId != nil { presence |= sourceRecordId }
        if record.code != nil { presence |= code }
        if record.referenceLow != nil { presence |= referenceLow }
        if record.referenceHigh != nil { presence |= referenceHigh }
        if record.referenceText != nil { presence |= referenceText }
        if record.reportId != nil { presence |= reportId }
        if record.timeIsIssued { presence |= timeIsIssued }
        return presence
    }
}
