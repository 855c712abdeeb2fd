// Turns messages into frames and frames into messages: the frame header, the compression rule and the checks
// that run before a payload is decoded. Servers run `decode` once per received frame and `encodeFrame` once
// per reply; the per-message payload layouts are in MessageCodec+Payloads.swift.

/// Encodes messages into frames and decodes frames into messages.
public enum MessageCodec {
    /// Bit 0 of the flags byte: the payload is one zstd frame.
    public static let compressedFlag: UInt8 = 0x01

    /// Encodes `message` as a whole frame, length field included.
    ///
    /// The payload is compressed with zstd level 1 when it is larger than `compressAbove` bytes and the
    /// compressed form is smaller; nil never compresses. A payload too large for the 32-bit length field traps.
    /// Keeping frames within the peer's limit (16 MiB by default) is the caller's job.
    public static func encodeFrame(_ message: Message, requestId: UInt32, compressAbove: Int? = 1024) -> [UInt8] {
        encodeFrame(makeFrame(message, requestId: requestId, compressAbove: compressAbove))
    }

    /// Builds the frame for `message`, applying the same compression rule as `encodeFrame(_:requestId:compressAbove:)`.
    public static func makeFrame(_ message: Message, requestId: UInt32, compressAbove: Int? = 1024) -> Frame {
        var payload = encodePayload(message)
        var flags: UInt8 = 0
        if let threshold = compressAbove, payload.count > threshold,
            let compressed = Zstd.compress(payload, level: 1), compressed.count < payload.count
        {
            payload = compressed
            flags |= compressedFlag
        }
        return Frame(flags: flags, type: message.type.rawValue, requestId: requestId, payload: payload)
    }

    /// Writes `frame` as bytes: length, version, flags, type, request id, payload.
    public static func encodeFrame(_ frame: Frame) -> [UInt8] {
        let length = FrameDecoder.headerBytesAfterLength + frame.payload.count
        precondition(length <= Int(UInt32.max), "frame payload of \(frame.payload.count) bytes does not fit a frame")
        var writer = ByteWriter(reservingCapacity: FrameDecoder.lengthFieldBytes + length)
        writer.writeUInt32BigEndian(UInt32(length))
        writer.writeUInt8(frame.version)
        writer.writeUInt8(frame.flags)
        writer.writeUInt16BigEndian(frame.type)
        writer.writeUInt32BigEndian(frame.requestId)
        writer.writeBytes(frame.payload)
        return writer.bytes
    }

    /// Decodes the message of `frame`, decompressing its payload first when flag bit 0 is set.
    ///
    /// None of the errors loses framing, so the caller can reply and keep reading.
    ///
    /// - Throws:
    ///   - `unsupportedVersion` when the version is not 1 or a reserved flag bit (1-7) is set, because only a
    ///     later protocol version may give them a meaning.
    ///   - `unknownMessageType` for a type this version does not define.
    ///   - `decompressionFailed` for a corrupt payload or one that decompresses above
    ///     `limits.maxDecompressedBytes`.
    ///   - `malformedPayload` when the payload does not match the layout of its type or has bytes left over.
    public static func decode(_ frame: Frame, limits: FrameLimits = .init()) throws(WireError) -> Message {
        guard UInt32(frame.version) == WireProtocol.version else {
            throw WireError(
                .unsupportedVersion, "protocol version \(frame.version) is not supported; this peer speaks 1")
        }
        guard frame.flags & ~compressedFlag == 0 else {
            throw WireError(.unsupportedVersion, "flags 0x\(String(frame.flags, radix: 16)) set reserved bits")
        }
        guard let type = MessageType(rawValue: frame.type) else {
            throw WireError(.unknownMessageType, "message type 0x\(String(frame.type, radix: 16)) is not defined")
        }

        if frame.flags & compressedFlag != 0 {
            let payload = try Zstd.decompress(frame.payload, maxBytes: limits.maxDecompressedBytes)
            return try decodePayload(payload, type: type)
        }
        return try decodePayload(frame.payload, type: type)
    }
}
