// The codec surface that the server and the clients use. Byte layouts: schema/PROTOCOL.md.

import HealthDomain

/// Size limits checked before any buffer is allocated.
public struct FrameLimits: Sendable, Equatable {
    /// The largest accepted value of a frame's length field, in bytes.
    public var maxFrameBytes: Int
    /// The largest accepted payload size after zstd decompression, in bytes.
    public var maxDecompressedBytes: Int

    public init(maxFrameBytes: Int = 16 << 20, maxDecompressedBytes: Int = 64 << 20) {
        self.maxFrameBytes = maxFrameBytes
        self.maxDecompressedBytes = maxDecompressedBytes
    }
}

/// One frame as read off the wire, before its payload is decompressed or decoded.
public struct Frame: Sendable, Equatable {
    public var version: UInt8
    /// Bit 0: the payload is zstd compressed.
    public var flags: UInt8
    /// The raw message type; it may name no known MessageType.
    public var type: UInt16
    public var requestId: UInt32
    /// The payload bytes as sent (compressed when bit 0 of `flags` is set).
    public var payload: [UInt8]

    public init(version: UInt8 = UInt8(WireProtocol.version), flags: UInt8, type: UInt16, requestId: UInt32,
        payload: [UInt8]) {
        self.version = version
        self.flags = flags
        self.type = type
        self.requestId = requestId
        self.payload = payload
    }
}

/// A protocol error: the code for the Error reply, a message, and whether framing is lost.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// True when the byte stream can no longer be split into frames, so the connection must close.
    public var closesConnection: Bool { code == .malformedFrame || code == .frameTooLarge }

    public var description: String { "wire error \(code.rawValue) (\(code)): \(message)" }
}
