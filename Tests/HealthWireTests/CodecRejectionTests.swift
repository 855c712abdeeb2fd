// Frames and payloads the codec must reject with a specific error code, including corrupt compressed data
// and decompression bombs.

import HealthDomain
import HealthWire
import XCTest

final class CodecRejectionTests: XCTestCase {
    private func assertDecodeFails(
        _ frame: Frame, limits: FrameLimits = .init(), with code: ErrorCode, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertThrowsError(try MessageCodec.decode(frame, limits: limits), file: file, line: line) { error in
            XCTAssertEqual((error as? WireError)?.code, code, "\(error)", file: file, line: line)
        }
    }

    private func assertPayloadFails(
        _ payload: [UInt8], type: MessageType, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try MessageCodec.decodePayload(payload, type: type), file: file, line: line) { error in
            XCTAssertEqual((error as? WireError)?.code, .malformedPayload, "\(error)", file: file, line: line)
        }
    }

    func testUnknownMessageType() {
        for type: UInt16 in [0x0000, 0x0008, 0x8000, 0x8008, 0x7FFF, 0xFFFE] {
            assertDecodeFails(Frame(flags: 0, type: type, requestId: 1, payload: []), with: .unknownMessageType)
        }
    }

    func testReservedFlagBits() {
        for bit in 1..<8 {
            let frame = Frame(flags: UInt8(1 << bit), type: MessageType.status.rawValue, requestId: 1, payload: [])
            assertDecodeFails(frame, with: .unsupportedVersion)
        }
    }

    func testFrameVersionOtherThanOne() {
        let frame = Frame(version: 0, flags: 0, type: MessageType.status.rawValue, requestId: 1, payload: [])
        assertDecodeFails(frame, with: .unsupportedVersion)
    }

    func testCorruptCompressedPayload() throws {
        let payload = MessageCodec.encodePayload(SampleMessages.largeSubmit(count: 30))
        var compressed = try XCTUnwrap(Zstd.compress(payload))
        compressed[compressed.count / 2] ^= 0xFF
        compressed[compressed.count / 2 + 1] ^= 0x55
        let frame = Frame(flags: 1, type: MessageType.submit.rawValue, requestId: 1, payload: compressed)
        XCTAssertThrowsError(try MessageCodec.decode(frame)) { error in
            // zstd has no checksum here, so a flipped literal can decode into a payload that no longer parses.
            let code = (error as? WireError)?.code
            XCTAssertTrue(code == .decompressionFailed || code == .malformedPayload, "\(error)")
        }
    }

    func testGarbageMarkedCompressed() {
        let samples: [[UInt8]] = [[], [0x00], [0x28, 0xB5, 0x2F, 0xFD], Array("not zstd at all".utf8)]
        for payload in samples {
            let frame = Frame(flags: 1, type: MessageType.status.rawValue, requestId: 1, payload: payload)
            assertDecodeFails(frame, with: .decompressionFailed)
        }
    }

    func testTruncatedCompressedPayload() throws {
        let payload = MessageCodec.encodePayload(SampleMessages.largeSubmit(count: 30))
        for includeContentSize in [true, false] {
            let compressed = try XCTUnwrap(Zstd.compress(payload, includeContentSize: includeContentSize))
            for cut in [compressed.count - 1, compressed.count / 2, 10] {
                let frame = Frame(
                    flags: 1, type: MessageType.submit.rawValue, requestId: 1, payload: Array(compressed[..<cut]))
                assertDecodeFails(frame, with: .decompressionFailed)
            }
        }
    }

    func testBytesAfterCompressedFrame() throws {
        let payload = MessageCodec.encodePayload(SampleMessages.statusReply)
        for includeContentSize in [true, false] {
            let compressed = try XCTUnwrap(Zstd.compress(payload, includeContentSize: includeContentSize))
            let frame = Frame(
                flags: 1, type: MessageType.statusReply.rawValue, requestId: 1, payload: compressed + compressed)
            assertDecodeFails(frame, with: .decompressionFailed)
        }
    }

    func testCompressedWithoutContentSizeDecodes() throws {
        let message = SampleMessages.largeSubmit(count: 30)
        let compressed = try XCTUnwrap(Zstd.compress(MessageCodec.encodePayload(message), includeContentSize: false))
        let frame = Frame(flags: 1, type: MessageType.submit.rawValue, requestId: 1, payload: compressed)
        XCTAssertEqual(try MessageCodec.decode(frame), message)
    }

    func testDeclaredSizeAboveLimit() throws {
        // A hand-made zstd frame header: magic, descriptor e0 (single segment, 8-byte content size),
        // content size 2^40, then an empty last raw block. Allocating 1 TiB would fail the test process.
        let bomb: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0xE0, 0, 0, 0, 0, 0, 1, 0, 0, 0x01, 0x00, 0x00]
        let frame = Frame(flags: 1, type: MessageType.submit.rawValue, requestId: 1, payload: bomb)
        assertDecodeFails(frame, with: .decompressionFailed)
    }

    func testCompressedZerosAboveLimit() throws {
        let zeros = [UInt8](repeating: 0, count: 4 << 20)
        let bomb = try XCTUnwrap(Zstd.compress(zeros))
        XCTAssertLessThan(bomb.count, 1024)
        let frame = Frame(flags: 1, type: MessageType.submit.rawValue, requestId: 1, payload: bomb)
        assertDecodeFails(frame, limits: FrameLimits(maxDecompressedBytes: 1 << 20), with: .decompressionFailed)
    }

    func testUndeclaredSizeBombStopsAtLimit() throws {
        let zeros = [UInt8](repeating: 0, count: 8 << 20)
        let bomb = try XCTUnwrap(Zstd.compress(zeros, includeContentSize: false))
        XCTAssertLessThan(bomb.count, 2048)
        XCTAssertThrowsError(try Zstd.decompress(bomb, maxBytes: 1 << 20)) { error in
            XCTAssertEqual((error as? WireError)?.code, .decompressionFailed)
        }
        XCTAssertEqual(try Zstd.decompress(bomb, maxBytes: 8 << 20).count, 8 << 20)
    }

    func testDecompressAtExactLimit() throws {
        let payload = [UInt8](repeating: 7, count: 5000)
        for includeContentSize in [true, false] {
            let compressed = try XCTUnwrap(Zstd.compress(payload, includeContentSize: includeContentSize))
            XCTAssertEqual(try Zstd.decompress(compressed, maxBytes: 5000), payload)
            XCTAssertThrowsError(try Zstd.decompress(compressed, maxBytes: 4999))
        }
    }

    func testInvalidUTF8InString() {
        // Hello with clientName = the single byte ff.
        assertPayloadFails([0x01, 0x01, 0xFF, 0x00], type: .hello)
    }

    func testTrailingBytesAfterMessage() {
        var payload = MessageCodec.encodePayload(SampleMessages.query)
        payload.append(0)
        assertPayloadFails(payload, type: .query)
        assertPayloadFails([0x00], type: .status)
    }

    func testEveryTruncatedPayloadFails() {
        for (name, message) in SampleMessages.named where message.type != .status {
            let payload = MessageCodec.encodePayload(message)
            for length in 0..<payload.count {
                XCTAssertThrowsError(
                    try MessageCodec.decodePayload(Array(payload[..<length]), type: message.type),
                    "\(name) cut to \(length) bytes")
            }
        }
    }

    func testCountAboveRemainingBytes() {
        // Submit: user "", mode 0, domain 1, 1,000,000 records, then 20 bytes.
        var writer = ByteWriter()
        writer.writeString("")
        writer.writeUInt8(0)
        writer.writeUInt8(1)
        writer.writeVarint(1_000_000)
        writer.writeBytes([UInt8](repeating: 0, count: 20))
        assertPayloadFails(writer.bytes, type: .submit)

        // StatusReply declaring 2^64-1 counters.
        assertPayloadFails([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], type: .statusReply)
    }

    func testOutOfRangeEnumBytes() {
        // Submit with mode 3.
        assertPayloadFails([0x00, 0x03, 0x01, 0x00], type: .submit)
        // Submit with domain 0 and with domain 4.
        assertPayloadFails([0x00, 0x00, 0x00, 0x00], type: .submit)
        assertPayloadFails([0x00, 0x00, 0x04, 0x00], type: .submit)
        // Latest with domain 4.
        assertPayloadFails([0x00, 0x04, 0x00], type: .latest)
        // Query with granularity 0.
        assertPayloadFails([0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00], type: .query)
        // Query with an undefined flag bit.
        assertPayloadFails([0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x02], type: .query)
        // Trigger with an undefined work bit.
        assertPayloadFails([0x00, 0x01, 0x00, 0x08], type: .trigger)
    }

    func testOutOfRangeIntegers() {
        // Hello.protocolVersion 2^32.
        assertPayloadFails([0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x00], type: .hello)
        // Error.code 65536.
        assertPayloadFails([0x80, 0x80, 0x04, 0x00, 0x00], type: .error)
        // Error presence byte 2.
        assertPayloadFails([0x01, 0x00, 0x02, 0x00], type: .error)
        // Query.from of 2^31 days, outside the Int32 range.
        var writer = ByteWriter()
        writer.writeString("u")
        writer.writeUInt8(1)
        writer.writeVarint(0)
        writer.writeUInt8(2)
        writer.writeZigzag(1 << 31)
        writer.writeZigzag(0)
        assertPayloadFails(writer.bytes, type: .query)
    }

    func testRollupCountAboveInt64() {
        var writer = ByteWriter()
        writer.writeVarint(1)  // one series
        writer.writeString("c")
        writer.writeString("l")
        writer.writeString("u")
        writer.writeUInt8(Granularity.day.rawValue)
        writer.writeVarint(1)  // one row
        writer.writeZigzag(0)  // key
        writer.writeVarint(1 << 63)  // count, above Int64.max
        for _ in 0..<6 { writer.writeDouble(0) }
        writer.writeZigzag(0)
        writer.writeZigzag(0)
        assertPayloadFails(writer.bytes, type: .queryReply)
    }

    func testStringAboveMaximumLength() {
        var writer = ByteWriter()
        writer.writeVarint(1)
        writer.writeVarint(UInt64(ByteReader.defaultMaxStringBytes + 1))
        writer.writeBytes([UInt8](repeating: 0x61, count: ByteReader.defaultMaxStringBytes + 1))
        writer.writeString("")
        assertPayloadFails(writer.bytes, type: .hello)
    }
}
