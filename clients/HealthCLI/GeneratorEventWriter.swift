// The XML of each generated event, in the attribute order and spelling of real Apple Health exports.

import HealthDomain

enum GeneratorEventWriter {
    /// An app or device that writes samples.
    struct Source {
        var name: StaticString
        var version: StaticString
        /// The `device` attribute, already escaped; empty for apps that write none.
        var device: StaticString
    }

    static let watch = Source(
        name: "Alex’s Apple Watch", version: "10.2",
        device:
            "&lt;&lt;HKDevice: 0x28215ec60&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:10.2&gt;"
    )
    static let phone = Source(
        name: "Alex’s iPhone", version: "17.2",
        device:
            "&lt;&lt;HKDevice: 0x2821a3480&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone15,2, software:17.2&gt;"
    )
    static let scale = Source(name: "Withings", version: "6.3.1", device: "")
    static let manual = Source(name: "Health", version: "17.2", device: "")
    static let cuff = Source(name: "OMRON connect", version: "2.5.0", device: "")

    static func write(_ event: GeneratedEvent, zone: GeneratorTimeZone, to output: inout OutputWriter) {
        let times = Times(event: event, zone: zone)
        switch event.kind {
        case .heartRate:
            record("HKQuantityTypeIdentifierHeartRate", watch, "count/min", times, event.value, 0, &output, open: true)
            output.write(StaticString("  <MetadataEntry key=\"HKMetadataKeyHeartRateMotionContext\" value=\""))
            output.write(integer: (event.start / 1000) % 2)
            output.write(StaticString("\"/>\n </Record>\n"))
        case .stepsWatch:
            record("HKQuantityTypeIdentifierStepCount", watch, "count", times, event.value, 0, &output)
        case .stepsPhone:
            record("HKQuantityTypeIdentifierStepCount", phone, "count", times, event.value, 0, &output)
        case .distance:
            record("HKQuantityTypeIdentifierDistanceWalkingRunning", watch, "km", times, event.value, 4, &output)
        case .activeEnergy:
            record("HKQuantityTypeIdentifierActiveEnergyBurned", watch, "kcal", times, event.value, 3, &output)
        case .bodyMassKilograms:
            record("HKQuantityTypeIdentifierBodyMass", scale, "kg", times, event.value, 1, &output)
        case .bodyMassPounds:
            record("HKQuantityTypeIdentifierBodyMass", manual, "lb", times, event.value, 1, &output, open: true)
            output.write(StaticString("  <MetadataEntry key=\"HKWasUserEntered\" value=\"1\"/>\n </Record>\n"))
        case .restingHeartRate:
            record("HKQuantityTypeIdentifierRestingHeartRate", watch, "count/min", times, event.value, 0, &output)
        case .heartRateVariability:
            writeHeartRateVariability(event, times, &output)
        case .oxygenSaturation:
            record("HKQuantityTypeIdentifierOxygenSaturation", watch, "%", times, event.value, 2, &output)
        case .respiratoryRate:
            record("HKQuantityTypeIdentifierRespiratoryRate", watch, "count/min", times, event.value, 1, &output)
        case .bloodPressure:
            writeBloodPressure(event, times, &output)
        case .sleepInBed:
            sleep("HKCategoryValueSleepAnalysisInBed", phone, times, &output)
        case .sleepCore:
            sleep("HKCategoryValueSleepAnalysisAsleepCore", watch, times, &output)
        case .sleepDeep:
            sleep("HKCategoryValueSleepAnalysisAsleepDeep", watch, times, &output)
        case .sleepREM:
            sleep("HKCategoryValueSleepAnalysisAsleepREM", watch, times, &output)
        case .sleepAwake:
            sleep("HKCategoryValueSleepAnalysisAwake", watch, times, &output)
        case .workout:
            writeWorkout(event, times, &output)
        case .activitySummary:
            writeActivitySummary(event, times, &output)
        }
    }

    /// The start, end and creation instants of an event with their UTC offsets.
    struct Times {
        var start: Int64
        var startOffset: Int
        var end: Int64
        var endOffset: Int
        /// Devices sync a little after the sample ends.
        var creation: Int64

        init(event: GeneratedEvent, zone: GeneratorTimeZone) {
            start = event.start
            startOffset = zone.offsetMinutes(atUTC: event.start)
            end = event.end
            endOffset = zone.offsetMinutes(atUTC: event.end)
            creation = event.end + 60_000 + (event.start % 240) * 1000
        }
    }

    // MARK: - Elements

    /// Writes `<Record ...>` (open) or `<Record .../>`.
    private static func record(
        _ type: StaticString, _ source: Source, _ unit: StaticString, _ times: Times, _ value: Double,
        _ decimals: Int, _ output: inout OutputWriter, open: Bool = false, indent: StaticString = " "
    ) {
        output.write(indent)
        output.write(StaticString("<Record type=\""))
        output.write(type)
        output.write(StaticString("\""))
        writeSource(source, &output)
        output.write(StaticString(" unit=\""))
        output.write(unit)
        output.write(StaticString("\""))
        writeDates(times, &output)
        output.write(StaticString(" value=\""))
        output.write(value, decimals: decimals)
        output.write(open ? StaticString("\">\n") : StaticString("\"/>\n"))
    }

    private static func sleep(_ value: StaticString, _ source: Source, _ times: Times, _ output: inout OutputWriter) {
        output.write(StaticString(" <Record type=\"HKCategoryTypeIdentifierSleepAnalysis\""))
        writeSource(source, &output)
        writeDates(times, &output)
        output.write(StaticString(" value=\""))
        output.write(value)
        output.write(StaticString("\"/>\n"))
    }

