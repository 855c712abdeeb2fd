// The per-connection protocol state machine, free of sockets and SQLite: it turns each incoming frame into an
// action for the connection to carry out, so its rules are tested on frames alone.
//
// Rules: the first request must be Hello. Reply types and unknown types sent as requests get an Error reply, and
// so do payload errors, after which the connection goes on. Only lost framing closes the connection.

import HealthDomain
import HealthWire

struct RequestRouter {
    enum Action: Equatable {
        /// Send this reply to the request.
        case reply(Message)
        /// Send this error reply, then close the connection: the byte stream can't be split into frames any more.
        case replyAndClose(Message)
        case submit(Submit)
        case query(Query)
        case latest(Latest)
        case status
        case trigger(Trigger)
        case verify(Verify)
    }

    let limits: FrameLimits
    let serverName: String
    private(set) var helloReceived = false

    init(limits: FrameLimits, serverName: String) {
        self.limits = limits
        self.serverName = serverName
    }

    /// Returns the action for a frame that decoded from the stream.
    mutating func route(_ frame: Frame) -> Action {
        let message: Message
        do {
            message = try MessageCodec.decode(frame, limits: limits)
        } catch {
            return .reply(.error(ErrorReply(code: error.code, message: error.message)))
        }
        if case .hello(let hello) = message {
            return greet(hello)
        }
        guard helloReceived else {
            return .reply(.error(ErrorReply(code: .helloRequired, message: "send Hello before any other request")))
        }

        switch message {
        case .submit(let submit): return validate(submit)
        case .query(let query): return .query(query)
        case .latest(let latest): return .latest(latest)
        case .status: return .status
        case .trigger(let trigger): return validate(trigger)
        case .verify(let verify): return .verify(verify)
        case .hello, .helloReply, .submitReply, .queryReply, .latestReply, .statusReply, .triggerReply, .verifyReply,
            .error:
            return .reply(.error(ErrorReply(
                code: .unknownMessageType,
                message: "message type 0x\(String(frame.type, radix: 16)) is a reply, not a request")))
        }
    }

    /// Returns the action for a stream error raised by the frame decoder.
    func route(_ error: WireError) -> Action {
        let reply = Message.error(ErrorReply(code: error.code, message: error.message))
        return error.closesConnection ? .replyAndClose(reply) : .reply(reply)
    }

    private mutating func greet(_ hello: Hello) -> Action {
        guard hello.protocolVersion == WireProtocol.version else {
            return .reply(.error(ErrorReply(
                code: .unsupportedVersion,
                message: "protocol version \(hello.protocolVersion) is not supported; this server speaks version "
                    + "\(WireProtocol.version)")))
        }
        helloReceived = true
        return .reply(.helloReply(HelloReply(
            protocolVersion: WireProtocol.version, serverName: serverName, maxFrameBytes: UInt32(limits.maxFrameBytes))))
    }

    private func validate(_ trigger: Trigger) -> Action {
        guard !trigger.user.isEmpty else {
            return .reply(.error(ErrorReply(code: .invalidArgument, message: "trigger has an empty user name; name the user")))
        }
        guard !trigger.work.isEmpty else {
            return .reply(.error(ErrorReply(
                code: .invalidArgument, message: "trigger asks for no work; set pending, retry-failed or rebuild")))
        }
        return .trigger(trigger)
    }

    private func validate(_ submit: Submit) -> Action {
        guard !submit.user.isEmpty else {
            return .reply(.error(ErrorReply(code: .invalidArgument, message: "submit has an empty user name; name the user")))
        }
        return .submit(submit)
    }
}
