// Turns one FHIR Observation into vital or lab records: decides by status and category, finds the time, and
// names the records so that importing the same file again replaces instead of adding.

import HealthDomain

/// The position of a resource in its file, and the values its container passes on to it.
struct FHIRResourceContext {
    /// `entry 3` in a Bundle, `line 7` in NDJSON, empty for a file holding one resource.
    var location: String
    /// The 1-based NDJSON line, when there is one.
    var line: Int?
    /// The Bundle entry's fullUrl, such as `urn:uuid:...`.
    var fullUrl: String?
    /// The record source for an Observation without `meta.source`: the Bundle's, else the importer's default.
    var source: String
}

/// The parts of a DiagnosticReport that the Observations listed in its `result` inherit.
struct FHIRReportLink {
    /// The report's `id`, else its fullUrl; stored as LabRecord.reportId.
    var reportId: String
    /// True when the report's category is a laboratory section of HL7 v2 table 0074.
    var isLaboratory: Bool
    var effective: FHIRObservationTime.Lookup
    var issued: FHIRObservationTime.Lookup
}

struct FHIRObservationReader {
    /// When set, vital-sign codes and components missing from the catalog are skipped, and among several LOINC
    /// codings the first that the catalog contains is used. When nil, the first LOINC coding is used and the server
    /// decides which metrics it accepts.
    let catalog: VitalsCatalog?

    enum Category: Equatable {
        case vitalSigns
        case laboratory
        /// Categories the store has no place for, or none (an empty list), as named in skip reasons.
        case other([String])
    }

    /// Returns whether reading `observation` may depend on a DiagnosticReport that lists it: with no category it may
    /// take the report's laboratory category, and a lab result without an effective time takes the report's.
    static func dependsOnReport(_ observation: FHIRJSON) -> Bool {
        switch category(of: observation) {
        case .other(let names): names.isEmpty
        case .laboratory: FHIRObservationTime.effective(of: observation) == .missing
        case .vitalSigns: false
        }
    }

    /// Reads `observation` into `result`: appends its records, or a rejection, or counts why it was skipped.
    func read(
        _ observation: FHIRJSON, context: FHIRResourceContext, report: FHIRReportLink?,
        into result: inout FHIRImport
    ) {
        if let status = observation["status"]?.stringValue, status == "entered-in-error" || status == "cancelled" {
            result.skip("status \(status)")
            return
        }
        switch Self.category(of: observation) {
        case .vitalSigns:
            readVital(observation, context: context, into: &result)
        case .laboratory:
            readLab(observation, context: context, report: report, into: &result)
        case .other(let names) where names.isEmpty:
            if let report, report.isLaboratory {
                result.warn("laboratory category taken from the DiagnosticReport that lists the observation")
                readLab(observation, context: context, report: report, into: &result)
            } else {
                result.skip("no category")
            }
        case .other(let names):
            result.skip("category " + names.joined(separator: "+"))
        }
    }

    /// Returns the first of `vital-signs` and `laboratory` among the Observation's categories, else the names of all
    /// of them: the observation-category code where there is one, else the first code or the text.
    static func category(of observation: FHIRJSON) -> Category {
        var names: [String] = []
        for concept in observation["category"]?.elements ?? [] {
            let codings = concept["coding"]?.elements ?? []
            let standard = codings.first {
                guard let system = $0["system"]?.stringValue else { return true }
                return FHIRCoding.observationCategorySystems.contains(system)
            }
            if let code = standard?["code"]?.stringValue {
                if code == "vital-signs" {
                    return .vitalSigns
                }
                if code == "laboratory" {
                    return .laboratory
                }
                names.append(code)
            } else {
                names.append(FHIRCoding.name(of: concept) ?? "(unnamed)")
            }
        }
        return .other(names)
    }

    // MARK: - Vital signs

    private func readVital(_ observation: FHIRJSON, context: FHIRResourceContext, into result: inout FHIRImport) {
        let measurements = vitalMeasurements(of: observation, context: context, into: &result)
        guard !measurements.isEmpty else { return }
        guard let time = resolveTime(of: observation, report: nil, context: context, into: &result) else { return }
        if time.isIssued {
            result.warn("vital sign timed by its issued time, for lack of an effective time")
        }
        let identity = identity(of: observation, context: context, into: &result)
        for measurement in measurements {
            result.vitals.append(
                VitalRecord(
                    metric: measurement.code, value: measurement.value, unit: measurement.unit,
                    startMs: time.start.utcMs, endMs: time.endMs, offsetMinutes: time.start.offsetMinutes,
                    source: identity.source, sourceRecordId: identity.recordId(suffix: measurement.idSuffix),
                    version: identity.version))
        }
    }

