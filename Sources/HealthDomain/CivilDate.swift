// Integer civil-date arithmetic on the proleptic Gregorian calendar, for bucket keys on the hot path.
//
// Days are counted from 1970-01-01 (day 0). The conversions follow Howard Hinnant's public-domain
// `days_from_civil` / `civil_from_days` algorithms (http://howardhinnant.github.io/date_algorithms.html),
// which are exact for every year that fits in an Int64 day count.

/// A local calendar date without time zone.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    /// 1 ... 12
    public var month: Int
    /// 1 ... 31
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (negative days are before it).
    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// ISO weekday: 1 is Monday, 7 is Sunday.
    public var isoWeekday: Int { CivilDate.isoWeekday(daysSinceEpoch: daysSinceEpoch) }

    /// ISO weekday (1 Monday ... 7 Sunday) of a day count; 1970-01-01 was a Thursday.
    public static func isoWeekday(daysSinceEpoch days: Int64) -> Int {
        let mondayBased = ((days + 3) % 7 + 7) % 7  // 0 is Monday
        return Int(mondayBased) + 1
    }

    /// Whether the values name a real date (month 1-12, day within that month, leap years included).
    public var isValid: Bool {
        month >= 1 && month <= 12 && day >= 1 && day <= CivilDate.daysInMonth(year: year, month: month)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `YYYY-MM-DD`; nil when the text is not exactly that or names no real date.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = CivilDate.digits(bytes[0..<4]), let month = CivilDate.digits(bytes[5..<7]),
            let day = CivilDate.digits(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard isValid else { return nil }
    }

    /// `YYYY-MM-DD`, zero padded.
    public var description: String {
        CivilDate.pad(year, 4) + "-" + CivilDate.pad(month, 2) + "-" + CivilDate.pad(day, 2)
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Decimal text of a non-negative number, left padded with zeros to `width`; negative numbers get a sign.
    public static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value.magnitude)
        let padding = String(repeating: "0", count: max(0, width - text.count))
        return (value < 0 ? "-" : "") + padding + text
    }
}
