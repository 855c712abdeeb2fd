// Stream splitting: the same frames whatever the chunking, "need more" for every truncation, and the length
// and version checks of the frame header.

import HealthWire
import XCTest

final class FrameDecoderTests: XCTestCase {
    /// Several frames back to back, one of them compressed, with distinct request ids.
    private func sampleStream() -> (bytes: [UInt8], messages: [Message]) {
        var messages = SampleMessages.named.map(\.message)
        messages.insert(SampleMessages.largeSubmit(count: 50), at: 3)
        var bytes: [UInt8] = []
        for (index, message) in messages.enumerated() {
            bytes += MessageCodec.encodeFrame(message, requestId: UInt32(index))
        }
        return (bytes, messages)
    }

    private func drain(_ decoder: inout FrameDecoder) throws -> [Frame] {
        var frames: [Frame] = []
        while let frame = try decoder.next() {
            frames.append(frame)
        }
        return frames
    }

    private func assertFrames(
        _ frames: [Frame], match messages: [Message], file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        XCTAssertEqual(frames.count, messages.count, file: file, line: line)
        for (index, (frame, message)) in zip(frames, messages).enumerated() {
            XCTAssertEqual(frame.requestId, UInt32(index), file: file, line: line)
            XCTAssertEqual(try MessageCodec.decode(frame), message, file: file, line: line)
        }
    }

    func testStreamFedWhole() throws {
        let (bytes, messages) = sampleStream()
        var decoder = FrameDecoder()
        decoder.append(bytes)
        try assertFrames(try drain(&decoder), match: messages)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testStreamFedByteByByte() throws {
        let (bytes, messages) = sampleStream()
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        for byte in bytes {
            decoder.append([byte])
            frames += try drain(&decoder)
        }
        try assertFrames(frames, match: messages)
    }

    func testStreamFedInRandomChunks() throws {
        let (bytes, messages) = sampleStream()
        for seed in UInt64(1)...20 {
            var generator = SeededGenerator(seed: seed)
            var decoder = FrameDecoder()
            var frames: [Frame] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...300, using: &generator))
                bytes[start..<end].withUnsafeBytes { decoder.append($0) }
                frames += try drain(&decoder)
                start = end
            }
            try assertFrames(frames, match: messages)
        }
    }

    func testEveryTruncationNeedsMore() throws {
        let bytes = MessageCodec.encodeFrame(SampleMessages.submit, requestId: 9)
        for length in 0..<bytes.count {
            var decoder = FrameDecoder()
            decoder.append(Array(bytes[..<length]))
            XCTAssertNil(try decoder.next(), "prefix of \(length) bytes")
            XCTAssertEqual(decoder.bufferedByteCount, length, "prefix of \(length) bytes stays buffered")

            decoder.append(Array(bytes[length...]))
            XCTAssertEqual(try decoder.next()?.requestId, 9, "rest appended after \(length) bytes")
        }
    }

    func testRejectsLengthAboveLimit() {
        var decoder = FrameDecoder(limits: FrameLimits(maxFrameBytes: 100))
        decoder.append([0x00, 0x00, 0x00, 0x65])  // length 101, none of the frame present
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual(
                error as? WireError, WireError(.frameTooLarge, "frame length 101 is above the maximum of 100"))
            XCTAssertEqual((error as? WireError)?.closesConnection, true)
        }
    }

    func testRejectsMaximumLengthField() {
        var decoder = FrameDecoder()
        decoder.append([0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual((error as? WireError)?.code, .frameTooLarge)
        }
        // Framing is lost: the decoder keeps throwing instead of resynchronizing on later bytes.
        decoder.append(MessageCodec.encodeFrame(SampleMessages.status, requestId: 1))
        XCTAssertThrowsError(try decoder.next())
    }

    func testAcceptsLengthAtLimit() throws {
        let frame = MessageCodec.encodeFrame(SampleMessages.hello, requestId: 1, compressAbove: nil)
        var decoder = FrameDecoder(limits: FrameLimits(maxFrameBytes: frame.count - 4))
        decoder.append(frame)
        XCTAssertNotNil(try decoder.next())
    }

    func testRejectsLengthBelowHeader() {
        for length: UInt8 in 0..<8 {
            var decoder = FrameDecoder()
            decoder.append([0, 0, 0, length])
            XCTAssertThrowsError(try decoder.next(), "length \(length)") { error in
                XCTAssertEqual((error as? WireError)?.code, .malformedFrame)
                XCTAssertEqual((error as? WireError)?.closesConnection, true)
            }
        }
    }

    func testUnsupportedVersionSkipsFrame() throws {
        var bytes = MessageCodec.encodeFrame(SampleMessages.hello, requestId: 1, compressAbove: nil)
        bytes[4] = 2
        bytes += MessageCodec.encodeFrame(SampleMessages.status, requestId: 2)

        var decoder = FrameDecoder()
        decoder.append(bytes)
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual((error as? WireError)?.code, .unsupportedVersion)
            XCTAssertEqual((error as? WireError)?.closesConnection, false)
        }
        XCTAssertEqual(try decoder.next()?.requestId, 2)
        XCTAssertNil(try decoder.next())
    }

    func testUnsupportedVersionWaitsForWholeFrame() throws {
        var bytes = MessageCodec.encodeFrame(SampleMessages.hello, requestId: 1, compressAbove: nil)
        bytes[4] = 0
        var decoder = FrameDecoder()
        decoder.append(Array(bytes.dropLast()))
        XCTAssertNil(try decoder.next())
        decoder.append([bytes.last!])
        XCTAssertThrowsError(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testLongStreamKeepsBufferSmall() throws {
        // 2,000 frames of about 1 KiB each, appended in 4 KiB reads: the decoder must not keep the whole stream.
        let frame = MessageCodec.encodeFrame(SampleMessages.largeSubmit(count: 20), requestId: 5, compressAbove: nil)
        let stream = [UInt8]((0..<2000).map { _ in frame }.joined())
        var decoder = FrameDecoder()
        var frameCount = 0
        var maximumBuffered = 0
        var start = 0
        while start < stream.count {
            let end = min(stream.count, start + 4096)
            decoder.append(Array(stream[start..<end]))
            maximumBuffered = max(maximumBuffered, decoder.bufferedByteCount)
            while let decoded = try decoder.next() {
                XCTAssertEqual(decoded.payload.count, frame.count - 12)
                frameCount += 1
            }
            start = end
        }
        XCTAssertEqual(frameCount, 2000)
        XCTAssertLessThan(maximumBuffered, 4096 + frame.count)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }
}