    // MARK: - Laboratory

    private func readLab(
        _ observation: FHIRJSON, context: FHIRResourceContext, report: FHIRReportLink?,
        into result: inout FHIRImport
    ) {
        let results = labResults(of: observation, context: context, into: &result)
        guard !results.isEmpty else { return }
        guard let time = resolveTime(of: observation, report: report, context: context, into: &result) else { return }
        let identity = identity(of: observation, context: context, into: &result)
        for labResult in results {
            result.labs.append(
                LabRecord(
                    test: labResult.test, code: labResult.code, valueText: labResult.valueText, unit: labResult.unit,
                    referenceLow: labResult.range.low, referenceHigh: labResult.range.high,
                    referenceText: labResult.range.text, collectedMs: time.start.utcMs,
                    offsetMinutes: time.start.offsetMinutes, timeIsIssued: time.isIssued, reportId: report?.reportId,
                    source: identity.source, sourceRecordId: identity.recordId(suffix: labResult.idSuffix),
                    version: identity.version))
        }
    }

    // MARK: - Time

    /// Returns the Observation's effective time, else (for lab results) the listing report's effective time, else the
    /// Observation's `issued`, else the report's `issued`. Appends a rejection and returns nil when there is none
    /// or one is unreadable.
    private func resolveTime(
        of observation: FHIRJSON, report: FHIRReportLink?, context: FHIRResourceContext,
        into result: inout FHIRImport
    ) -> FHIRObservationTime? {
        var lookups: [(FHIRObservationTime.Lookup, warning: String?)] = [
            (FHIRObservationTime.effective(of: observation), nil)
        ]
        if let report {
            lookups.append((report.effective, "lab time taken from the DiagnosticReport that lists the observation"))
        }
        lookups.append((FHIRObservationTime.issued(of: observation), nil))
        if let report {
            lookups.append((report.issued, "lab time taken from the DiagnosticReport that lists the observation"))
        }
        for (lookup, warning) in lookups {
            switch lookup {
            case .found(let time):
                if let warning {
                    result.warn(warning)
                }
                return time
            case .invalid(let reason):
                reject(observation, context: context, reason: reason, into: &result)
                return nil
            case .missing:
                continue
            }
        }
        let reason =
            "no time: the Observation has none of effectiveDateTime, effectiveInstant, effectivePeriod "
            + "and issued"
        reject(observation, context: context, reason: reason, into: &result)
        return nil
    }

    // MARK: - Identity

    /// The source, record id and version that every record of one Observation shares.
    ///
    /// NOTE: an Observation id is unique only on the server that assigned it. Two files from different servers
    /// that reuse an id under the same source (such as the default `fhir`) replace each other's records.
    struct Identity {
        var source: String
        /// The Observation's `id`, else the entry's fullUrl.
        var baseId: String?
        var version: Int64

        /// Returns the base id, followed by `#suffix` for a record split from a component.
        func recordId(suffix: String?) -> String? {
            guard let baseId else { return nil }
            guard let suffix else { return baseId }
            return baseId + "#" + suffix
        }
    }

    private func identity(
        of observation: FHIRJSON, context: FHIRResourceContext, into result: inout FHIRImport
    ) -> Identity {
        let baseId = FHIRCoding.nonEmpty(observation["id"]?.stringValue) ?? FHIRCoding.nonEmpty(context.fullUrl)
        if baseId == nil {
            result.warn("observation without id or fullUrl, so importing it again adds it again")
        }
        let meta = observation["meta"]
        // A numeric meta.versionId orders the versions of one Observation; other version ids are opaque.
        let version = meta?["versionId"]?.stringValue.flatMap { Int64($0) } ?? 0
        let source = FHIRCoding.nonEmpty(meta?["source"]?.stringValue) ?? context.source
        return Identity(source: source, baseId: baseId, version: version)
    }

    func reject(
        _ observation: FHIRJSON, context: FHIRResourceContext, reason: String, into result: inout FHIRImport
    ) {
        result.rejected.append(
            FHIRImport.Rejection(location: Self.describe(observation, at: context), reason: reason, line: context.line))
    }

    /// `entry 3 (Observation/abc)`, or the parts of it that are known.
    static func describe(_ resource: FHIRJSON, at context: FHIRResourceContext) -> String {
        let type = resource["resourceType"]?.stringValue ?? "resource"
        let name = FHIRCoding.nonEmpty(resource["id"]?.stringValue).map { "\(type)/\($0)" } ?? context.fullUrl
        switch (context.location.isEmpty, name) {
        case (true, let name?): return name
        case (true, nil): return type
        case (false, let name?): return "\(context.location) (\(name))"
        case (false, nil): return context.location
        }
    }
}
