// Reads the primitive encodings of the wire protocol from a byte array, the counterpart of ByteWriter.
// It runs over every received payload and frame header, so it never copies the array and never traps on
// any input: lengths from the wire are checked against the bytes left and a maximum before use.

/// A read cursor over a byte array.
///
/// `read` methods consume and `peek` methods do not. Every method returns nil when too few bytes are left and
/// then leaves `readerIndex` where it was. Bytes that can never be valid (a varint longer than 10 bytes or above
/// `UInt64.max`, a string above its maximum length or not UTF-8) throw `malformedPayload`.
public struct ByteReader: Sendable {
    /// The largest string length `readString()` accepts by default, in bytes (1 MiB).
    public static let defaultMaxStringBytes = 1 << 20

    public let bytes: [UInt8]
    /// The index of the next byte to read.
    public private(set) var readerIndex: Int
    private let endIndex: Int

    /// Reads `bytes[startIndex..<endIndex]`; the array is shared, not copied.
    public init(_ bytes: [UInt8], startIndex: Int = 0, endIndex: Int? = nil) {
        let end = min(max(endIndex ?? bytes.count, 0), bytes.count)
        self.bytes = bytes
        self.endIndex = end
        self.readerIndex = min(max(startIndex, 0), end)
    }

    public var readableBytes: Int { endIndex - readerIndex }

    public func peekUInt8() -> UInt8? {
        readableBytes >= 1 ? bytes[readerIndex] : nil
    }

    public mutating func readUInt8() -> UInt8? {
        guard let value = peekUInt8() else { return nil }
        readerIndex += 1
        return value
    }

    public func peekUInt16BigEndian() -> UInt16? {
        guard readableBytes >= 2 else { return nil }
        return UInt16(bytes[readerIndex]) << 8 | UInt16(bytes[readerIndex + 1])
    }

    public mutating func readUInt16BigEndian() -> UInt16? {
        guard let value = peekUInt16BigEndian() else { return nil }
        readerIndex += 2
        return value
    }

    public func peekUInt32BigEndian() -> UInt32? {
        guard readableBytes >= 4 else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            value = value << 8 | UInt32(bytes[readerIndex + offset])
        }
        return value
    }

    public mutating func readUInt32BigEndian() -> UInt32? {
        guard let value = peekUInt32BigEndian() else { return nil }
        readerIndex += 4
        return value
    }

    /// Reads `count` raw bytes; nil when fewer are left or `count` is negative.
    public mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= readableBytes else { return nil }
        let value = Array(bytes[readerIndex..<readerIndex + count])
        readerIndex += count
        return value
    }

    /// Reads an IEEE 754 binary64 stored little-endian.
    public mutating func readDouble() -> Double? {
        guard readableBytes >= 8 else { return nil }
        var bits: UInt64 = 0
        for offset in (0..<8).reversed() {
            bits = bits << 8 | UInt64(bytes[readerIndex + offset])
        }
        readerIndex += 8
        return Double(bitPattern: bits)
    }

    /// Reads an unsigned LEB128 varint. Non-minimal encodings (such as `80 00` for 0) are accepted.
    ///
    /// - Throws: `malformedPayload` when the varint runs past 10 bytes or its value exceeds `UInt64.max`.
    public mutating func readVarint() throws(WireError) -> UInt64? {
        var value: UInt64 = 0
        var index = readerIndex
        for position in 0..<10 {
            guard index < endIndex else { return nil }
            let byte = bytes[index]
            index += 1

            // The 10th byte carries only bit 63, so any larger value overflows 64 bits.
            if position == 9 && byte > 1 {
                throw WireError(.malformedPayload, "varint is longer than 10 bytes or above 2^64-1")
            }
            value |= UInt64(byte & 0x7F) << UInt64(7 * position)
            if byte < 0x80 {
                readerIndex = index
                return value
            }
        }
        throw WireError(.malformedPayload, "varint is longer than 10 bytes")
    }

    /// Reads a zigzag varint as a signed value.
    public mutating func readZigzag() throws(WireError) -> Int64? {
        guard let raw = try readVarint() else { return nil }
        return ByteReader.zigzagDecode(raw)
    }

    /// Reads a varint byte length and that many UTF-8 bytes.
    ///
    /// - Throws: `malformedPayload` when the length is above `maxBytes` (checked before anything is allocated) or
    ///   the bytes are not valid UTF-8.
    public mutating func readString(maxBytes: Int = ByteReader.defaultMaxStringBytes) throws(WireError) -> String? {
        let start = readerIndex
        guard let length = try readVarint() else { return nil }
        guard length <= UInt64(max(maxBytes, 0)) else {
            readerIndex = start
            throw WireError(.malformedPayload, "string length \(length) is above the maximum of \(maxBytes) bytes")
        }
        let byteCount = Int(length)
        guard byteCount <= readableBytes else {
            readerIndex = start
            return nil
        }

        let utf8 = bytes[readerIndex..<readerIndex + byteCount]
        guard let value = String(validating: utf8, as: UTF8.self) else {
            readerIndex = start
            throw WireError(.malformedPayload, "string is not valid UTF-8")
        }
        readerIndex += byteCount
        return value
    }

    /// Maps a zigzag-encoded value back to the signed value: 0, 1, 2, 3, ... become 0, -1, 1, -2, ...
    public static func zigzagDecode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
}
