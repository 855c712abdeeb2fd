// A synthetic Apple Health export.xml, realistic enough to exercise the importer and the server, and fully
// determined by its seed.
//
// The person lives in New York (so data crosses the US daylight-saving changes), spends late October to early
// November in Berlin every year (crossing the EU change while there) and ten days of April in Tokyo every
// second year. An Apple Watch records heart rate every 3 to 7 minutes awake and every 8 to 15 asleep, and also
// steps, walking distance and active energy. The iPhone records steps again, in windows that overlap the
// watch's. Weight comes from a Withings scale in kg, and later from manual entries in lb. There are also resting
// heart rate, heart rate variability (with beat-to-beat children), oxygen saturation, respiratory rate, blood
// pressure every third day (top-level records repeated inside a Correlation, as real exports do), sleep stages
// (category records), workouts and daily activity summaries.
//
// `records` counts the top-level quantity Records, which is what an import of the file reads; the sleep
// records, the Correlation copies, workouts and summaries come on top. Records are written in time order,
// one local day at a time, so memory stays constant.

import HealthDomain

struct AppleHealthGenerator {
    /// Counts of what a generated file contains.
    struct Statistics: Equatable {
        var quantityRecords = 0
        var categoryRecords = 0
        var correlations = 0
        var workouts = 0
        var activitySummaries = 0
        var days = 0
        /// The local dates of the first and last day written.
        var firstDate = CivilDate(year: 1970, month: 1, day: 1)
        var lastDate = CivilDate(year: 1970, month: 1, day: 1)
    }

    /// Quantity records the person's devices write on an average day, for placing the span of `records`.
    static let estimatedRecordsPerDay = 375
    /// The data ends around this date, whatever the record count (for counts that fit after 1990).
    static let targetEndDate = CivilDate(year: 2025, month: 6, day: 30)

    let recordCount: Int
    let seed: UInt64
    private var random: SplitMix64
    private var events: [GeneratedEvent] = []
    private var weightKg = 78.0
    private(set) var statistics = Statistics()

    init(records: Int, seed: UInt64) {
        self.recordCount = records
        self.seed = seed
        self.random = SplitMix64(seed: seed)
    }

    /// The first local date: far enough before `targetEndDate` for `records` at the average daily rate.
    var startDate: CivilDate {
        let days = Int64(recordCount / AppleHealthGenerator.estimatedRecordsPerDay + 1)
        let earliest = CivilDate(year: 1990, month: 1, day: 1).daysSinceEpoch
        return CivilDate(daysSinceEpoch: max(earliest, AppleHealthGenerator.targetEndDate.daysSinceEpoch - days))
    }

    /// From this local date on, weight is entered by hand in pounds instead of measured in kilograms.
    private var poundsFromDay: Int64 {
        let start = startDate.daysSinceEpoch
        return start + (AppleHealthGenerator.targetEndDate.daysSinceEpoch - start) * 3 / 5
    }

    /// Writes the whole export.
    mutating func write(to output: inout OutputWriter) throws {
        statistics = Statistics()
        random = SplitMix64(seed: seed)
        writeHeader(to: &output)

        var day = startDate.daysSinceEpoch
        statistics.firstDate = startDate
        var previousEnd = Int64.min
        while statistics.quantityRecords < recordCount {
            let date = CivilDate(daysSinceEpoch: day)
            let zone = AppleHealthGenerator.zone(on: date)
            let start = max(previousEnd, zone.midnight(ofLocalDay: day))
            let end = zone.midnight(ofLocalDay: day + 1)
            makeEvents(day: day, zone: zone, start: start, end: end)
            try writeEvents(zone: zone, to: &output)
            statistics.days += 1
            statistics.lastDate = date
            previousEnd = end
            day += 1
        }
        output.write(StaticString("</HealthData>\n"))
        try output.flush()
    }

    /// Returns the time zone the person is in on a local date.
    static func zone(on date: CivilDate) -> GeneratorTimeZone {
        if (date.month == 10 && date.day >= 20) || (date.month == 11 && date.day <= 2) {
            return .berlin
        }
        if date.year % 2 == 0 && date.month == 4 && date.day >= 10 && date.day <= 19 {
            return .tokyo
        }
        return .newYork
    }

    // MARK: - One day

