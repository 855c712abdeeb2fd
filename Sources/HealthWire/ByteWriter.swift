// Appends the primitive encodings of the wire protocol to a growing byte array. Every payload and frame header
// is written through it, so the methods stay small and allocation-free apart from the array's own growth.

/// A growable byte buffer with `write` methods for each primitive of the wire protocol.
///
/// Encodings (all described in schema/PROTOCOL.md):
///
///     varint      unsigned LEB128, 7 bits per byte, low group first, high bit = more bytes follow
///     zigzag      signed value mapped to unsigned ((n << 1) ^ (n >> 63)), then varint
///     string      varint byte length, then that many UTF-8 bytes
///     double      IEEE 754 binary64, 8 bytes little-endian
///     u16 / u32   fixed width, big-endian (frame header only)
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func writeUInt8(_ value: UInt8) {
        bytes.append(value)
    }

    public mutating func writeBytes(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    public mutating func writeUInt16BigEndian(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func writeUInt32BigEndian(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Writes an unsigned LEB128 varint of 1 to 10 bytes.
    public mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: rest))
    }

    /// Writes a signed value as a zigzag varint, so small magnitudes of either sign take few bytes.
    public mutating func writeZigzag(_ value: Int64) {
        writeVarint(ByteWriter.zigzagEncode(value))
    }

    /// Writes the IEEE 754 bits of `value` little-endian; NaN payloads and the sign of zero are kept.
    public mutating func writeDouble(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    /// Writes the UTF-8 byte length as a varint, then the UTF-8 bytes.
    public mutating func writeString(_ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Maps a signed value to an unsigned one: 0, -1, 1, -2, ... become 0, 1, 2, 3, ...
    public static func zigzagEncode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
