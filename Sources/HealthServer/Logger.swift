// A small leveled logger for the server: one line per event on standard error, a constant message followed by
// `key=value` metadata. Never pass health values, tokens or SQL arguments as metadata.

import Glibc
import HealthDomain

public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case trace = 0
        case debug = 1
        case info = 2
        case warning = 3
        case error = 4

        public var description: String {
            switch self {
            case .trace: return "trace"
            case .debug: return "debug"
            case .info: return "info"
            case .warning: return "warning"
            case .error: return "error"
            }
        }

        public init?(name: String) {
            guard let match = Level.allCases.first(where: { $0.description == name }) else { return nil }
            self = match
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let level: Level

    public init(level: Level = .info) {
        self.level = level
    }

    public func trace(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> KeyValuePairs<String, Any> = [:]) {
        log(.trace, message(), metadata())
    }

    public func debug(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> KeyValuePairs<String, Any> = [:]) {
        log(.debug, message(), metadata())
    }

    public func info(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> KeyValuePairs<String, Any> = [:]) {
        log(.info, message(), metadata())
    }

    public func warning(
        _ message: @autoclosure () -> String, _ metadata: @autoclosure () -> KeyValuePairs<String, Any> = [:]
    ) {
        log(.warning, message(), metadata())
    }

    public func error(_ message: @autoclosure () -> String, _ metadata: @autoclosure () -> KeyValuePairs<String, Any> = [:]) {
        log(.error, message(), metadata())
    }

    private func log(_ eventLevel: Level, _ message: @autoclosure () -> String,
        _ metadata: @autoclosure () -> KeyValuePairs<String, Any>) {
        guard eventLevel >= level else { return }
        var line = Logger.timestamp() + " " + eventLevel.description + " " + message()
        for (key, value) in metadata() {
            line += " " + key + "=" + Logger.quoted(String(describing: value))
        }
        line += "\n"
        line.withCString { pointer in
            _ = Glibc.write(2, pointer, strlen(pointer))
        }
    }

    /// Quotes a metadata value that contains spaces or quotes, so each line stays machine-readable.
    private static func quoted(_ value: String) -> String {
        guard value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ`, with integer arithmetic.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
        let days = BucketKey.floorDivide(milliseconds, BucketKey.millisecondsPerDay)
        let inDay = milliseconds - days * BucketKey.millisecondsPerDay
        let clock = [inDay / 3_600_000, inDay / 60_000 % 60, inDay / 1000 % 60].map { CivilDate.pad(Int($0), 2) }
        return CivilDate(daysSinceEpoch: days).description + "T" + clock.joined(separator: ":") + "."
            + CivilDate.pad(Int(inDay % 1000), 3) + "Z"
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