    private mutating func makeEvents(day: Int64, zone: GeneratorTimeZone, start: Int64, end: Int64) {
        events.removeAll(keepingCapacity: true)
        let midnight = zone.midnight(ofLocalDay: day)
        let hour = BucketKey.millisecondsPerHour
        let wake = midnight + 6 * hour + hour / 2 + random.integer(0...3_600_000)
        let bed = midnight + 22 * hour + 3 * hour / 4 + random.integer(0...3_600_000)
        let dayIndex = day - startDate.daysSinceEpoch
        var workout: Range<Int64> = 0..<0
        if dayIndex % 3 == 1 {
            let workoutStart = midnight + 18 * hour + random.integer(0...1_800_000)
            workout = workoutStart..<(workoutStart + random.integer(1_800_000...3_600_000))
            add(.workout, workout.lowerBound, workout.upperBound, value: Double(random.integer(0...2)))
        }

        makeSleep(from: max(start, midnight - hour + random.integer(0...3_600_000)), to: wake, limit: end)
        makeHeartRate(start: start, end: end, wake: wake, bed: bed, workout: workout)
        makeActivity(start: start, end: end, wake: wake, bed: bed, workout: workout)
        makeDailyMeasurements(day: day, dayIndex: dayIndex, start: start, end: end, midnight: midnight, wake: wake)
        add(.activitySummary, end - 1, end - 1, value: Double(day))
        events.sort { $0.start < $1.start }
    }

    private mutating func makeHeartRate(start: Int64, end: Int64, wake: Int64, bed: Int64, workout: Range<Int64>) {
        var time = start + random.integer(0...180_000)
        while time < end {
            let asleep = time < wake || time >= bed
            let value: Double
            if workout.contains(time) {
                value = random.normal(mean: 138, deviation: 12)
            } else if asleep {
                value = random.normal(mean: 56, deviation: 4)
            } else {
                value = random.normal(mean: 74, deviation: 9)
            }
            add(.heartRate, time, time, value: min(195, max(38, value.rounded())))
            time += asleep ? random.integer(480_000...900_000) : random.integer(180_000...420_000)
        }
    }

    /// Walking bouts recorded by the watch (steps and distance) and, overlapping, by the phone; active energy
    /// through the whole day.
    private mutating func makeActivity(start: Int64, end: Int64, wake: Int64, bed: Int64, workout: Range<Int64>) {
        var time = max(start, wake + random.integer(600_000...2_400_000))
        while time < min(bed, end) {
            let duration = random.integer(120_000...900_000)
            let steps = (Double(duration) / 60_000 * random.uniform(60...110)).rounded()
            add(.stepsWatch, time, time + duration, value: steps)
            add(.distance, time, time + duration, value: steps * 0.00072)
            if random.chance(0.8) {
                let phoneStart = time + random.integer(0...60_000)
                let phoneEnd = time + duration + random.integer(0...120_000)
                add(.stepsPhone, phoneStart, phoneEnd, value: (steps * random.uniform(0.85...1.1)).rounded())
            }
            time += duration + random.integer(600_000...3_000_000)
        }

        time = start + random.integer(0...600_000)
        while time < end {
            let awake = time >= wake && time < bed
            let duration = random.integer(300_000...600_000)
            var kilocalories = awake ? random.uniform(3...25) : random.uniform(0.5...2)
            if workout.contains(time) {
                kilocalories *= 4
            }
            add(.activeEnergy, time, min(end - 1, time + duration), value: kilocalories)
            time += awake ? random.integer(720_000...1_500_000) : random.integer(3_000_000...4_200_000)
        }
    }

