// Seeded, bounded fuzzing of the decoders: random bytes and mutated valid frames must produce a frame, nil or
// a WireError, never a trap. A trap ends the test process, so reaching the end of a loop is the assertion.

import HealthWire
import XCTest

final class FuzzTests: XCTestCase {
    private let smallLimits = FrameLimits(maxFrameBytes: 1 << 16, maxDecompressedBytes: 1 << 16)

    /// Feeds `bytes` to a frame decoder and decodes every frame it yields; returns how many frames decoded.
    @discardableResult
    private func exercise(_ bytes: [UInt8], limits: FrameLimits) -> Int {
        var decoder = FrameDecoder(limits: limits)
        decoder.append(bytes)
        var decoded = 0
        for _ in 0..<64 {
            do {
                guard let frame = try decoder.next() else { break }
                if (try? MessageCodec.decode(frame, limits: limits)) != nil { decoded += 1 }
            } catch {
                if error.closesConnection { break }
            }
        }
        return decoded
    }

    func testRandomPayloadsForEveryType() {
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<3000 {
            let payload = generator.bytes(Int.random(in: 0...64, using: &generator))
            for type in MessageType.allCases {
                _ = try? MessageCodec.decodePayload(payload, type: type)
            }
        }
    }

    func testRandomFrames() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<5000 {
            let payload = generator.bytes(Int.random(in: 0...48, using: &generator))
            let type = MessageType.allCases.randomElement(using: &generator)!.rawValue
            let flags: UInt8 = Bool.random(using: &generator) ? 1 : 0
            let frame = MessageCodec.encodeFrame(
                Frame(flags: flags, type: type, requestId: 1, payload: payload))
            exercise(frame, limits: smallLimits)
            exercise(generator.bytes(Int.random(in: 0...64, using: &generator)), limits: smallLimits)
        }
    }

    func testMutatedValidFrames() {
        var generator = SeededGenerator(seed: 7)
        let originals = (SampleMessages.named.map(\.message) + SampleMessages.edgeCases).map {
            MessageCodec.encodeFrame($0, requestId: 3, compressAbove: nil)
        }
        var decodedCount = 0
        for _ in 0..<20_000 {
            var bytes = originals.randomElement(using: &generator)!
            mutate(&bytes, using: &generator)
            decodedCount += exercise(bytes, limits: smallLimits)
        }
        // Some mutations hit value bytes only and still decode; zero would mean the loop tests nothing.
        XCTAssertGreaterThan(decodedCount, 0)
    }

    func testMutatedCompressedFrames() throws {
        var generator = SeededGenerator(seed: 99)
        let message = SampleMessages.largeSubmit(count: 40)
        let original = MessageCodec.encodeFrame(message, requestId: 1, compressAbove: 0)
        for _ in 0..<3000 {
            var bytes = original
            mutate(&bytes, using: &generator)
            exercise(bytes, limits: smallLimits)
        }
    }

    /// Flips, replaces, inserts or deletes a few bytes after the length field, and sometimes fixes the length
    /// field so the mutation reaches the payload decoder instead of the framing checks.
    private func mutate(_ bytes: inout [UInt8], using generator: inout SeededGenerator) {
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let index = Int.random(in: 4..<bytes.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            case 1: bytes[index] = [0x00, 0x01, 0x7F, 0x80, 0xFF].randomElement(using: &generator)!
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
            default: if bytes.count > 13 { bytes.remove(at: index) }
            }
        }
        if Bool.random(using: &generator) {
            let length = UInt32(bytes.count - 4)
            bytes.replaceSubrange(0..<4, with: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) })
        }
    }
}
