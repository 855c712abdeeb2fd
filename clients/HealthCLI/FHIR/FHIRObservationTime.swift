// The time of an Observation: `effectiveDateTime`, else `effectiveInstant`, else the start of `effectivePeriod`
// (keeping its end), else `issued`. DiagnosticReports carry the same elements, so the same code reads them.

import HealthDomain

/// When an observation was made, in the form records store it.
struct FHIRObservationTime: Equatable {
    /// A date alone is local noon with no offset, as `TimestampParser.parseRFC3339` reads it.
    var start: LocalTimestamp
    /// The end of an effectivePeriod, or nil for a point in time. It is in the same frame as `start.utcMs`: UTC when
    /// `start` has an offset, and local clock time read as UTC when it has none.
    var endMs: Int64?
    /// True when the time is the `issued` time because the resource has no effective time.
    var isIssued = false

    /// The outcome of looking for one kind of time in a resource.
    enum Lookup: Equatable {
        case found(FHIRObservationTime)
        case missing
        /// The element is there but unreadable; the reason names the element and its value.
        case invalid(String)
    }

    /// Reads the effective time of `resource`: `effectiveDateTime`, else `effectiveInstant`, else
    /// `effectivePeriod`. A period without a start is timed by its end. `effectiveTiming` is not read.
    static func effective(of resource: FHIRJSON) -> Lookup {
        for name in ["effectiveDateTime", "effectiveInstant"] {
            if let element = resource[name] {
                return parse(element, name: name).map { FHIRObservationTime(start: $0) }
            }
        }
        guard let period = resource["effectivePeriod"] else { return .missing }
        let start = period["start"].map { parse($0, name: "effectivePeriod.start") }
        let end = period["end"].map { parse($0, name: "effectivePeriod.end") }
        switch (start, end) {
        case (nil, nil):
            return .missing
        case (.invalid(let reason)?, _), (_, .invalid(let reason)?):
            return .invalid(reason)
        case (.found(let startTime)?, .found(let endTime)?):
            let endMs = sameFrame(endTime, as: startTime)
            guard endMs >= startTime.utcMs else {
                let startText = period["start"]?.stringValue ?? ""
                let endText = period["end"]?.stringValue ?? ""
                return .invalid("effectivePeriod ends (\(endText)) before it starts (\(startText))")
            }
            return .found(FHIRObservationTime(start: startTime, endMs: endMs))
        case (.found(let startTime)?, _):
            return .found(FHIRObservationTime(start: startTime))
        case (_, .found(let endTime)?):
            return .found(FHIRObservationTime(start: endTime))
        default:
            return .missing
        }
    }

    /// Reads `issued`; the result has `isIssued` set.
    static func issued(of resource: FHIRJSON) -> Lookup {
        guard let element = resource["issued"] else { return .missing }
        return parse(element, name: "issued").map { FHIRObservationTime(start: $0, isIssued: true) }
    }

    private enum ParsedTimestamp {
        case found(LocalTimestamp)
        case invalid(String)

        func map(_ transform: (LocalTimestamp) -> FHIRObservationTime) -> Lookup {
            switch self {
            case .found(let timestamp): .found(transform(timestamp))
            case .invalid(let reason): .invalid(reason)
            }
        }
    }

    private static func parse(_ element: FHIRJSON, name: String) -> ParsedTimestamp {
        guard let text = element.stringValue else {
            return .invalid("\(name) is \(element.typeName), not a date-time string")
        }
        guard let timestamp = TimestampParser.parseRFC3339(text) else {
            // FHIR allows a year or a year and month alone, but a record needs at least a day.
            return .invalid(
                "\(name) \"\(text)\" is not a date or date-time with at least a day "
                    + "(expected such as 2012-09-17 or 2012-09-17T08:30:00+01:00)")
        }
        return .found(timestamp)
    }

    /// `time.utcMs` moved into the frame of `reference`, so that an end without an offset lines up with a start
    /// that has one, and the other way round.
    private static func sameFrame(_ time: LocalTimestamp, as reference: LocalTimestamp) -> Int64 {
        switch (reference.offsetMinutes, time.offsetMinutes) {
        case (let referenceOffset?, nil):
            return time.utcMs - Int64(referenceOffset) * 60_000
        case (nil, let ownOffset?):
            return time.utcMs + Int64(ownOffset) * 60_000
        default:
            return time.utcMs
        }
    }
}
