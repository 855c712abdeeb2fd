// Integer bucket keys for the rollup tables, computed from a sample's local time.
//
// Key layouts (all Int64, ascending in time so a date range is one key range):
//
//   hour     (local hours since 1970-01-01T00:00 local) * 2048 + (1023 - UTC offset in minutes)
//   day      local days since 1970-01-01
//   week     local days since 1970-01-01 of the ISO week's Monday
//   month    year * 12 + (month - 1)
//   quarter  year * 4 + (quarter - 1)
//   year     year
//
// The hour key carries the offset so that the hour repeated at a DST fall-back (01:00-02:00 at -04:00 and again
// at -05:00) stays two buckets. The offset is stored descending, so the two sort in the order they happened (the
// larger offset is the earlier instant). Offsets from -1023 to +1023 minutes fit; real ones span -720 to +840.

public enum BucketKey {
    public static let millisecondsPerHour: Int64 = 3_600_000
    public static let millisecondsPerDay: Int64 = 86_400_000
    static let offsetBias: Int64 = 1023
    static let hourStride: Int64 = 2048

    /// The largest UTC offset magnitude, in minutes, that an hour key can hold. Real offsets span -12:00 to
    /// +14:00; ISO 8601 allows up to 18:00, but offsets beyond 17:03 cannot be stored and are rejected.
    public static let maximumOffsetMinutes = 1023

    /// The key of the bucket holding local time `localMs` (UTC ms plus the offset) for a sample at `offsetMinutes`.
    public static func key(_ granularity: Granularity, localMs: Int64, offsetMinutes: Int) -> Int64 {
        switch granularity {
        case .hour:
            return floorDivide(localMs, millisecondsPerHour) * hourStride + offsetBias - Int64(offsetMinutes)
        case .day:
            return floorDivide(localMs, millisecondsPerDay)
        case .week:
            return mondayOnOrBefore(days: floorDivide(localMs, millisecondsPerDay))
        case .month:
            let date = CivilDate(daysSinceEpoch: floorDivide(localMs, millisecondsPerDay))
            return Int64(date.year) * 12 + Int64(date.month - 1)
        case .quarter:
            let date = CivilDate(daysSinceEpoch: floorDivide(localMs, millisecondsPerDay))
            return Int64(date.year) * 4 + Int64((date.month - 1) / 3)
        case .year:
            return Int64(CivilDate(daysSinceEpoch: floorDivide(localMs, millisecondsPerDay)).year)
        }
    }

    /// The bucket's local time span `[start, end)` in local milliseconds. For hour keys the span is in the
    /// key's own offset.
    public static func localRange(_ granularity: Granularity, key: Int64) -> Range<Int64> {
        switch granularity {
        case .hour:
            let start = floorDivide(key, hourStride) * millisecondsPerHour
            return start..<(start + millisecondsPerHour)
        case .day:
            return (key * millisecondsPerDay)..<((key + 1) * millisecondsPerDay)
        case .week:
            return (key * millisecondsPerDay)..<((key + 7) * millisecondsPerDay)
        case .month:
            let year = Int(floorDivide(key, 12))
            let month = Int(key - Int64(year) * 12) + 1
            let start = CivilDate(year: year, month: month, day: 1).daysSinceEpoch
            let end = month == 12
                ? CivilDate(year: year + 1, month: 1, day: 1).daysSinceEpoch
                : CivilDate(year: year, month: month + 1, day: 1).daysSinceEpoch
            return (start * millisecondsPerDay)..<(end * millisecondsPerDay)
        case .quarter:
            let year = Int(floorDivide(key, 4))
            let firstMonth = Int(key - Int64(year) * 4) * 3 + 1
            let start = CivilDate(year: year, month: firstMonth, day: 1).daysSinceEpoch
            let end = firstMonth == 10
                ? CivilDate(year: year + 1, month: 1, day: 1).daysSinceEpoch
                : CivilDate(year: year, month: firstMonth + 3, day: 1).daysSinceEpoch
            return (start * millisecondsPerDay)..<(end * millisecondsPerDay)
        case .year:
            let start = CivilDate(year: Int(key), month: 1, day: 1).daysSinceEpoch
            let end = CivilDate(year: Int(key) + 1, month: 1, day: 1).daysSinceEpoch
            return (start * millisecondsPerDay)..<(end * millisecondsPerDay)
        }
    }

    /// The UTC offset, in minutes, that an hour key carries.
    public static func offsetMinutes(ofHourKey key: Int64) -> Int {
        Int(offsetBias - (key - floorDivide(key, hourStride) * hourStride))
    }

    /// The smallest and largest key whose bucket starts on a local date from `from` through `to` (inclusive).
    /// For weeks, the range runs from the week holding `from` to the week holding `to`; likewise for months,
    /// quarters and years.
    public static func keyRange(_ granularity: Granularity, from: CivilDate, to: CivilDate) -> ClosedRange<Int64> {
        let fromMs = from.daysSinceEpoch * millisecondsPerDay
        let toMs = to.daysSinceEpoch * millisecondsPerDay
        switch granularity {
        case .hour:
            let low = from.daysSinceEpoch * 24 * hourStride
            let high = (to.daysSinceEpoch + 1) * 24 * hourStride - 1
            return low...max(low, high)
        default:
            let low = key(granularity, localMs: fromMs, offsetMinutes: 0)
            let high = key(granularity, localMs: toMs, offsetMinutes: 0)
            return low...max(low, high)
        }
    }

    /// The label that queries show: `YYYY-MM-DDTHH:00+HH:MM` (hour), `YYYY-MM-DD` (day, and week as its Monday),
    /// `YYYY-MM` (month), `YYYY-Qn` (quarter), `YYYY` (year).
    public static func label(_ granularity: Granularity, key: Int64) -> String {
        switch granularity {
        case .hour:
            let localHour = floorDivide(key, hourStride)
            let date = CivilDate(daysSinceEpoch: floorDivide(localHour, 24))
            let hour = Int(localHour - floorDivide(localHour, 24) * 24)
            return date.description + "T" + CivilDate.pad(hour, 2) + ":00"
                + formatOffset(minutes: offsetMinutes(ofHourKey: key))
        case .day, .week:
            return CivilDate(daysSinceEpoch: key).description
        case .month:
            let year = Int(floorDivide(key, 12))
            return CivilDate.pad(year, 4) + "-" + CivilDate.pad(Int(key - Int64(year) * 12) + 1, 2)
        case .quarter:
            let year = Int(floorDivide(key, 4))
            return CivilDate.pad(year, 4) + "-Q" + String(key - Int64(year) * 4 + 1)
        case .year:
            return CivilDate.pad(Int(key), 4)
        }
    }

    /// `+HH:MM` or `-HH:MM`.
    public static func formatOffset(minutes: Int) -> String {
        let sign = minutes < 0 ? "-" : "+"
        return sign + CivilDate.pad(abs(minutes) / 60, 2) + ":" + CivilDate.pad(abs(minutes) % 60, 2)
    }

    /// Days since the epoch of the Monday on or before `days`.
    public static func mondayOnOrBefore(days: Int64) -> Int64 {
        // 1970-01-01 was a Thursday, so day 0 is 3 days after Monday.
        days - ((days + 3) % 7 + 7) % 7
    }

    /// Division that rounds toward negative infinity, so times before 1970 land in the right bucket.
    public static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
