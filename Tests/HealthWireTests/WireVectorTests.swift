// The shared vectors in schema/wire-vectors.txt, which the Python client checks as well.

import HealthWire
import XCTest

final class WireVectorTests: XCTestCase {
    func testVectorsCoverAllTypes() throws {
        let valid = try WireVectors.load().filter { $0.expectedError == nil }
        var types = Set<UInt16>()
        var compressedCount = 0
        for vector in valid {
            let frame = try XCTUnwrap(try decodeOne(vector.bytes), vector.name)
            types.insert(frame.type)
            if frame.flags & MessageCodec.compressedFlag != 0 { compressedCount += 1 }
        }
        XCTAssertEqual(types, Set(MessageType.allCases.map(\.rawValue)))
        XCTAssertGreaterThanOrEqual(compressedCount, 1)
    }

    func testValidVectorsReencodeByteForByte() throws {
        let valid = try WireVectors.load().filter { $0.expectedError == nil }
        XCTAssertFalse(valid.isEmpty)
        for vector in valid {
            let frame = try XCTUnwrap(try decodeOne(vector.bytes), vector.name)
            let message = try MessageCodec.decode(frame)

            if frame.flags & MessageCodec.compressedFlag == 0 {
                let encoded = MessageCodec.encodeFrame(message, requestId: frame.requestId, compressAbove: nil)
                XCTAssertEqual(Hex.encode(encoded), Hex.encode(vector.bytes), vector.name)
            } else {
                // Compressed bytes depend on the zstd version, so compare the header and the plain payload.
                let encoded = MessageCodec.makeFrame(message, requestId: frame.requestId)
                XCTAssertEqual(encoded.flags, frame.flags, vector.name)
                XCTAssertEqual(encoded.type, frame.type, vector.name)
                let plain = try Zstd.decompress(frame.payload, maxBytes: FrameLimits().maxDecompressedBytes)
                XCTAssertEqual(MessageCodec.encodePayload(message), plain, vector.name)
            }
        }
    }

    func testValidVectorsMatchSamples() throws {
        let vectors = Dictionary(
            try WireVectors.load().map { ($0.name, $0.bytes) }, uniquingKeysWith: { first, _ in first })
        for (name, message) in SampleMessages.named {
            let bytes = try XCTUnwrap(vectors[name], "vector \(name) is missing")
            let frame = try XCTUnwrap(try decodeOne(bytes), name)
            XCTAssertEqual(try MessageCodec.decode(frame), message, name)
        }
    }

    func testErrorVectorsFailWithCode() throws {
        let invalid = try WireVectors.load().filter { $0.expectedError != nil }
        XCTAssertGreaterThanOrEqual(invalid.count, 8)
        for vector in invalid {
            var decoder = FrameDecoder()
            decoder.append(vector.bytes)
            do {
                guard let frame = try decoder.next() else {
                    XCTFail("\(vector.name) needs more bytes")
                    continue
                }
                let message = try MessageCodec.decode(frame)
                XCTFail("\(vector.name) decoded as \(message.type)")
            } catch {
                // Both calls throw only WireError, so `error` is a WireError here.
                XCTAssertEqual(error.codeName, vector.expectedError, vector.name)
            }
        }
    }

    /// Decodes exactly one frame from `bytes`; fails the test when bytes are left over.
    private func decodeOne(_ bytes: [UInt8]) throws -> Frame? {
        var decoder = FrameDecoder()
        decoder.append(bytes)
        let frame = try decoder.next()
        XCTAssertEqual(decoder.bufferedByteCount, 0)
        return frame
    }
}
