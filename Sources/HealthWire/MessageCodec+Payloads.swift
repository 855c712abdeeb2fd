// Payload layouts of every message type. Each message has one writer and one reader next to each other;
// the tables in schema/PROTOCOL.md describe the same layouts byte by byte.

import HealthDomain

extension MessageCodec {
    /// Encodes the payload of `message`, uncompressed and without the frame header.
    public static func encodePayload(_ message: Message) -> [UInt8] {
        var writer = ByteWriter()
        switch message {
        case .hello(let hello): writeHello(hello, to: &writer)
        case .helloReply(let reply): writeHelloReply(reply, to: &writer)
        case .submit(let submit): writeSubmit(submit, to: &writer)
        case .submitReply(let reply): writeSubmitReply(reply, to: &writer)
        case .query(let query): writeQuery(query, to: &writer)
        case .queryReply(let reply): writeQueryReply(reply, to: &writer)
        case .latest(let latest): writeLatest(latest, to: &writer)
        case .latestReply(let reply): writeLatestReply(reply, to: &writer)
        case .status: break
        case .statusReply(let reply): writeStatusReply(reply, to: &writer)
        case .trigger(let trigger): writeTrigger(trigger, to: &writer)
        case .triggerReply(let reply): writeTriggerReply(reply, to: &writer)
        case .verify(let verify): writeVerify(verify, to: &writer)
        case .verifyReply(let reply): writer.writeStrings(reply.mismatches)
        case .error(let reply): writeErrorReply(reply, to: &writer)
        }
        return writer.bytes
    }

    /// Decodes an uncompressed payload as the message `type` names.
    ///
    /// - Throws: `malformedPayload` when the bytes do not match the layout, a value is out of range or bytes are
    ///   left over.
    public static func decodePayload(_ payload: [UInt8], type: MessageType) throws(WireError) -> Message {
        var reader = PayloadReader(payload)
        let message: Message
        switch type {
        case .hello: message = .hello(try readHello(from: &reader))
        case .helloReply: message = .helloReply(try readHelloReply(from: &reader))
        case .submit: message = .submit(try readSubmit(from: &reader))
        case .submitReply: message = .submitReply(try readSubmitReply(from: &reader))
        case .query: message = .query(try readQuery(from: &reader))
        case .queryReply: message = .queryReply(try readQueryReply(from: &reader))
        case .latest: message = .latest(try readLatest(from: &reader))
        case .latestReply: message = .latestReply(try readLatestReply(from: &reader))
        case .status: message = .status(Status())
        case .statusReply: message = .statusReply(try readStatusReply(from: &reader))
        case .trigger: message = .trigger(try readTrigger(from: &reader))
        case .triggerReply: message = .triggerReply(try readTriggerReply(from: &reader))
        case .verify: message = .verify(try readVerify(from: &reader))
        case .verifyReply: message = .verifyReply(VerifyReply(mismatches: try reader.readStrings("VerifyReply.mismatches")))
        case .error: message = .error(try readErrorReply(from: &reader))
        }
        try reader.finish(type)
        return message
    }

    // MARK: - Hello

