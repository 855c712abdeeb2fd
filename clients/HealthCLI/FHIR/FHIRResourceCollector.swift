// Collects the resources of one FHIR file in any order and links each lab result to the DiagnosticReport that
// lists it. In a Bundle the reports are read before the first Observation. In NDJSON a report may come after its
// results, so those results wait for the end of the file, or get their report id then.

import HealthDomain

struct FHIRResourceCollector {
    private let reader: FHIRObservationReader
    private var result = FHIRImport()
    /// Reports by every key a reference may name them with; the first report that lists a key keeps it.
    private var reportsByResultKey: [String: FHIRReportLink] = [:]
    /// Observations whose reading may depend on a report that has not been read yet.
    private var deferred: [(observation: FHIRJSON, context: FHIRResourceContext)] = []
    /// Lab records read without a report, with the keys a report would list them by.
    private var labsWithoutReport: [(index: Int, keys: [String])] = []

    init(reader: FHIRObservationReader) {
        self.reader = reader
    }

    /// Reads one resource: an Observation becomes records, a DiagnosticReport is indexed, a nested Bundle is
    /// read entry by entry, and any other resource is counted by type.
    mutating func add(_ resource: FHIRJSON, context: FHIRResourceContext) {
        let type = resource["resourceType"]?.stringValue ?? ""
        switch type {
        case "Observation":
            addObservation(resource, context: context)
        case "Bundle":
            addBundle(resource, context: context)
        case "DiagnosticReport":
            registerReport(resource, fullUrl: context.fullUrl)
            result.otherResources[type, default: 0] += 1
        default:
            result.otherResources[type.isEmpty ? "(no resourceType)" : type, default: 0] += 1
        }
    }

    /// Reads the entries of a Bundle: first its DiagnosticReports, so that every lab result finds its report,
    /// then every entry in order.
    mutating func addBundle(_ bundle: FHIRJSON, context: FHIRResourceContext) {
        let entries = bundle["entry"]?.elements ?? []
        let source = FHIRCoding.nonEmpty(bundle["meta"]?["source"]?.stringValue) ?? context.source
        for entry in entries where entry["resource"]?["resourceType"]?.stringValue == "DiagnosticReport" {
            registerReport(entry["resource"]!, fullUrl: entry["fullUrl"]?.stringValue)
        }
        for (offset, entry) in entries.enumerated() {
            let prefix = context.location.isEmpty ? "" : context.location + ", "
            let entryContext = FHIRResourceContext(
                location: prefix + "entry \(offset + 1)", line: context.line, fullUrl: entry["fullUrl"]?.stringValue,
                source: source)
            guard let resource = entry["resource"] else {
                // Delete entries of a transaction or history Bundle, and the entries of a response, carry none.
                result.skip("Bundle entry without a resource")
                continue
            }
            if resource["resourceType"]?.stringValue == "DiagnosticReport" {
                result.otherResources["DiagnosticReport", default: 0] += 1
            } else {
                add(resource, context: entryContext)
            }
        }
    }

    /// Adds a rejection that is not about one Observation, such as an NDJSON line that is not JSON.
    mutating func reject(location: String, reason: String, line: Int?) {
        result.rejected.append(FHIRImport.Rejection(location: location, reason: reason, line: line))
    }

    /// Reads the Observations that waited for reports, fills in the report ids found late, and returns the result.
    mutating func finish() -> FHIRImport {
        for (observation, context) in deferred {
            reader.read(
                observation, context: context, report: report(listing: observation, context: context),
                into: &result)
        }
        deferred = []
        for (index, keys) in labsWithoutReport {
            if let link = reportLink(forKeys: keys) {
                result.labs[index].reportId = link.reportId
            }
        }
        labsWithoutReport = []
        return result
    }

    // MARK: - Observations

    private mutating func addObservation(_ observation: FHIRJSON, context: FHIRResourceContext) {
        result.observationCount += 1
        let report = report(listing: observation, context: context)
        if report == nil && FHIRObservationReader.dependsOnReport(observation) {
            deferred.append((observation, context))
            return
        }
        let labsBefore = result.labs.count
        reader.read(observation, context: context, report: report, into: &result)
        if report == nil && result.labs.count > labsBefore {
            let keys = Self.keys(of: observation, context: context)
            labsWithoutReport += (labsBefore..<result.labs.count).map { ($0, keys) }
        }
    }

    private func report(listing observation: FHIRJSON, context: FHIRResourceContext) -> FHIRReportLink? {
        reportLink(forKeys: Self.keys(of: observation, context: context))
    }

    private func reportLink(forKeys keys: [String]) -> FHIRReportLink? {
        for key in keys {
            if let link = reportsByResultKey[key] {
                return link
            }
        }
        return nil
    }

    private static func keys(of observation: FHIRJSON, context: FHIRResourceContext) -> [String] {
        FHIRCoding.referenceKeys(
            resourceType: "Observation", id: observation["id"]?.stringValue, fullUrl: context.fullUrl)
    }

    // MARK: - Reports

    /// Indexes a report by the references in its `result`.
    /// NOTE: resources inside `contained` (referenced as `#id`) are neither indexed nor read.
    private mutating func registerReport(_ report: FHIRJSON, fullUrl: String?) {
        guard
            let reportId = FHIRCoding.nonEmpty(report["id"]?.stringValue) ?? FHIRCoding.nonEmpty(fullUrl)
        else { return }
        let isLaboratory = (report["category"]?.elements ?? []).contains { concept in
            (concept["coding"]?.elements ?? []).contains {
                $0["system"]?.stringValue == FHIRCoding.diagnosticServiceSectionSystem
                    && FHIRCoding.laboratorySections.contains($0["code"]?.stringValue ?? "")
            }
        }
        let link = FHIRReportLink(
            reportId: reportId, isLaboratory: isLaboratory, effective: FHIRObservationTime.effective(of: report),
            issued: FHIRObservationTime.issued(of: report))
        for reference in report["result"]?.elements ?? [] {
            guard let text = FHIRCoding.nonEmpty(reference["reference"]?.stringValue) else { continue }
            for key in FHIRCoding.keys(ofReference: text) where reportsByResultKey[key] == nil {
                reportsByResultKey[key] = link
            }
        }
    }
}
