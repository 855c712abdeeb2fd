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

/// Parsers and a formatter for timestamps, written as integer code over UTF-8 bytes (no Foundation), because
/// imports parse one or two timestamps per record.
///
/// When a parsed timestamp has no offset (`offsetMinutes` is nil), `utcMs` holds the local wall-clock time read as
/// if it were UTC. The caller resolves it with the user's time zone: the UTC instant is `utcMs` minus that zone's
/// offset at that wall-clock time.
public enum TimestampParser {
    /// Parses RFC 3339 / ISO 8601: `2024-01-15T22:00:00-08:00`, `...Z`, fractional seconds, a space in place of
    /// `T`, and a date alone (`2024-01-15`, taken as local noon with no offset). Nil when the text is not one.
    ///
    /// Also accepted: `t` and `z` in lowercase, offsets without a colon (`-0930`), a comma before the fraction,
    /// seconds left out (`22:00Z`), and a date and time with no offset (wall-clock time, `offsetMinutes` nil).
    /// Fractional seconds may have any number of digits; they are truncated to milliseconds. A date alone is local
    /// noon: `utcMs` is 12:00 of that date read as UTC and `offsetMinutes` is nil.
    ///
    /// Rejected: dates that do not exist (`2023-02-29`), hour 24, minute or second 60 (no leap seconds), offsets
    /// beyond ±18:00, and any text before or after the timestamp.
    public static func parseRFC3339(_ text: some StringProtocol) -> LocalTimestamp? {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ TimestampScanner.parseRFC3339($0) }) {
            return parsed
        }
        return Array(text.utf8).withUnsafeBufferPointer { TimestampScanner.parseRFC3339($0) }
    }

    /// Parses Apple Health export dates: `2024-01-15 22:00:00 -0800`. Nil when the text is not one.
    ///
    /// The form is fixed: 25 bytes, a space between date and time and before the offset, and an offset of sign,
    /// two hour digits and two minute digits. The same dates, times and offsets as in `parseRFC3339` are rejected.
    /// Allocates nothing when `bytes` is contiguous storage, such as an array slice or a buffer pointer.
    public static func parseAppleHealth(_ bytes: some Collection<UInt8>) -> LocalTimestamp? {
        if let parsed = bytes.withContiguousStorageIfAvailable({ TimestampScanner.parseAppleHealth($0) }) {
            return parsed
        }
        return Array(bytes).withUnsafeBufferPointer { TimestampScanner.parseAppleHealth($0) }
    }

    /// Formats as RFC 3339 with the offset, such as `2024-01-15T22:00:00-08:00` (milliseconds shown when not 0).
    ///
    /// Offset 0 is written `Z`. A timestamp without an offset is written as wall-clock time with no offset, which
    /// `parseRFC3339` reads back unchanged.
    public static func format(_ timestamp: LocalTimestamp) -> String {
        let offset = timestamp.offsetMinutes ?? 0
        let localMs = timestamp.utcMs + Int64(offset) * 60_000
        let days = BucketKey.floorDivide(localMs, BucketKey.millisecondsPerDay)
        let msOfDay = Int(localMs - days * BucketKey.millisecondsPerDay)
        let seconds = msOfDay / 1000

        var text = CivilDate(daysSinceEpoch: days).description + "T" + CivilDate.pad(seconds / 3600, 2) + ":"
            + CivilDate.pad(seconds / 60 % 60, 2) + ":" + CivilDate.pad(seconds % 60, 2)
        if msOfDay % 1000 != 0 {
            text += "." + CivilDate.pad(msOfDay % 1000, 3)
        }
        switch timestamp.offsetMinutes {
        case nil: break
        case 0: text += "Z"
        case let minutes?: text += BucketKey.formatOffset(minutes: minutes)
        }
        return text
    }
}
