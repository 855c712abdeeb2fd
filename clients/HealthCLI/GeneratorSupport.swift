// Building blocks of the synthetic export generator: a seeded random number generator, the UTC offset rules of
// the time zones the synthetic person lives in and travels to, and a buffered byte writer.

import Glibc
import HealthDomain

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): small,
/// fast and fully determined by its seed, so a seed always produces the same export.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Returns a uniform value in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns a uniform value in `range`.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// Returns a uniform whole number in `range`.
    mutating func integer(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// Returns a normally distributed value (Box-Muller transform).
    mutating func normal(mean: Double, deviation: Double) -> Double {
        let u1 = max(unit(), 1e-12)
        let u2 = unit()
        return mean + deviation * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }
}

/// The time zones of the synthetic person, with their UTC offset rules written out, so the generator needs no
/// time zone database.
enum GeneratorTimeZone: CaseIterable {
    /// America/New_York: -05:00, and -04:00 from the second Sunday of March 02:00 local time to the first
    /// Sunday of November 02:00 local time (the US rule since 2007).
    case newYork
    /// Europe/Berlin: +01:00, and +02:00 from the last Sunday of March to the last Sunday of October, switching
    /// at 01:00 UTC (the EU rule).
    case berlin
    /// Asia/Tokyo: +09:00 all year.
    case tokyo

    /// Minutes east of UTC in effect at `utcMs`.
    func offsetMinutes(atUTC utcMs: Int64) -> Int {
        let year = CivilDate(daysSinceEpoch: BucketKey.floorDivide(utcMs, BucketKey.millisecondsPerDay)).year
        switch self {
        case .newYork:
            // 02:00 EST is 07:00 UTC; 02:00 EDT is 06:00 UTC.
            let start = GeneratorTimeZone.sunday(year: year, month: 3, week: 2) * BucketKey.millisecondsPerDay
                + 7 * BucketKey.millisecondsPerHour
            let end = GeneratorTimeZone.sunday(year: year, month: 11, week: 1) * BucketKey.millisecondsPerDay
                + 6 * BucketKey.millisecondsPerHour
            return utcMs >= start && utcMs < end ? -240 : -300
        case .berlin:
            let start = GeneratorTimeZone.lastSunday(year: year, month: 3) * BucketKey.millisecondsPerDay
                + BucketKey.millisecondsPerHour
            let end = GeneratorTimeZone.lastSunday(year: year, month: 10) * BucketKey.millisecondsPerDay
                + BucketKey.millisecondsPerHour
            return utcMs >= start && utcMs < end ? 120 : 60
        case .tokyo:
            return 540
        }
    }

    /// Returns the UTC instant of local midnight at the start of local day `day` (days since the epoch).
    func midnight(ofLocalDay day: Int64) -> Int64 {
        // Every rule here switches between 01:00 and 03:00 local time, so the offset at midnight equals the offset
        // 12 hours earlier in UTC, which is daytime of the day before in every zone here.
        let localMs = day * BucketKey.millisecondsPerDay
        return localMs - Int64(offsetMinutes(atUTC: localMs - 12 * BucketKey.millisecondsPerHour)) * 60_000
    }

    /// Returns the first UTC instant at or after `utcMs` that is local midnight in this zone.
    func nextMidnight(atOrAfter utcMs: Int64) -> Int64 {
        let localMs = utcMs + Int64(offsetMinutes(atUTC: utcMs)) * 60_000
        var day = BucketKey.floorDivide(localMs, BucketKey.millisecondsPerDay)
        while midnight(ofLocalDay: day) < utcMs {
            day += 1
        }
        return midnight(ofLocalDay: day)
    }

    /// Days since the epoch of the `week`-th Sunday of the month.
    static func sunday(year: Int, month: Int, week: Int) -> Int64 {
        let first = CivilDate(year: year, month: month, day: 1).daysSinceEpoch
        let untilSunday = Int64((7 - CivilDate.isoWeekday(daysSinceEpoch: first)) % 7)
        return first + untilSunday + Int64(week - 1) * 7
    }

    static func lastSunday(year: Int, month: Int) -> Int64 {
        let last = CivilDate(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month))
            .daysSinceEpoch
        return last - Int64(CivilDate.isoWeekday(daysSinceEpoch: last) % 7)
    }
}

/// Buffers bytes and writes them to a file descriptor in large blocks.
struct OutputWriter {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let blockBytes = 1 << 20
    private(set) var bytesWritten: Int64 = 0

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(blockBytes + 4096)
    }

    @inline(__always)
    mutating func write(_ text: StaticString) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    @inline(__always)
    mutating func write(byte: UInt8) {
        buffer.append(byte)
    }

    /// Writes `value` in decimal.
    mutating func write(integer value: Int64) {
        if value < 0 {
            buffer.append(0x2D)
        }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 {
            divisor *= 10
        }
        while divisor > 0 {
            buffer.append(UInt8(magnitude / divisor % 10) + 0x30)
            divisor /= 10
        }
    }

    /// Writes `value` rounded to `decimals` places, without trailing zeros (`72`, `0.5`, `68.25`).
    mutating func write(_ value: Double, decimals: Int) {
        var scale: Int64 = 1
        for _ in 0..<decimals {
            scale *= 10
        }
        let scaled = Int64((value * Double(scale)).rounded())
        let negative = scaled < 0
        let magnitude = scaled.magnitude
        if negative {
            buffer.append(0x2D)
        }
        write(integer: Int64(magnitude / UInt64(scale)))
        var fraction = magnitude % UInt64(scale)
        guard fraction > 0 else { return }
        buffer.append(0x2E)
        var width = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var divisor: UInt64 = 1
        for _ in 1..<max(1, width) {
            divisor *= 10
        }
        while divisor > 0 {
            buffer.append(UInt8(fraction / divisor % 10) + 0x30)
            divisor /= 10
        }
    }

    /// Writes `value` as exactly `width` digits with leading zeros.
    mutating func write(padded value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width {
            divisor *= 10
        }
        while divisor > 0 {
            buffer.append(UInt8(value / divisor % 10) + 0x30)
            divisor /= 10
        }
    }

    /// Writes an Apple Health date: `2024-01-15 22:00:00 -0500`.
    mutating func write(appleDate utcMs: Int64, offsetMinutes: Int) {
        let localSeconds = BucketKey.floorDivide(utcMs + Int64(offsetMinutes) * 60_000, 1000)
        let days = BucketKey.floorDivide(localSeconds, 86_400)
        let secondOfDay = Int(localSeconds - days * 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        write(padded: date.year, width: 4)
        buffer.append(0x2D)
        write(padded: date.month, width: 2)
        buffer.append(0x2D)
        write(padded: date.day, width: 2)
        buffer.append(0x20)
        write(padded: secondOfDay / 3600, width: 2)
        buffer.append(0x3A)
        write(padded: secondOfDay / 60 % 60, width: 2)
        buffer.append(0x3A)
        write(padded: secondOfDay % 60, width: 2)
        buffer.append(0x20)
        buffer.append(offsetMinutes < 0 ? 0x2D : 0x2B)
        write(padded: abs(offsetMinutes) / 60, width: 2)
        write(padded: abs(offsetMinutes) % 60, width: 2)
    }

    /// Writes the buffer out when it holds a block; call `flush()` at the end.
    mutating func flushIfFull() throws {
        if buffer.count >= blockBytes {
            try flush()
        }
    }

    mutating func flush() throws {
        var offset = 0
        try buffer.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR {
                    continue
                }
                guard written > 0 else {
                    throw CommandFailure("cannot write the export: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
        bytesWritten += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}
