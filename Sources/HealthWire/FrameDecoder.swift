// Splits a received byte stream into frames. One decoder runs per connection and receives every byte the peer
// sends, from a few small requests to long streams of large submits. It keeps one growing buffer with a read
// index, so taking a frame off the front never copies the rest of the buffer.

/// An incremental frame splitter for one connection.
///
/// Frame layout (all integers big-endian):
///
///     offset  size  field
///     0       4     length of everything after this field (8 + payload bytes)
///     4       1     protocol version (1)
///     5       1     flags (bit 0: payload is zstd compressed; bits 1-7 reserved, 0)
///     6       2     message type
///     8       4     request id
///     12      n     payload (n = length - 8)
///
/// Append received bytes with `append(_:)`, then call `next()` until it returns nil.
public struct FrameDecoder: Sendable {
    /// The number of bytes in a frame after the length field and before the payload.
    public static let headerBytesAfterLength = 8
    /// The number of bytes of the length field.
    public static let lengthFieldBytes = 4

    /// Consumed bytes at the front of the buffer are dropped once there are at least this many of them
    /// and they make up at least half of the buffer, so compaction costs O(1) amortized per byte.
    private static let compactionThreshold = 64 << 10

    public let limits: FrameLimits
    private var buffer: [UInt8] = []
    private var readIndex = 0

    public init(limits: FrameLimits = .init()) {
        self.limits = limits
    }

    /// The number of received bytes not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    public mutating func append(_ bytes: [UInt8]) {
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    /// Returns the next complete frame, or nil when more bytes are needed (the buffered bytes stay as they are).
    ///
    /// The length field is checked as soon as its 4 bytes arrive, without waiting for the rest of the frame.
    ///
    /// - Throws:
    ///   - `frameTooLarge` when the length field is above `limits.maxFrameBytes`, and `malformedFrame` when it is
    ///     below 8. Framing is lost, so the connection must close. Nothing is consumed and every later call
    ///     throws again.
    ///   - `unsupportedVersion` when the version byte is not 1. The frame is consumed whole because its length
    ///     field still delimits it, so the stream stays usable. Its request id is unknown, because only
    ///     version 1 defines the rest of the header.
    public mutating func next() throws(WireError) -> Frame? {
        guard let length = peekBigEndian(at: readIndex, byteCount: FrameDecoder.lengthFieldBytes) else { return nil }
        if length > limits.maxFrameBytes {
            throw WireError(.frameTooLarge, "frame length \(length) is above the maximum of \(limits.maxFrameBytes)")
        }
        if length < FrameDecoder.headerBytesAfterLength {
            throw WireError(.malformedFrame, "frame length \(length) is below the 8 header bytes")
        }
        let headerStart = readIndex + FrameDecoder.lengthFieldBytes
        let frameEnd = headerStart + length
        guard frameEnd <= buffer.count else { return nil }

        let version = buffer[headerStart]
        guard UInt32(version) == WireProtocol.version else {
            consume(upTo: frameEnd)
            throw WireError(.unsupportedVersion, "protocol version \(version) is not supported; this peer speaks 1")
        }
        let flags = buffer[headerStart + 1]
        let type = UInt16(truncatingIfNeeded: peekBigEndian(at: headerStart + 2, byteCount: 2) ?? 0)
        let requestId = UInt32(truncatingIfNeeded: peekBigEndian(at: headerStart + 4, byteCount: 4) ?? 0)
        let payload = Array(buffer[(headerStart + FrameDecoder.headerBytesAfterLength)..<frameEnd])
        consume(upTo: frameEnd)
        return Frame(version: version, flags: flags, type: type, requestId: requestId, payload: payload)
    }

    /// Returns the big-endian integer of the `byteCount` (at most 4) bytes at `index`, or nil when they are not all
    /// buffered.
    private func peekBigEndian(at index: Int, byteCount: Int) -> Int? {
        guard buffer.count - index >= byteCount else { return nil }
        var value = 0
        for offset in 0..<byteCount {
            value = value << 8 | Int(buffer[index + offset])
        }
        return value
    }

    private mutating func consume(upTo index: Int) {
        readIndex = index
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
    }

    private mutating func compactIfWorthwhile() {
        guard readIndex >= FrameDecoder.compactionThreshold, readIndex * 2 >= buffer.count else { return }
        buffer.removeSubrange(0..<readIndex)
        readIndex = 0
    }
}
