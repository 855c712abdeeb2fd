// Parsing and printing of the `HOST:PORT` form that every client command takes.

/// A server's host name or IP address and TCP port.
public struct ServerAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    /// The address a client uses when none is given.
    public static let standard = ServerAddress(host: "127.0.0.1", port: 7070)

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (host 127.0.0.1). Nil when the port is missing, not a
    /// number or outside 1-65535, or the host is malformed.
    public init?(parsing text: String) {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            guard !host.contains(":") else { return nil }
            portText = text[text.index(after: colon)...]
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard let port = UInt16(portText), port > 0, !host.contains(where: { $0 == " " || $0 == "/" }) else {
            return nil
        }
        self.host = String(host)
        self.port = port
    }

    public var description: String { ServerAddress.format(host: host, port: port) }

    /// `host:port`, with brackets around an IPv6 address.
    public static func format(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
