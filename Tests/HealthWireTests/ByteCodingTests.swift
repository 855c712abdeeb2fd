// Primitive encodings: varints, zigzag, doubles, strings and the big-endian header integers.

import HealthWire
import XCTest

final class ByteCodingTests: XCTestCase {
    func testVarintKnownEncodings() throws {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]),
            (1, [0x01]),
            (127, [0x7F]),
            (128, [0x80, 0x01]),
            (300, [0xAC, 0x02]),
            (16_384, [0x80, 0x80, 0x01]),
            (UInt64(UInt32.max), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in cases {
            var writer = ByteWriter()
            writer.writeVarint(value)
            XCTAssertEqual(writer.bytes, bytes, "encoding of \(value)")

            var reader = ByteReader(bytes)
            XCTAssertEqual(try reader.readVarint(), value, "decoding of \(bytes)")
            XCTAssertEqual(reader.readableBytes, 0)
        }
    }

    func testVarintAcceptsNonMinimalEncoding() throws {
        var reader = ByteReader([0x80, 0x80, 0x00])
        XCTAssertEqual(try reader.readVarint(), 0)
    }

    func testVarintRejectsElevenBytes() {
        var reader = ByteReader([UInt8](repeating: 0xFF, count: 10) + [0x01])
        XCTAssertThrowsError(try reader.readVarint()) { error in
            XCTAssertEqual((error as? WireError)?.code, .malformedPayload)
        }
        XCTAssertEqual(reader.readerIndex, 0)
    }

    func testVarintRejectsOverflowInTenthByte() {
        var reader = ByteReader([UInt8](repeating: 0xFF, count: 9) + [0x02])
        XCTAssertThrowsError(try reader.readVarint()) { error in
            XCTAssertEqual((error as? WireError)?.code, .malformedPayload)
        }
    }

    func testVarintReturnsNilWhenTruncated() throws {
        var reader = ByteReader([0x80, 0x80])
        XCTAssertNil(try reader.readVarint())
        XCTAssertEqual(reader.readerIndex, 0)

        var empty = ByteReader([])
        XCTAssertNil(try empty.readVarint())
    }

    func testZigzagMapping() throws {
        let cases: [(Int64, UInt64)] = [(0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4), (.max, .max - 1), (.min, .max)]
        for (signed, unsigned) in cases {
            XCTAssertEqual(ByteWriter.zigzagEncode(signed), unsigned, "zigzag of \(signed)")
            XCTAssertEqual(ByteReader.zigzagDecode(unsigned), signed, "unzigzag of \(unsigned)")

            var writer = ByteWriter()
            writer.writeZigzag(signed)
            var reader = ByteReader(writer.bytes)
            XCTAssertEqual(try reader.readZigzag(), signed)
        }
    }

    func testDoubleIsLittleEndianBinary64() {
        var writer = ByteWriter()
        writer.writeDouble(1.0)
        XCTAssertEqual(writer.bytes, [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F])

        var reader = ByteReader(writer.bytes)
        XCTAssertEqual(reader.readDouble(), 1.0)
    }

    func testDoubleKeepsNaNPayloadAndNegativeZero() {
        let values = [Double(nan: 0x1234, signaling: false), -0.0, .infinity, -.infinity, .leastNonzeroMagnitude]
        for value in values {
            var writer = ByteWriter()
            writer.writeDouble(value)
            var reader = ByteReader(writer.bytes)
            XCTAssertEqual(reader.readDouble()?.bitPattern, value.bitPattern)
        }
    }

    func testDoubleReturnsNilWhenTruncated() {
        var reader = ByteReader([0, 0, 0, 0, 0, 0, 0])
        XCTAssertNil(reader.readDouble())
        XCTAssertEqual(reader.readerIndex, 0)
    }

    func testStringRoundTripsUTF8() throws {
        for text in ["", "a", "sérveur ✓", "🫀 heart", String(repeating: "x", count: 300)] {
            var writer = ByteWriter()
            writer.writeString(text)
            XCTAssertEqual(writer.count, varintLength(text.utf8.count) + text.utf8.count)

            var reader = ByteReader(writer.bytes)
            XCTAssertEqual(try reader.readString(), text)
            XCTAssertEqual(reader.readableBytes, 0)
        }
    }

    func testStringRejectsInvalidUTF8() {
        for invalid: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0x61, 0x80]] {
            var reader = ByteReader([UInt8(invalid.count)] + invalid)
            XCTAssertThrowsError(try reader.readString(), "bytes \(invalid)") { error in
                XCTAssertEqual((error as? WireError)?.code, .malformedPayload)
            }
            XCTAssertEqual(reader.readerIndex, 0)
        }
    }

    func testStringRejectsLengthAboveMaximum() {
        var reader = ByteReader([0x05, 0x61, 0x62, 0x63, 0x64, 0x65])
        XCTAssertThrowsError(try reader.readString(maxBytes: 4)) { error in
            XCTAssertEqual((error as? WireError)?.code, .malformedPayload)
        }
    }

    func testStringRejectsHugeLengthBeforeAllocating() {
        // Length 2^63 with two bytes behind it: rejected by the maximum, never used as a size.
        var writer = ByteWriter()
        writer.writeVarint(1 << 63)
        var reader = ByteReader(writer.bytes + [0x61, 0x62])
        XCTAssertThrowsError(try reader.readString()) { error in
            XCTAssertEqual((error as? WireError)?.code, .malformedPayload)
        }
    }

    func testStringReturnsNilWhenBytesAreMissing() throws {
        var reader = ByteReader([0x05, 0x61, 0x62])
        XCTAssertNil(try reader.readString())
        XCTAssertEqual(reader.readerIndex, 0)
    }

    func testBigEndianHeaderIntegers() {
        var writer = ByteWriter()
        writer.writeUInt16BigEndian(0x8001)
        writer.writeUInt32BigEndian(0x0102_0304)
        XCTAssertEqual(writer.bytes, [0x80, 0x01, 0x01, 0x02, 0x03, 0x04])

        var reader = ByteReader(writer.bytes)
        XCTAssertEqual(reader.peekUInt16BigEndian(), 0x8001)
        XCTAssertEqual(reader.readerIndex, 0)
        XCTAssertEqual(reader.readUInt16BigEndian(), 0x8001)
        XCTAssertEqual(reader.readUInt32BigEndian(), 0x0102_0304)
        XCTAssertNil(reader.readUInt8())
    }

    func testReaderRespectsIndexBounds() {
        var reader = ByteReader([1, 2, 3, 4], startIndex: 1, endIndex: 3)
        XCTAssertEqual(reader.readableBytes, 2)
        XCTAssertNil(reader.readBytes(3))
        XCTAssertNil(reader.readBytes(-1))
        XCTAssertEqual(reader.readBytes(2), [2, 3])

        let clamped = ByteReader([1, 2], startIndex: 5, endIndex: -3)
        XCTAssertEqual(clamped.readableBytes, 0)
    }

    private func varintLength(_ value: Int) -> Int {
        var writer = ByteWriter()
        writer.writeVarint(UInt64(value))
        return writer.count
    }
}
