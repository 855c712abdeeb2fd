// Every message type encodes and decodes to an equal value, and hand-written byte fixtures pin the frame
// header and two payload layouts field by field.

import HealthDomain
import HealthWire
import XCTest

final class MessageRoundTripTests: XCTestCase {
    func testSamplesCoverEveryType() {
        let sampled = Set(SampleMessages.named.map { $0.message.type })
        XCTAssertEqual(sampled, Set(MessageType.allCases))
    }

    func testSamplesRoundTripUncompressed() throws {
        for (name, message) in SampleMessages.named {
            let frame = try decodeSingleFrame(MessageCodec.encodeFrame(message, requestId: 42, compressAbove: nil))
            XCTAssertEqual(frame.requestId, 42, name)
            XCTAssertEqual(frame.flags, 0, name)
            XCTAssertEqual(try MessageCodec.decode(frame), message, name)
        }
    }

    func testSamplesRoundTripCompressed() throws {
        for (name, message) in SampleMessages.named {
            let frame = try decodeSingleFrame(MessageCodec.encodeFrame(message, requestId: 7, compressAbove: 0))
            XCTAssertEqual(try MessageCodec.decode(frame), message, name)
        }
    }

    func testEdgeCasesRoundTrip() throws {
        for message in SampleMessages.edgeCases {
            let payload = MessageCodec.encodePayload(message)
            XCTAssertEqual(try MessageCodec.decodePayload(payload, type: message.type), message, "\(message.type)")
        }
    }

    func testNaNRoundTripsBitForBit() throws {
        let nan = Double(nan: 7, signaling: false)
        let record = VitalRecord(metric: "m", value: nan, unit: "u", startMs: 0, offsetMinutes: nil)
        let message = Message.submit(Submit(user: "u", records: .vitals([record])))
        let decoded = try MessageCodec.decodePayload(MessageCodec.encodePayload(message), type: .submit)
        guard case .submit(let submit) = decoded, case .vitals(let records) = submit.records else {
            return XCTFail("decoded \(decoded.type), expected a vitals submit")
        }
        XCTAssertEqual(records.first?.value.bitPattern, nan.bitPattern)
    }

    func testCompressesLargeSubmit() throws {
        let message = SampleMessages.largeSubmit(count: 200)
        let plain = MessageCodec.encodePayload(message)
        let frame = try decodeSingleFrame(MessageCodec.encodeFrame(message, requestId: 1))
        XCTAssertEqual(frame.flags, MessageCodec.compressedFlag)
        XCTAssertLessThan(frame.payload.count, plain.count)
        XCTAssertEqual(try MessageCodec.decode(frame), message)
    }

    func testSmallPayloadStaysUncompressed() throws {
        let frame = MessageCodec.makeFrame(SampleMessages.hello, requestId: 1)
        XCTAssertEqual(frame.flags, 0)
    }

    func testSkipsCompressionThatGrowsPayload() throws {
        // A 25-byte payload grows under zstd because of the frame header, so it is sent as is.
        let frame = MessageCodec.makeFrame(SampleMessages.hello, requestId: 1, compressAbove: 0)
        XCTAssertEqual(frame.flags, 0)
        XCTAssertEqual(frame.payload, MessageCodec.encodePayload(SampleMessages.hello))
    }

    func testFrameHeaderFixture() throws {
        let bytes: [UInt8] = [
            0x00, 0x00, 0x00, 0x08,  // length: 8 header bytes, empty payload
            0x01,  // version 1
            0x00,  // flags: not compressed
            0x00, 0x05,  // type 0x0005, Status
            0x12, 0x34, 0x56, 0x78,  // request id 0x12345678
        ]
        XCTAssertEqual(MessageCodec.encodeFrame(.status(Status()), requestId: 0x1234_5678), bytes)

        let frame = try decodeSingleFrame(bytes)
        XCTAssertEqual(frame, Frame(version: 1, flags: 0, type: 0x0005, requestId: 0x1234_5678, payload: []))
        XCTAssertEqual(try MessageCodec.decode(frame), .status(Status()))
    }

    func testHelloFixture() throws {
        let payload: [UInt8] = [
            0x01,  // protocolVersion varint 1
            0x03, 0x63, 0x6C, 0x69,  // clientName: 3 bytes "cli"
            0x02, 0x74, 0x6B,  // token: 2 bytes "tk"
        ]
        let bytes: [UInt8] =
            [
                0x00, 0x00, 0x00, 0x10,  // length 16 = 8 + 8 payload bytes
                0x01, 0x00,  // version 1, flags 0
                0x00, 0x01,  // type Hello
                0x00, 0x00, 0x00, 0x02,  // request id 2
            ] + payload
        let message = Message.hello(Hello(protocolVersion: 1, clientName: "cli", token: "tk"))
        XCTAssertEqual(MessageCodec.encodePayload(message), payload)
        XCTAssertEqual(MessageCodec.encodeFrame(message, requestId: 2), bytes)
        XCTAssertEqual(try MessageCodec.decode(decodeSingleFrame(bytes)), message)
    }

    func testVitalRecordFixture() throws {
        let payload: [UInt8] = [
            0x01, 0x75,  // user: 1 byte "u"
            0x02,  // mode 2, queued
            0x01,  // domain 1, vitals
            0x01,  // record count 1
            0x03,  // presence: offsetMinutes (bit 0) and sourceRecordId (bit 1)
            0x01, 0x6D,  // metric "m"
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x40,  // value 10.0, binary64 little-endian
            0x01, 0x6B,  // unit "k"
            0xD0, 0x0F,  // startMs 1000, zigzag 2000
            0x13,  // duration -10 ms, zigzag 19: endMs 990
            0x77,  // offsetMinutes -60, zigzag 119
            0x00,  // source ""
            0x02, 0x69, 0x64,  // sourceRecordId "id"
            0x04,  // version 2, zigzag 4
        ]
        let record = VitalRecord(
            metric: "m", value: 10, unit: "k", startMs: 1000, endMs: 990, offsetMinutes: -60, source: "",
            sourceRecordId: "id", version: 2)
        let message = Message.submit(Submit(user: "u", mode: .queued, records: .vitals([record])))
        XCTAssertEqual(MessageCodec.encodePayload(message), payload)
        XCTAssertEqual(try MessageCodec.decodePayload(payload, type: .submit), message)
    }

    func testErrorReplyFixtureWithoutRecordIndex() throws {
        let payload: [UInt8] = [
            0x07,  // code 7, helloRequired
            0x02, 0x68, 0x69,  // message "hi"
            0x00,  // presence 0: no record index
        ]
        let message = Message.error(ErrorReply(code: .helloRequired, message: "hi"))
        XCTAssertEqual(MessageCodec.encodePayload(message), payload)
        XCTAssertEqual(try MessageCodec.decodePayload(payload, type: .error), message)
    }

    func testUnknownErrorCodeKeepsRawValue() throws {
        let payload: [UInt8] = [0xE8, 0x07, 0x00, 0x00]  // code 1000, empty message, no record index
        let decoded = try MessageCodec.decodePayload(payload, type: .error)
        guard case .error(let reply) = decoded else { return XCTFail("decoded \(decoded.type), expected error") }
        XCTAssertEqual(reply.rawCode, 1000)
        XCTAssertEqual(reply.code, .internalError)
    }

    private func decodeSingleFrame(_ bytes: [UInt8]) throws -> Frame {
        var decoder = FrameDecoder()
        decoder.append(bytes)
        let frame = try XCTUnwrap(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, 0)
        return frame
    }
}
