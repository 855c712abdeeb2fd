// The errors HealthClient throws for connection and protocol failures. A server's Error reply is thrown as
// HealthWire's ErrorReply instead, so callers can tell "the server rejected this" from "the link failed".

import Glibc
import HealthWire

/// A connection or protocol failure between the client and healthd.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `HOST:PORT` did not parse.
    case invalidAddress(String)
    /// The host name did not resolve; `reason` is getaddrinfo's message.
    case resolveFailed(host: String, reason: String)
    /// No address of the host accepted a TCP connection; `errno` is from the last attempt.
    case connectFailed(host: String, port: UInt16, errno: Int32)
    /// A socket call failed after the connection was up.
    case systemCallFailed(call: String, errno: Int32)
    /// The server closed the connection; `pendingReplies` requests were still unanswered.
    case connectionClosed(pendingReplies: Int)
    /// The server sent bytes that do not decode as the protocol.
    case protocolViolation(String)
    /// A reply of the wrong type or for an unknown request id.
    case unexpectedReply(String)
    /// `call` was used while pipelined requests were still unanswered.
    case repliesPending(Int)

    public var description: String {
        switch self {
        case .invalidAddress(let text):
            return "invalid server address '\(text)': expected HOST:PORT, such as 127.0.0.1:7070"
        case .resolveFailed(let host, let reason):
            return "could not resolve host '\(host)': \(reason)"
        case .connectFailed(let host, let port, let code):
            let hint = code == ECONNREFUSED ? " (is healthd running?)" : ""
            return "could not connect to \(ServerAddress.format(host: host, port: port)): \(errorText(code))\(hint)"
        case .systemCallFailed(let call, let code):
            return "\(call) failed: \(errorText(code)) (errno \(code))"
        case .connectionClosed(let pending):
            return pending > 0
                ? "the server closed the connection with \(pending) request(s) unanswered"
                : "the server closed the connection"
        case .protocolViolation(let message):
            return "protocol error from the server: \(message)"
        case .unexpectedReply(let message):
            return "unexpected reply from the server: \(message)"
        case .repliesPending(let count):
            return "call() used while \(count) pipelined request(s) await replies; receive them first"
        }
    }
}

func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