    private mutating func makeDailyMeasurements(
        day: Int64, dayIndex: Int64, start: Int64, end: Int64, midnight: Int64, wake: Int64
    ) {
        let hour = BucketKey.millisecondsPerHour
        if random.chance(0.85) {
            weightKg += random.normal(mean: (78 - weightKg) * 0.02, deviation: 0.18)
            let time = wake + random.integer(300_000...1_800_000)
            if day >= poundsFromDay {
                add(.bodyMassPounds, time, time, value: weightKg * 2.204_622_621_8)
            } else {
                add(.bodyMassKilograms, time, time, value: weightKg)
            }
        }
        let restingTime = midnight + 21 * hour + random.integer(0...3_600_000)
        add(.restingHeartRate, restingTime, restingTime, value: random.normal(mean: 58, deviation: 2.5).rounded())
        for _ in 0..<3 {
            let time = wake + random.integer(0...(14 * hour))
            add(.heartRateVariability, time, time + 60_000, value: max(12, random.normal(mean: 48, deviation: 12)))
        }
        for _ in 0..<2 {
            let time = midnight + random.integer(hour...(5 * hour))
            add(.oxygenSaturation, time, time, value: min(1, max(0.9, random.normal(mean: 0.965, deviation: 0.012))))
        }
        for _ in 0..<4 {
            let time = midnight + random.integer(0...(6 * hour))
            add(.respiratoryRate, time, time + 300_000, value: random.normal(mean: 14.5, deviation: 1.2))
        }
        if dayIndex % 3 == 0 {
            let time = wake + random.integer(1_200_000...2_400_000)
            let systolic = random.normal(mean: 122, deviation: 8).rounded()
            let diastolic = min(systolic - 25, random.normal(mean: 79, deviation: 6).rounded())
            add(.bloodPressure, time, time, value: systolic, second: diastolic)
        }
        // Events of this day that fall outside the day's span (a short day of travel) are dropped.
        events.removeAll { event in
            event.kind.isDailyMeasurement && (event.start < start || event.end >= end)
        }
    }

    /// Adds one night: in bed from `from` to `to`, with sleep stages in between.
    private mutating func makeSleep(from: Int64, to: Int64, limit: Int64) {
        let end = min(to, limit - 1)
        guard end > from else { return }
        add(.sleepInBed, from, end, value: 0)
        let stages: [GeneratedEvent.Kind] = [.sleepCore, .sleepDeep, .sleepCore, .sleepREM, .sleepAwake]
        var time = from + random.integer(300_000...1_200_000)
        var stage = 0
        while time < end {
            let stageEnd = min(end, time + random.integer(1_200_000...5_400_000))
            add(stages[stage % stages.count], time, stageEnd, value: 0)
            time = stageEnd
            stage += 1
        }
    }

    private mutating func add(_ kind: GeneratedEvent.Kind, _ start: Int64, _ end: Int64, value: Double, second: Double = 0) {
        events.append(GeneratedEvent(kind: kind, start: start, end: end, value: value, second: second))
    }

    // MARK: - Writing

    /// Writes the day's events with the UTC offsets of `zone`, where the person spends that day.
    private mutating func writeEvents(zone: GeneratorTimeZone, to output: inout OutputWriter) throws {
        for event in events {
            let remaining = recordCount - statistics.quantityRecords
            guard remaining > 0 else { return }
            // A blood-pressure pair is written whole or not at all, so the count stays exact.
            guard event.kind.quantityRecords <= remaining else { continue }
            GeneratorEventWriter.write(event, zone: zone, to: &output)
            statistics.quantityRecords += event.kind.quantityRecords
            switch event.kind {
            case .bloodPressure: statistics.correlations += 1
            case .workout: statistics.workouts += 1
            case .activitySummary: statistics.activitySummaries += 1
            case .sleepInBed, .sleepCore, .sleepDeep, .sleepREM, .sleepAwake: statistics.categoryRecords += 1
            default: break
            }
            try output.flushIfFull()
        }
    }

