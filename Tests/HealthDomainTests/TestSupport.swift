// Helpers shared by the HealthDomain tests: instants built from civil fields, a seeded random generator and the
// embedded vitals catalog.
import HealthDomain
import HealthSchema
import XCTest

/// UTC milliseconds of the local time `year-month-day hour:minute` at `offsetMinutes` east of UTC.
func utcMs(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, offsetMinutes: Int) -> Int64 {
    let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
    let localMs = days * 86_400_000 + Int64(hour) * 3_600_000 + Int64(minute) * 60_000
    return localMs - Int64(offsetMinutes) * 60_000
}

/// The bucket key of a sample at `utcMs` taken at `offsetMinutes`.
func bucketKey(_ granularity: Granularity, utcMs: Int64, offsetMinutes: Int) -> Int64 {
    BucketKey.key(granularity, localMs: utcMs + Int64(offsetMinutes) * 60_000, offsetMinutes: offsetMinutes)
}

/// SplitMix64: a small seeded generator, so that random tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

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
}

/// The catalog compiled into HealthSchema from schema/vitals-catalog.tsv.
func embeddedCatalog(file: StaticString = #filePath, line: UInt = #line) throws -> VitalsCatalog {
    let text = try XCTUnwrap(
        HealthSchema.file(named: "vitals-catalog.tsv"), "vitals-catalog.tsv is not embedded", file: file, line: line)
    return try VitalsCatalog(tsv: text)
}
