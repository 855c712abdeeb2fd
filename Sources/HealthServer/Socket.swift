// Thin wrappers over the Glibc socket calls the server uses: one errno-checking wrapper that retries EINTR,
// a listening socket, and whole-buffer sends that never raise SIGPIPE.

import Glibc

/// A failed system call: the call's name and errno.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Runs a system call, retrying on EINTR; throws SystemError for -1 results.
@discardableResult
func systemCall<T: FixedWidthInteger>(_ name: String, _ body: () -> T) throws -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw SystemError(call: name, errno: code)
    }
}

/// A host and port, parsed from `HOST:PORT` (IPv4 address or `localhost`).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; nil when the port is missing or not 0-65535.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        let host = String(text[..<colon])
        self.host = host.isEmpty ? "127.0.0.1" : host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

enum Socket {
    /// Opens a TCP socket bound to `address` and listening; returns the descriptor and the bound port
    /// (the kernel's choice when the port is 0).
    static func listen(on address: ListenAddress, backlog: Int32 = 128) throws -> (fd: Int32, port: UInt16) {
        var socketAddress = try makeAddress(address)
        let fd = try systemCall("socket") { Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
        do {
            var yes: Int32 = 1
            try systemCall("setsockopt(SO_REUSEADDR)") {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            }
            _ = try withUnsafePointer(to: &socketAddress) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    try systemCall("bind") { Glibc.bind(fd, generic, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
            }
            try systemCall("listen") { Glibc.listen(fd, backlog) }
            return (fd, try boundPort(fd))
        } catch {
            close(fd)
            throw error
        }
    }

    static func makeAddress(_ address: ListenAddress) throws -> sockaddr_in {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = address.port.bigEndian
        let host = address.host == "localhost" ? "127.0.0.1" : address.host
        guard inet_pton(AF_INET, host, &socketAddress.sin_addr) == 1 else {
            throw SystemError(call: "inet_pton(\(address.host))", errno: EINVAL)
        }
        return socketAddress
    }

    static func boundPort(_ fd: Int32) throws -> UInt16 {
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = try withUnsafeMutablePointer(to: &bound) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                try systemCall("getsockname") { getsockname(fd, generic, &length) }
            }
        }
        return UInt16(bigEndian: bound.sin_port)
    }

    /// Sets TCP_NODELAY, so a reply leaves at once instead of waiting for the peer's delayed ACK.
    static func setNoDelay(_ fd: Int32) {
        var yes: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sends all of `bytes`; throws when the peer is gone (EPIPE, ECONNRESET) or another error occurs.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = try systemCall("send") {
                    Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                }
                offset += sent
            }
        }
    }

    /// Reads up to `buffer.count` bytes; 0 means the peer closed the connection.
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try systemCall("recv") { Glibc.recv(fd, buffer.baseAddress, buffer.count, 0) }
    }
}
