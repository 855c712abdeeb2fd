// The real server against bad frames on raw sockets: each gets an Error reply, only lost framing closes the
// connection, and other connections keep being served.

import Foundation
import HealthDomain
import HealthWire
import XCTest

/// A blocking loopback TCP connection that sends raw bytes and reads whole frames.
private final class RawConnection {
    let fd: Int32
    private var decoder = FrameDecoder()

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw XCTSkip("could not connect to 127.0.0.1:\(port)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func send(_ message: Message, requestId: UInt32) {
        send(MessageCodec.encodeFrame(message, requestId: requestId, compressAbove: nil))
    }

    /// Reads the next reply; nil when the server closed the connection or 10 s passed.
    func receive() throws -> (UInt32, Message)? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let frame = try decoder.next() {
                return (frame.requestId, try MessageCodec.decode(frame))
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            decoder.append(Array(buffer[..<count]))
        }
    }
}

/// The frame header bytes: length, version, flags, type, request id.
private func header(length: UInt32, flags: UInt8 = 0, type: UInt16, requestId: UInt32) -> [UInt8] {
    withUnsafeBytes(of: length.bigEndian, Array.init) + [1, flags] + withUnsafeBytes(of: type.bigEndian, Array.init)
        + withUnsafeBytes(of: requestId.bigEndian, Array.init)
}

final class ServerProtocolTests: XCTestCase {
    private var server: ServerProcess!

    override func setUpWithError() throws {
        let directory = try makeTemporaryDirectory(self)
        server = try ServerProcess(
            database: directory.appendingPathComponent("protocol.db"), directory: directory,
            extraArguments: ["--max-frame-bytes", "1048576", "--max-decompressed-bytes", "4194304"], test: self)
    }

    override func tearDown() {
        server?.stop()
    }

    private func greeted() throws -> RawConnection {
        let connection = try RawConnection(port: server.port)
        connection.send(.hello(Hello(clientName: "protocol-test")), requestId: 1)
        guard case (1, .helloReply)? = try connection.receive() else {
            throw XCTSkip("no HelloReply from healthd")
        }
        return connection
    }

    private func expectError(_ reply: (UInt32, Message)?, _ code: ErrorCode, requestId: UInt32,
        file: StaticString = #filePath, line: UInt = #line) {
        guard case (let id, .error(let error))? = reply else {
            return XCTFail("expected an Error reply, got \(String(describing: reply))", file: file, line: line)
        }
        XCTAssertEqual(id, requestId, file: file, line: line)
        XCTAssertEqual(error.code, code, file: file, line: line)
    }

    private func expectStatusWorks(_ connection: RawConnection, requestId: UInt32,
        file: StaticString = #filePath, line: UInt = #line) throws {
        connection.send(.status(Status()), requestId: requestId)
        guard case (requestId, .statusReply)? = try connection.receive() else {
            return XCTFail("Status got no StatusReply", file: file, line: line)
        }
    }

    func testUnknownTypeKeepsConnection() throws {
        let connection = try greeted()
        connection.send(header(length: 8, type: 0x0ABC, requestId: 7))
        expectError(try connection.receive(), .unknownMessageType, requestId: 7)
        try expectStatusWorks(connection, requestId: 8)
    }

    func testCorruptCompressedPayloadKeepsConnection() throws {
        let connection = try greeted()
        let garbage: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58, 0xFF, 0xEE, 0x01, 0x02, 0x03]
        connection.send(header(length: UInt32(8 + garbage.count), flags: 1, type: 0x0005, requestId: 3) + garbage)
        expectError(try connection.receive(), .decompressionFailed, requestId: 3)
        try expectStatusWorks(connection, requestId: 4)
    }

    func testMalformedPayloadKeepsConnection() throws {
        let connection = try greeted()
        // A Query whose user string claims 200 bytes with 2 present.
        connection.send(header(length: 8 + 4, type: 0x0003, requestId: 5) + [200, 1, 0x41, 0x42])
        expectError(try connection.receive(), .malformedPayload, requestId: 5)
        try expectStatusWorks(connection, requestId: 6)
    }

    func testOversizedFrameClosesOnlyThatConnection() throws {
        let bystander = try greeted()
        let offender = try greeted()
        offender.send(header(length: 64 << 20, type: 0x0002, requestId: 9))
        expectError(try offender.receive(), .frameTooLarge, requestId: 0)
        XCTAssertNil(try offender.receive(), "the server must close a connection whose framing is lost")

        try expectStatusWorks(bystander, requestId: 2)
        let newcomer = try greeted()
        try expectStatusWorks(newcomer, requestId: 2)
    }

    func testRequestBeforeHelloIsRejected() throws {
        let connection = try RawConnection(port: server.port)
        connection.send(.status(Status()), requestId: 11)
        expectError(try connection.receive(), .helloRequired, requestId: 11)
    }

    func testVanishedClientDoesNotStopServer() throws {
        do {
            let connection = try greeted()
            // Half a frame, then the client disappears.
            connection.send(header(length: 500, type: 0x0002, requestId: 1) + [1, 2, 3])
        }
        let survivor = try greeted()
        try expectStatusWorks(survivor, requestId: 2)
    }
}
