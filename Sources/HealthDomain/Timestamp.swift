// Parsing of the timestamp formats that submits and imports bring, into UTC milliseconds plus UTC offset.

/// An instant with the UTC offset in effect where it was recorded.
public struct LocalTimestamp: Sendable, Equatable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var utcMs: Int64
    /// Minutes east of UTC; nil when the text carried no offset.
    public var offsetMinutes: Int?

    public init(utcMs: Int64, offsetMinutes: Int?) {
        self.utcMs = utcMs
        self.offsetMinutes = offsetMinutes
    }
}

public enum TimestampParser {
    /// Parses RFC 3339 / ISO 8601: `2024-01-15T22:00:00-08:00`, `...Z`, fractional seconds, a space in place of
    /// `T`, and a date alone (`2024-01-15`, taken as local noon with no offset). Nil when the text is not one.
    public static func parseRFC3339(_ text: some StringProtocol) -> LocalTimestamp? {
        fatalError("TODO: TimestampParser.parseRFC3339")
    }

    /// Parses Apple Health export dates: `2024-01-15 22:00:00 -0800`. Nil when the text is not one.
    public static func parseAppleHealth(_ bytes: some Collection<UInt8>) -> LocalTimestamp? {
        fatalError("TODO: TimestampParser.parseAppleHealth")
    }

    /// Formats as RFC 3339 with the offset, such as `2024-01-15T22:00:00-08:00` (milliseconds shown when not 0).
    public static func format(_ timestamp: LocalTimestamp) -> String {
        fatalError("TODO: TimestampParser.format")
    }
}
