// A stand-in for healthd on a loopback port: it decodes each request frame and replies with whatever the
// test's responder returns, so client and CLI tests run without a database.

import Foundation
import Glibc
import HealthWire

final class MockServer: @unchecked Sendable {
    typealias Responder = @Sendable (Message) -> Message

    let port: UInt16
    private let listener: Int32
    private let responder: Responder
    private let lock = NSLock()
    private var receivedMessages: [Message] = []
    private var receivedFlags: [UInt8] = []
    private var activeConnection: Int32 = -1
    private let finished = DispatchSemaphore(value: 0)

    /// Requests received so far, in order.
    var messages: [Message] {
        lock.lock()
        defer { lock.unlock() }
        return receivedMessages
    }

    /// The flags byte of each request frame (bit 0: compressed).
    var flags: [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return receivedFlags
    }

    /// Listens on 127.0.0.1 at a port the kernel picks and serves one connection at a time on a thread.
    init(responder: @escaping Responder) throws {
        self.responder = responder
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(listener, generic, length) == 0 && listen(listener, 8) == 0
                    && getsockname(listener, generic, &length) == 0
            }
        }
        port = UInt16(bigEndian: address.sin_port)
        guard bound else {
            close(listener)
            throw CocoaError(.fileWriteUnknown)
        }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// Stops accepting, ends the open connection and waits for the serving thread to end.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        lock.lock()
        if activeConnection >= 0 {
            shutdown(activeConnection, Int32(SHUT_RDWR))
        }
        lock.unlock()
        finished.wait()
        close(listener)
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            lock.lock()
            activeConnection = connection
            lock.unlock()
            handle(connection)
            lock.lock()
            activeConnection = -1
            lock.unlock()
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var decoder = FrameDecoder()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            while let frame = try? decoder.next() {
                guard let message = try? MessageCodec.decode(frame) else { return }
                lock.lock()
                receivedMessages.append(message)
                receivedFlags.append(frame.flags)
                lock.unlock()
                let reply = MessageCodec.encodeFrame(responder(message), requestId: frame.requestId, compressAbove: nil)
                let sent = reply.withUnsafeBytes { send(connection, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent == reply.count else { return }
            }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress!, $0.count, 0) }
            guard count > 0 else { return }
            buffer.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// Returns the replies healthd sends to Hello and to a valid Submit, and an Error for everything else.
    static func standardReply(_ message: Message) -> Message {
        switch message {
        case .hello:
            return .helloReply(HelloReply(protocolVersion: 1, serverName: "mock", maxFrameBytes: 16 << 20))
        case .submit(let submit):
            return .submitReply(
                SubmitReply(accepted: UInt64(submit.records.count), updated: 0, unchanged: 0, pending: 0, failures: []))
        default:
            return .error(ErrorReply(code: .invalidArgument, message: "not supported by the mock"))
        }
    }
}

/// Returns a loopback port with nothing listening: bound, read and closed again.
func unusedPort() -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
        }
    }
    return UInt16(bigEndian: address.sin_port)
}