    private func writeHeader(to output: inout OutputWriter) {
        output.write(
            StaticString(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE HealthData [
                <!-- A synthetic export written by 'health generate apple-health'; no real person's data. -->
                <!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
                <!ATTLIST HealthData locale CDATA #REQUIRED>
                <!ELEMENT ExportDate EMPTY>
                <!ATTLIST ExportDate value CDATA #REQUIRED>
                <!ELEMENT Me EMPTY>
                <!ATTLIST Me
                  HKCharacteristicTypeIdentifierDateOfBirth CDATA #REQUIRED
                  HKCharacteristicTypeIdentifierBiologicalSex CDATA #REQUIRED
                  HKCharacteristicTypeIdentifierBloodType CDATA #REQUIRED
                >
                <!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
                <!ATTLIST Record
                  type CDATA #REQUIRED
                  unit CDATA #IMPLIED
                  value CDATA #IMPLIED
                  sourceName CDATA #REQUIRED
                  sourceVersion CDATA #IMPLIED
                  device CDATA #IMPLIED
                  creationDate CDATA #IMPLIED
                  startDate CDATA #REQUIRED
                  endDate CDATA #REQUIRED
                >
                <!ELEMENT Correlation ((MetadataEntry|Record)*)>
                <!ATTLIST Correlation
                  type CDATA #REQUIRED
                  sourceName CDATA #REQUIRED
                  sourceVersion CDATA #IMPLIED
                  creationDate CDATA #IMPLIED
                  startDate CDATA #REQUIRED
                  endDate CDATA #REQUIRED
                >
                <!ELEMENT Workout ((MetadataEntry|WorkoutStatistics)*)>
                <!ATTLIST Workout
                  workoutActivityType CDATA #REQUIRED
                  duration CDATA #IMPLIED
                  durationUnit CDATA #IMPLIED
                  sourceName CDATA #REQUIRED
                  sourceVersion CDATA #IMPLIED
                  creationDate CDATA #IMPLIED
                  startDate CDATA #REQUIRED
                  endDate CDATA #REQUIRED
                >
                <!ELEMENT WorkoutStatistics EMPTY>
                <!ATTLIST WorkoutStatistics
                  type CDATA #REQUIRED
                  startDate CDATA #REQUIRED
                  endDate CDATA #REQUIRED
                  average CDATA #IMPLIED
                  unit CDATA #IMPLIED
                >
                <!ELEMENT ActivitySummary EMPTY>
                <!ATTLIST ActivitySummary
                  dateComponents CDATA #IMPLIED
                  activeEnergyBurned CDATA #IMPLIED
                  activeEnergyBurnedUnit CDATA #IMPLIED
                  appleExerciseTime CDATA #IMPLIED
                  appleStandHours CDATA #IMPLIED
                >
                <!ELEMENT MetadataEntry EMPTY>
                <!ATTLIST MetadataEntry key CDATA #REQUIRED value CDATA #REQUIRED>
                <!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
                <!ELEMENT InstantaneousBeatsPerMinute EMPTY>
                <!ATTLIST InstantaneousBeatsPerMinute bpm CDATA #REQUIRED time CDATA #REQUIRED>
                ]>
                <HealthData locale="en_US">

                """))
        let exportDay = AppleHealthGenerator.targetEndDate.daysSinceEpoch + 1
        let exportTime = exportDay * BucketKey.millisecondsPerDay + 13 * BucketKey.millisecondsPerHour
        output.write(StaticString(" <ExportDate value=\""))
        output.write(appleDate: exportTime, offsetMinutes: -240)
        output.write(
            StaticString(
                """
                "/>
                 <Me HKCharacteristicTypeIdentifierDateOfBirth="1986-03-14" \
                HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" \
                HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"/>

                """))
    }
}

/// One thing to write: a sample, a blood-pressure pair, a night's sleep stage, a workout or a day's summary.
struct GeneratedEvent {
    enum Kind {
        case heartRate, stepsWatch, stepsPhone, distance, activeEnergy, bodyMassKilograms, bodyMassPounds
        case restingHeartRate, heartRateVariability, oxygenSaturation, respiratoryRate, bloodPressure
        case sleepInBed, sleepCore, sleepDeep, sleepREM, sleepAwake, workout, activitySummary

        /// Top-level quantity Records the event writes.
        var quantityRecords: Int {
            switch self {
            case .bloodPressure: return 2
            case .sleepInBed, .sleepCore, .sleepDeep, .sleepREM, .sleepAwake, .workout, .activitySummary: return 0
            default: return 1
            }
        }

        /// Once-a-day samples tied to the day's schedule, dropped when they fall outside a short travel day.
        var isDailyMeasurement: Bool {
            switch self {
            case .bodyMassKilograms, .bodyMassPounds, .restingHeartRate, .heartRateVariability, .oxygenSaturation,
                .respiratoryRate, .bloodPressure:
                return true
            default:
                return false
            }
        }
    }

    var kind: Kind
    /// UTC milliseconds.
    var start: Int64
    var end: Int64
    var value: Double
    /// The diastolic value of a blood-pressure pair.
    var second: Double
}