    private static func writeHeartRateVariability(_ event: GeneratedEvent, _ times: Times, _ output: inout OutputWriter)
    {
        record(
            "HKQuantityTypeIdentifierHeartRateVariabilitySDNN", watch, "ms", times, event.value, 4, &output,
            open: true)
        output.write(StaticString("  <HeartRateVariabilityMetadataList>\n"))
        let localSeconds = (times.start + Int64(times.startOffset) * 60_000) / 1000
        for beat in 0..<4 {
            let second = localSeconds + Int64(beat)
            let hour = Int(second / 3600 % 24)
            output.write(StaticString("   <InstantaneousBeatsPerMinute bpm=\""))
            output.write(integer: 58 + (second % 23))
            output.write(StaticString("\" time=\""))
            output.write(integer: Int64(hour % 12 == 0 ? 12 : hour % 12))
            output.write(byte: 0x3A)
            output.write(padded: Int(second / 60 % 60), width: 2)
            output.write(byte: 0x3A)
            output.write(padded: Int(second % 60), width: 2)
            output.write(StaticString(".00"))
            output.write(hour < 12 ? StaticString(" AM\"/>\n") : StaticString(" PM\"/>\n"))
        }
        output.write(StaticString("  </HeartRateVariabilityMetadataList>\n </Record>\n"))
    }

    /// Two top-level Records, then the Correlation that repeats them, as Apple writes blood pressure.
    private static func writeBloodPressure(_ event: GeneratedEvent, _ times: Times, _ output: inout OutputWriter) {
        let systolic: StaticString = "HKQuantityTypeIdentifierBloodPressureSystolic"
        let diastolic: StaticString = "HKQuantityTypeIdentifierBloodPressureDiastolic"
        record(systolic, cuff, "mmHg", times, event.value, 0, &output)
        record(diastolic, cuff, "mmHg", times, event.second, 0, &output)
        output.write(StaticString(" <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\""))
        writeSource(cuff, &output)
        writeDates(times, &output)
        output.write(StaticString(">\n"))
        record(systolic, cuff, "mmHg", times, event.value, 0, &output, indent: "  ")
        record(diastolic, cuff, "mmHg", times, event.second, 0, &output, indent: "  ")
        output.write(StaticString(" </Correlation>\n"))
    }

    private static func writeWorkout(_ event: GeneratedEvent, _ times: Times, _ output: inout OutputWriter) {
        let types: [StaticString] = [
            "HKWorkoutActivityTypeRunning", "HKWorkoutActivityTypeCycling", "HKWorkoutActivityTypeWalking",
        ]
        output.write(StaticString(" <Workout workoutActivityType=\""))
        output.write(types[Int(event.value) % types.count])
        output.write(StaticString("\" duration=\""))
        output.write(Double(times.end - times.start) / 60_000, decimals: 4)
        output.write(StaticString("\" durationUnit=\"min\""))
        writeSource(watch, &output)
        writeDates(times, &output)
        output.write(StaticString(">\n  <MetadataEntry key=\"HKIndoorWorkout\" value=\"0\"/>\n"))
        output.write(StaticString("  <WorkoutStatistics type=\"HKQuantityTypeIdentifierHeartRate\""))
        writeDates(times, &output, creation: false)
        output.write(StaticString(" average=\""))
        output.write(integer: 130 + (times.start / 1000) % 20)
        output.write(StaticString("\" unit=\"count/min\"/>\n </Workout>\n"))
    }

    private static func writeActivitySummary(_ event: GeneratedEvent, _ times: Times, _ output: inout OutputWriter) {
        let day = Int64(event.value)
        output.write(StaticString(" <ActivitySummary dateComponents=\""))
        let date = CivilDate(daysSinceEpoch: day)
        output.write(padded: date.year, width: 4)
        output.write(byte: 0x2D)
        output.write(padded: date.month, width: 2)
        output.write(byte: 0x2D)
        output.write(padded: date.day, width: 2)
        output.write(StaticString("\" activeEnergyBurned=\""))
        output.write(Double(300 + (day * 37) % 400) + 0.25, decimals: 3)
        output.write(StaticString("\" activeEnergyBurnedUnit=\"kcal\" appleExerciseTime=\""))
        output.write(integer: 10 + (day * 13) % 60)
        output.write(StaticString("\" appleStandHours=\""))
        output.write(integer: 6 + (day * 7) % 10)
        output.write(StaticString("\"/>\n"))
    }

    // MARK: - Attributes

    private static func writeSource(_ source: Source, _ output: inout OutputWriter) {
        output.write(StaticString(" sourceName=\""))
        output.write(source.name)
        output.write(StaticString("\" sourceVersion=\""))
        output.write(source.version)
        if source.device.utf8CodeUnitCount > 0 {
            output.write(StaticString("\" device=\""))
            output.write(source.device)
        }
        output.write(StaticString("\""))
    }

    private static func writeDates(_ times: Times, _ output: inout OutputWriter, creation: Bool = true) {
        if creation {
            output.write(StaticString(" creationDate=\""))
            output.write(appleDate: times.creation, offsetMinutes: times.endOffset)
            output.write(StaticString("\""))
        }
        output.write(StaticString(" startDate=\""))
        output.write(appleDate: times.start, offsetMinutes: times.startOffset)
        output.write(StaticString("\" endDate=\""))
        output.write(appleDate: times.end, offsetMinutes: times.endOffset)
        output.write(StaticString("\""))
    }
}
