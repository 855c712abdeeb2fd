// The reading side of message payloads. A payload arrives complete, so running out of bytes inside one is an
// error here, unlike in ByteReader, and every failure names the field being read.

import HealthDomain

/// A ByteReader over one complete payload whose reads throw `malformedPayload` instead of returning nil.
struct PayloadReader {
    private var reader: ByteReader

    init(_ payload: [UInt8]) {
        reader = ByteReader(payload)
    }

    var readableBytes: Int { reader.readableBytes }

    mutating func readUInt8(_ field: StaticString) throws(WireError) -> UInt8 {
        guard let value = reader.readUInt8() else { throw Self.truncated(field) }
        return value
    }

    mutating func readVarint(_ field: StaticString) throws(WireError) -> UInt64 {
        guard let value = try reader.readVarint() else { throw Self.truncated(field) }
        return value
    }

    mutating func readZigzag(_ field: StaticString) throws(WireError) -> Int64 {
        guard let value = try reader.readZigzag() else { throw Self.truncated(field) }
        return value
    }

    mutating func readDouble(_ field: StaticString) throws(WireError) -> Double {
        guard let value = reader.readDouble() else { throw Self.truncated(field) }
        return value
    }

    mutating func readString(_ field: StaticString) throws(WireError) -> String {
        guard let value = try reader.readString() else { throw Self.truncated(field) }
        return value
    }

    /// Reads a varint that must fit in a UInt32.
    mutating func readUInt32(_ field: StaticString) throws(WireError) -> UInt32 {
        let value = try readVarint(field)
        guard let narrow = UInt32(exactly: value) else {
            throw WireError(.malformedPayload, "\(field) value \(value) is above 2^32-1")
        }
        return narrow
    }

    /// Reads a varint element count and checks that the bytes left can hold that many elements of at least
    /// `minimumElementBytes` each, so a count from the wire never sizes an allocation by itself.
    mutating func readCount(_ field: StaticString, minimumElementBytes: Int) throws(WireError) -> Int {
        let count = try readVarint(field)
        let possible = UInt64(readableBytes / max(minimumElementBytes, 1))
        guard count <= possible else {
            throw WireError(
                .malformedPayload,
                "\(field) count \(count) needs more than the \(readableBytes) payload bytes left")
        }
        return Int(count)
    }

    /// Reads a varint count, then that many strings.
    mutating func readStrings(_ field: StaticString) throws(WireError) -> [String] {
        let count = try readCount(field, minimumElementBytes: 1)
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            values.append(try readString(field))
        }
        return values
    }

    /// Reads a presence byte: 0 for absent, 1 for present.
    mutating func readPresence(_ field: StaticString) throws(WireError) -> Bool {
        switch try readUInt8(field) {
        case 0: return false
        case 1: return true
        case let other: throw WireError(.malformedPayload, "\(field) presence byte \(other) is not 0 or 1")
        }
    }

    mutating func readDomain(_ field: StaticString) throws(WireError) -> HealthDataDomain {
        let raw = try readUInt8(field)
        guard let domain = HealthDataDomain(rawValue: raw) else {
            throw WireError(.malformedPayload, "\(field) value \(raw) names no data domain")
        }
        return domain
    }

    mutating func readGranularity(_ field: StaticString) throws(WireError) -> Granularity {
        let raw = try readUInt8(field)
        guard let granularity = Granularity(rawValue: raw) else {
            throw WireError(.malformedPayload, "\(field) value \(raw) names no granularity")
        }
        return granularity
    }

    /// Reads a zigzag day count since 1970-01-01; it must fit in an Int32 (about ±5.8 million years), which also
    /// keeps CivilDate's arithmetic far from overflow.
    mutating func readCivilDate(_ field: StaticString) throws(WireError) -> CivilDate {
        let days = try readZigzag(field)
        guard Int32(exactly: days) != nil else {
            throw WireError(.malformedPayload, "\(field) day count \(days) is outside the signed 32-bit range")
        }
        return CivilDate(daysSinceEpoch: days)
    }

    /// Reads a zigzag value as an Int. It throws only on platforms where Int is narrower than 64 bits.
    mutating func readInt(_ field: StaticString) throws(WireError) -> Int {
        let value = try readZigzag(field)
        guard let narrow = Int(exactly: value) else {
            throw WireError(.malformedPayload, "\(field) value \(value) does not fit in Int")
        }
        return narrow
    }

    /// Throws unless every byte of the payload was read.
    func finish(_ message: MessageType) throws(WireError) {
        guard readableBytes == 0 else {
            throw WireError(.malformedPayload, "\(readableBytes) bytes are left after the \(message) payload")
        }
    }

    private static func truncated(_ field: StaticString) -> WireError {
        WireError(.malformedPayload, "payload ends inside \(field)")
    }
}
