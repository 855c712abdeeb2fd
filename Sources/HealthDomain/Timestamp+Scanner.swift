// Byte-level scanning behind TimestampParser: reads the fields of a timestamp from UTF-8 bytes, checks them and
// computes UTC milliseconds with civil-date arithmetic. No allocation, no Foundation.

enum TimestampScanner {
    static func parseRFC3339(_ bytes: UnsafeBufferPointer<UInt8>) -> LocalTimestamp? {
        var cursor = ByteCursor(bytes: bytes)
        guard let days = cursor.readDate() else { return nil }
        if cursor.isAtEnd {
            return LocalTimestamp(utcMs: days * BucketKey.millisecondsPerDay + 12 * BucketKey.millisecondsPerHour,
                                  offsetMinutes: nil)
        }

        guard cursor.read("T") || cursor.read("t") || cursor.read(" "),
            let hour = cursor.readNumber(digits: 2), cursor.read(":"), let minute = cursor.readNumber(digits: 2)
        else { return nil }
        var second = 0
        var milliseconds = 0
        if cursor.read(":") {
            guard let value = cursor.readNumber(digits: 2) else { return nil }
            second = value
            if cursor.read(".") || cursor.read(",") {
                guard let value = cursor.readFractionAsMilliseconds() else { return nil }
                milliseconds = value
            }
        }

        var offset: Int? = nil
        if !cursor.isAtEnd {
            guard let value = cursor.readOffset(), cursor.isAtEnd else { return nil }
            offset = value
        }
        let time = TimeOfDay(hour: hour, minute: minute, second: second, milliseconds: milliseconds)
        return makeTimestamp(days: days, time: time, offsetMinutes: offset)
    }

    /// `YYYY-MM-DD HH:MM:SS ±HHMM`, exactly.
    static func parseAppleHealth(_ bytes: UnsafeBufferPointer<UInt8>) -> LocalTimestamp? {
        guard bytes.count == 25 else { return nil }
        var cursor = ByteCursor(bytes: bytes)
        guard let days = cursor.readDate(), cursor.read(" "),
            let hour = cursor.readNumber(digits: 2), cursor.read(":"),
            let minute = cursor.readNumber(digits: 2), cursor.read(":"),
            let second = cursor.readNumber(digits: 2), cursor.read(" "),
            cursor.peek() == UInt8(ascii: "+") || cursor.peek() == UInt8(ascii: "-"),
            let offset = cursor.readOffset(), cursor.isAtEnd
        else { return nil }
        let time = TimeOfDay(hour: hour, minute: minute, second: second, milliseconds: 0)
        return makeTimestamp(days: days, time: time, offsetMinutes: offset)
    }

    struct TimeOfDay {
        var hour: Int
        var minute: Int
        var second: Int
        var milliseconds: Int
    }

    /// Nil when a field is out of range. `offsetMinutes` nil keeps the wall-clock time as `utcMs`.
    private static func makeTimestamp(days: Int64, time: TimeOfDay, offsetMinutes: Int?) -> LocalTimestamp? {
        guard time.hour <= 23, time.minute <= 59, time.second <= 59 else { return nil }
        let secondsOfDay = Int64(time.hour * 3600 + time.minute * 60 + time.second)
        let localMs = days * BucketKey.millisecondsPerDay + secondsOfDay * 1000 + Int64(time.milliseconds)
        return LocalTimestamp(utcMs: localMs - Int64(offsetMinutes ?? 0) * 60_000, offsetMinutes: offsetMinutes)
    }
}

/// A read position in a byte buffer. Every `read` consumes only when it succeeds.
struct ByteCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var isAtEnd: Bool { index == bytes.count }

    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// Consumes `expected` when it is the next byte.
    mutating func read(_ expected: Unicode.Scalar) -> Bool {
        guard peek() == UInt8(ascii: expected) else { return false }
        index += 1
        return true
    }

    /// Consumes exactly `digits` decimal digits and returns their value.
    mutating func readNumber(digits: Int) -> Int? {
        guard bytes.count - index >= digits else { return nil }
        var value = 0
        for offset in 0..<digits {
            let digit = bytes[index + offset] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            value = value * 10 + Int(digit)
        }
        index += digits
        return value
    }

    /// Consumes `YYYY-MM-DD` and returns its days since 1970-01-01; nil when it names no real date.
    mutating func readDate() -> Int64? {
        guard let year = readNumber(digits: 4), read("-"), let month = readNumber(digits: 2), read("-"),
            let day = readNumber(digits: 2)
        else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        return date.isValid ? date.daysSinceEpoch : nil
    }

    /// Consumes one or more digits after a decimal point and returns the milliseconds they give, truncated.
    mutating func readFractionAsMilliseconds() -> Int? {
        var milliseconds = 0
        var count = 0
        while let byte = peek(), byte &- UInt8(ascii: "0") <= 9 {
            if count < 3 {
                milliseconds = milliseconds * 10 + Int(byte - UInt8(ascii: "0"))
            }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 3) {
            milliseconds *= 10
        }
        return milliseconds
    }

    /// Consumes `Z`, `z`, `±HH:MM` or `±HHMM` and returns minutes east of UTC; nil beyond ±18:00.
    mutating func readOffset() -> Int? {
        if read("Z") || read("z") {
            return 0
        }
        let sign: Int
        if read("+") {
            sign = 1
        } else if read("-") {
            sign = -1
        } else {
            return nil
        }
        guard let hours = readNumber(digits: 2) else { return nil }
        _ = read(":")
        guard let minutes = readNumber(digits: 2), minutes <= 59 else { return nil }
        let total = hours * 60 + minutes
        return total <= BucketKey.maximumOffsetMinutes ? sign * total : nil
    }
}
