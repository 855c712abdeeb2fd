// A blocking TCP client for healthd: one connection, Hello on connect, then request/reply calls or pipelined
// sends and receives. Meant for one thread at a time (the CLI, tests, the benchmark); it is not Sendable.
//
// Every frame goes out in one send with TCP_NODELAY set, because a header and payload sent separately meet
// Nagle's algorithm and the peer's delayed ACK and cost tens of milliseconds per round trip.

import Glibc
import HealthDomain
import HealthWire

/// A connection to healthd that has completed Hello.
public final class HealthClient {
    public let address: ServerAddress
    /// The name the server gave in its Hello reply.
    public private(set) var serverName = ""
    /// The largest frame the server accepts, from its Hello reply, in bytes.
    public private(set) var serverMaxFrameBytes: UInt32 = 0
    /// Payloads above this many bytes are sent zstd compressed; nil sends everything uncompressed.
    public var compressAbove: Int? = 1024

    private var descriptor: Int32
    private var decoder: FrameDecoder
    private let limits: FrameLimits
    private var nextRequestId: UInt32 = 1
    private var receiveBuffer: [UInt8]

    /// Requests sent whose replies have not been received yet.
    public private(set) var pendingReplies = 0

    /// Connects to `host:port` and performs Hello.
    ///
    /// Throws `ClientError` when the host does not resolve or no address accepts the connection, and the
    /// server's `ErrorReply` when it rejects Hello (such as an invalid token).
    public init(
        host: String, port: UInt16, clientName: String, token: String = "", limits: FrameLimits = FrameLimits()
    ) throws {
        self.address = ServerAddress(host: host, port: port)
        self.limits = limits
        self.decoder = FrameDecoder(limits: limits)
        self.receiveBuffer = [UInt8](repeating: 0, count: 256 * 1024)
        self.descriptor = try HealthClient.connect(host: host, port: port)
        do {
            try performHello(clientName: clientName, token: token)
        } catch {
            close()
            throw error
        }
    }

    /// Connects to `address` and performs Hello; see `init(host:port:clientName:token:limits:)`.
    public convenience init(address: ServerAddress, clientName: String, token: String = "") throws {
        try self.init(host: address.host, port: address.port, clientName: clientName, token: token)
    }

    deinit {
        close()
    }

    /// Closes the connection; later sends throw. Calling it twice is harmless.
    public func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    // MARK: - Requests

    /// Sends `message` and waits for its reply.
    ///
    /// Throws the server's `ErrorReply` when the reply is an Error, and `ClientError.repliesPending` when
    /// pipelined requests are still unanswered (their replies would arrive first).
    public func call(_ message: Message) throws -> Message {
        guard pendingReplies == 0 else {
            throw ClientError.repliesPending(pendingReplies)
        }
        let requestId = try send(message)
        let (replyId, reply) = try receive()
        if case .error(let errorReply) = reply {
            throw errorReply
        }
        guard replyId == requestId else {
            throw ClientError.unexpectedReply("reply for request \(replyId), expected \(requestId)")
        }
        return reply
    }

    /// Sends `message` without waiting and returns its request id; `receive()` returns the reply later.
    @discardableResult
    public func send(_ message: Message) throws -> UInt32 {
        let requestId = nextRequestId
        nextRequestId = nextRequestId == UInt32.max ? 1 : nextRequestId + 1
        let frame = MessageCodec.encodeFrame(message, requestId: requestId, compressAbove: compressAbove)
        try sendAll(frame)
        pendingReplies += 1
        return requestId
    }

    /// Waits for the next reply and returns its request id and message. An Error reply is returned, not thrown,
    /// so that a pipelining caller can match it to its request.
    public func receive() throws -> (UInt32, Message) {
        while true {
            let frame: Frame?
            do {
                frame = try decoder.next()
            } catch {
                throw ClientError.protocolViolation(error.description)
            }
            if let frame {
                pendingReplies = max(0, pendingReplies - 1)
                do {
                    return (frame.requestId, try MessageCodec.decode(frame, limits: limits))
                } catch {
                    throw ClientError.protocolViolation(error.description)
                }
            }
            try receiveMore()
        }
    }

    // MARK: - Socket I/O

    private func performHello(clientName: String, token: String) throws {
        let reply = try call(.hello(Hello(clientName: clientName, token: token)))
        guard case .helloReply(let hello) = reply else {
            throw ClientError.unexpectedReply("\(reply.type) as the response to Hello")
        }
        serverName = hello.serverName
        serverMaxFrameBytes = hello.maxFrameBytes
    }

    /// Sends the whole frame. While the socket cannot take more, replies that arrive are read into the decoder,
    /// because a server that is blocked writing large replies to us would otherwise never read our frame.
    private func sendAll(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else {
            throw ClientError.connectionClosed(pendingReplies: pendingReplies)
        }
        let fd = descriptor
        var offset = 0
        while offset < bytes.count {
            let sent = try bytes.withUnsafeBytes { buffer in
                try systemCall("send") {
                    Glibc.send(
                        fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                }
            }
            if let sent {
                offset += sent
                continue
            }
            var entry = pollfd(fd: fd, events: Int16(POLLOUT | POLLIN), revents: 0)
            try systemCall("poll") { poll(&entry, 1, -1) }
            if entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                try receiveMore(waiting: false)
            }
        }
    }

    /// Reads what the socket has into the decoder; waits for at least one byte unless `waiting` is false.
    /// Throws `connectionClosed` when the server has closed the connection.
    private func receiveMore(waiting: Bool = true) throws {
        guard descriptor >= 0 else {
            throw ClientError.connectionClosed(pendingReplies: pendingReplies)
        }
        let fd = descriptor
        let flags = waiting ? Int32(0) : Int32(MSG_DONTWAIT)
        let received = try receiveBuffer.withUnsafeMutableBytes { buffer in
            try systemCall("recv") { Glibc.recv(fd, buffer.baseAddress!, buffer.count, flags) }
        }
        guard let count = received else { return }
        guard count > 0 else {
            close()
            throw ClientError.connectionClosed(pendingReplies: pendingReplies)
        }
        receiveBuffer.withUnsafeBytes { buffer in
            decoder.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}