    static func writeHello(_ hello: Hello, to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(hello.protocolVersion))
        writer.writeString(hello.clientName)
        writer.writeString(hello.token)
    }

    static func readHello(from reader: inout PayloadReader) throws(WireError) -> Hello {
        Hello(
            protocolVersion: try reader.readUInt32("Hello.protocolVersion"),
            clientName: try reader.readString("Hello.clientName"),
            token: try reader.readString("Hello.token"))
    }

    static func writeHelloReply(_ reply: HelloReply, to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(reply.protocolVersion))
        writer.writeString(reply.serverName)
        writer.writeVarint(UInt64(reply.maxFrameBytes))
    }

    static func readHelloReply(from reader: inout PayloadReader) throws(WireError) -> HelloReply {
        HelloReply(
            protocolVersion: try reader.readUInt32("HelloReply.protocolVersion"),
            serverName: try reader.readString("HelloReply.serverName"),
            maxFrameBytes: try reader.readUInt32("HelloReply.maxFrameBytes"))
    }

    // MARK: - Submit

    static func writeSubmit(_ submit: Submit, to writer: inout ByteWriter) {
        writer.writeString(submit.user)
        writer.writeUInt8(submit.mode.rawValue)
        writer.writeUInt8(submit.records.domain.rawValue)
        switch submit.records {
        case .vitals(let records):
            writer.writeVarint(UInt64(records.count))
            for record in records {
                writer.writeVitalRecord(record)
            }
        case .nutrition(let records):
            writer.writeVarint(UInt64(records.count))
            for record in records {
                writer.writeNutritionRecord(record)
            }
        case .labs(let records):
            writer.writeVarint(UInt64(records.count))
            for record in records {
                writer.writeLabRecord(record)
            }
        }
    }

    static func readSubmit(from reader: inout PayloadReader) throws(WireError) -> Submit {
        let user = try reader.readString("Submit.user")
        let rawMode = try reader.readUInt8("Submit.mode")
        guard let mode = ProcessingMode(rawValue: rawMode) else {
            throw WireError(.malformedPayload, "Submit.mode value \(rawMode) names no processing mode")
        }

        switch try reader.readDomain("Submit.domain") {
        case .vitals:
            let count = try reader.readCount("Submit.records", minimumElementBytes: MinimumEncodedBytes.vitalRecord)
            var records: [VitalRecord] = []
            records.reserveCapacity(count)
            for _ in 0..<count {
                records.append(try reader.readVitalRecord())
            }
            return Submit(user: user, mode: mode, records: .vitals(records))
        case .nutrition:
            let count = try reader.readCount("Submit.records", minimumElementBytes: MinimumEncodedBytes.nutritionRecord)
            var records: [NutritionRecord] = []
            records.reserveCapacity(count)
            for _ in 0..<count {
                records.append(try reader.readNutritionRecord())
            }
            return Submit(user: user, mode: mode, records: .nutrition(records))
        case .labs:
            let count = try reader.readCount("Submit.records", minimumElementBytes: MinimumEncodedBytes.labRecord)
            var records: [LabRecord] = []
            records.reserveCapacity(count)
            for _ in 0..<count {
                records.append(try reader.readLabRecord())
            }
            return Submit(user: user, mode: mode, records: .labs(records))
        }
    }

    static func writeSubmitReply(_ reply: SubmitReply, to writer: inout ByteWriter) {
        writer.writeVarint(reply.accepted)
        writer.writeVarint(reply.updated)
        writer.writeVarint(reply.unchanged)
        writer.writeVarint(reply.pending)
        writer.writeVarint(UInt64(reply.failures.count))
        for failure in reply.failures {
            writer.writeRecordFailure(failure)
        }
    }

    static func readSubmitReply(from reader: inout PayloadReader) throws(WireError) -> SubmitReply {
        let accepted = try reader.readVarint("SubmitReply.accepted")
        let updated = try reader.readVarint("SubmitReply.updated")
        let unchanged = try reader.readVarint("SubmitReply.unchanged")
        let pending = try reader.readVarint("SubmitReply.pending")
        let count = try reader.readCount("SubmitReply.failures", minimumElementBytes: MinimumEncodedBytes.recordFailure)
        var failures: [RecordFailure] = []
        failures.reserveCapacity(count)
        for _ in 0..<count {
            failures.append(try reader.readRecordFailure())
        }
        return SubmitReply(
            accepted: accepted, updated: updated, unchanged: unchanged, pending: pending, failures: failures)
    }

    // MARK: - Query

    static func writeQuery(_ query: Query, to writer: inout ByteWriter) {
        writer.writeString(query.user)
        writer.writeUInt8(query.domain.rawValue)
        writer.writeStrings(query.codes)
        writer.writeUInt8(query.granularity.rawValue)
        writer.writeCivilDate(query.from)
        writer.writeCivilDate(query.to)
        writer.writeUInt8(query.byMeal ? QueryFlags.byMeal : 0)
    }

    static func readQuery(from reader: inout PayloadReader) throws(WireError) -> Query {
        var query = Query(
            user: try reader.readString("Query.user"),
            domain: try reader.readDomain("Query.domain"),
            codes: try reader.readStrings("Query.codes"),
            granularity: try reader.readGranularity("Query.granularity"),
            from: try reader.readCivilDate("Query.from"),
            to: try reader.readCivilDate("Query.to"))
        let flags = try reader.readUInt8("Query.flags")
        guard flags & ~QueryFlags.byMeal == 0 else {
            throw WireError(.malformedPayload, "Query.flags has unknown bits set: \(flags)")
        }
        query.byMeal = flags & QueryFlags.byMeal != 0
        return query
    }

    static func writeQueryReply(_ reply: QueryReply, to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(reply.series.count))
        for series in reply.series {
            writer.writeRollupSeries(series)
        }
    }

    static func readQueryReply(from reader: inout PayloadReader) throws(WireError) -> QueryReply {
        let count = try reader.readCount("QueryReply.series", minimumElementBytes: MinimumEncodedBytes.rollupSeries)
        var series: [RollupSeries] = []
        series.reserveCapacity(count)
        for _ in 0..<count {
            series.append(try reader.readRollupSeries())
        }
        return QueryReply(series: series)
    }

    // MARK: - Latest

    static func writeLatest(_ latest: Latest, to writer: inout ByteWriter) {
        writer.writeString(latest.user)
        writer.writeUInt8(latest.domain.rawValue)
        writer.writeStrings(latest.codes)
    }

    static func readLatest(from reader: inout PayloadReader) throws(WireError) -> Latest {
        Latest(
            user: try reader.readString("Latest.user"),
            domain: try reader.readDomain("Latest.domain"),
            codes: try reader.readStrings("Latest.codes"))
    }

    static func writeLatestReply(_ reply: LatestReply, to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(reply.values.count))
        for value in reply.values {
            writer.writeLatestValue(value)
        }
    }

    static func readLatestReply(from reader: inout PayloadReader) throws(WireError) -> LatestReply {
        let count = try reader.readCount("LatestReply.values", minimumElementBytes: MinimumEncodedBytes.latestValue)
        var values: [LatestValue] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            values.append(try reader.readLatestValue())
        }
        return LatestReply(values: values)
    }

    // MARK: - Trigger and Verify

    static func writeTrigger(_ trigger: Trigger, to writer: inout ByteWriter) {
        writer.writeString(trigger.user)
        writer.writeUInt8(trigger.domain.rawValue)
        writer.writeZigzag(Int64(trigger.priority))
        writer.writeUInt8(trigger.work.rawValue)
    }

    static func readTrigger(from reader: inout PayloadReader) throws(WireError) -> Trigger {
        Trigger(
            user: try reader.readString("Trigger.user"),
            domain: try reader.readDomain("Trigger.domain"),
            priority: try reader.readInt32("Trigger.priority"),
            work: try reader.readTriggerWork("Trigger.work"))
    }

    static func writeTriggerReply(_ reply: TriggerReply, to writer: inout ByteWriter) {
        writer.writeZigzag(reply.jobId)
        writer.writeZigzag(Int64(reply.priority))
        writer.writeUInt8(reply.work.rawValue)
        writer.writeVarint(reply.queueDepth)
    }

    static func readTriggerReply(from reader: inout PayloadReader) throws(WireError) -> TriggerReply {
        TriggerReply(
            jobId: try reader.readZigzag("TriggerReply.jobId"),
            priority: try reader.readInt32("TriggerReply.priority"),
            work: try reader.readTriggerWork("TriggerReply.work"),
            queueDepth: try reader.readVarint("TriggerReply.queueDepth"))
    }

    static func writeVerify(_ verify: Verify, to writer: inout ByteWriter) {
        if let user = verify.user {
            writer.writeUInt8(1)
            writer.writeString(user)
        } else {
            writer.writeUInt8(0)
        }
    }

    static func readVerify(from reader: inout PayloadReader) throws(WireError) -> Verify {
        Verify(user: try reader.readPresence("Verify.user") ? try reader.readString("Verify.user") : nil)
    }

    // MARK: - Status and Error

    static func writeStatusReply(_ reply: StatusReply, to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(reply.counters.count))
        for counter in reply.counters {
            writer.writeStatusCounter(counter)
        }
    }

    static func readStatusReply(from reader: inout PayloadReader) throws(WireError) -> StatusReply {
        let count = try reader.readCount("StatusReply.counters", minimumElementBytes: MinimumEncodedBytes.statusCounter)
        var counters: [StatusCounter] = []
        counters.reserveCapacity(count)
        for _ in 0..<count {
            counters.append(try reader.readStatusCounter())
        }
        return StatusReply(counters: counters)
    }

    static func writeErrorReply(_ reply: ErrorReply, to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(reply.rawCode))
        writer.writeString(reply.message)
        if let index = reply.recordIndex {
            writer.writeUInt8(1)
            writer.writeVarint(UInt64(index))
        } else {
            writer.writeUInt8(0)
        }
    }

    /// Reads an Error payload. Codes this version does not define are kept in `rawCode`.
    static func readErrorReply(from reader: inout PayloadReader) throws(WireError) -> ErrorReply {
        let code = try reader.readVarint("Error.code")
        guard let rawCode = UInt16(exactly: code) else {
            throw WireError(.malformedPayload, "Error.code \(code) is above 65535")
        }
        let message = try reader.readString("Error.message")
        var recordIndex: UInt32?
        if try reader.readPresence("Error.recordIndex") {
            recordIndex = try reader.readUInt32("Error.recordIndex")
        }
        return ErrorReply(rawCode: rawCode, message: message, recordIndex: recordIndex)
    }
}

/// Bits of the Query flags byte; the others must be 0.
enum QueryFlags {
    static let byMeal: UInt8 = 1 << 0
}

extension PayloadReader {
    mutating func readInt32(_ field: StaticString) throws(WireError) -> Int32 {
        let value = try readZigzag(field)
        guard let narrow = Int32(exactly: value) else {
            throw WireError(.malformedPayload, "\(field) \(value) is outside the 32-bit range")
        }
        return narrow
    }

    mutating func readTriggerWork(_ field: StaticString) throws(WireError) -> TriggerWork {
        let raw = try readUInt8(field)
        guard raw & ~TriggerWork.all.rawValue == 0 else {
            throw WireError(.malformedPayload, "\(field) has unknown bits set: \(raw)")
        }
        return TriggerWork(rawValue: raw)
    }
}
