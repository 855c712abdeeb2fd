// The connection state machine on frames alone, without sockets.

import HealthDomain
import HealthWire
import XCTest

@testable import HealthServer

final class RequestRouterTests: XCTestCase {
    private func frame(_ message: Message, requestId: UInt32 = 1) throws -> Frame {
        var decoder = FrameDecoder()
        decoder.append(MessageCodec.encodeFrame(message, requestId: requestId, compressAbove: nil))
        return try XCTUnwrap(try decoder.next())
    }

    private func errorCode(_ action: RequestRouter.Action) -> ErrorCode? {
        if case .reply(.error(let reply)) = action { return reply.code }
        return nil
    }

    func testRequestBeforeHelloIsRejected() throws {
        var router = RequestRouter(limits: FrameLimits(), serverName: "test")
        XCTAssertEqual(errorCode(router.route(try frame(.status(Status())))), .helloRequired)
    }

    func testHelloThenStatusIsRouted() throws {
        var router = RequestRouter(limits: FrameLimits(), serverName: "test")
        guard case .reply(.helloReply(let reply)) = router.route(try frame(.hello(Hello(clientName: "t")))) else {
            return XCTFail("Hello got no HelloReply")
        }
        XCTAssertEqual(reply.protocolVersion, WireProtocol.version)
        XCTAssertEqual(router.route(try frame(.status(Status()))), .status)
    }

    func testUnsupportedProtocolVersionIsRejected() throws {
        var router = RequestRouter(limits: FrameLimits(), serverName: "test")
        let action = router.route(try frame(.hello(Hello(protocolVersion: 99, clientName: "t"))))
        XCTAssertEqual(errorCode(action), .unsupportedVersion)
        XCTAssertFalse(router.helloReceived)
    }

    func testReplyTypeSentAsRequestIsRejected() throws {
        var router = RequestRouter(limits: FrameLimits(), serverName: "test")
        _ = router.route(try frame(.hello(Hello(clientName: "t"))))
        let action = router.route(try frame(.statusReply(StatusReply(counters: []))))
        XCTAssertEqual(errorCode(action), .unknownMessageType)
    }

    func testUnknownTypeIsRejectedWithoutClosing() throws {
        var router = RequestRouter(limits: FrameLimits(), serverName: "test")
        _ = router.route(try frame(.hello(Hello(clientName: "t"))))
        let unknown = Frame(flags: 0, type: 0x0777, requestId: 9, payload: [])
        XCTAssertEqual(errorCode(router.route(unknown)), .unknownMessageType)
    }

    func testSubmitWithEmptyUserIsRejected() throws {
        var router = RequestRouter(limits: FrameLimits(), serverName: "test")
        _ = router.route(try frame(.hello(Hello(clientName: "t"))))
        let submit = Submit(user: "", records: .vitals([]))
        XCTAssertEqual(errorCode(router.route(try frame(.submit(submit)))), .invalidArgument)
    }

    func testLostFramingClosesConnection() {
        let router = RequestRouter(limits: FrameLimits(), serverName: "test")
        guard case .replyAndClose(.error(let reply)) = router.route(WireError(.frameTooLarge, "too large")) else {
            return XCTFail("an oversized frame must close the connection")
        }
        XCTAssertEqual(reply.code, .frameTooLarge)
        guard case .reply = router.route(WireError(.decompressionFailed, "corrupt")) else {
            return XCTFail("a corrupt payload must not close the connection")
        }
    }
}
