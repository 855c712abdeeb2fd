// Reads FHIR R4 JSON files into vital and lab records. A file is a Bundle of any type (transaction, batch,
// collection, searchset and others), a single resource such as one Observation, or NDJSON with one resource per
// line. Nothing is sent anywhere, because the caller submits the records.
//
// Workload: personal records and patient bundles of kilobytes up to tens of megabytes. A JSON document is read
// whole; an NDJSON file is read line by line.

import HealthDomain

/// Reads FHIR files into `FHIRImport` values.
///
/// Rules, in the order they apply to each Observation:
/// - status `entered-in-error` or `cancelled`: skipped.
/// - category `vital-signs` gives vitals, `laboratory` gives labs. An Observation without any category is a lab
///   result when a DiagnosticReport of a laboratory section (v2 table 0074, such as LAB, CH, HM) lists it. Every
///   other Observation is skipped and counted by its category.
/// - time: `effectiveDateTime`, else `effectiveInstant`, else `effectivePeriod` (start, with the end kept for
///   vitals), else `issued`. A time from `issued` sets LabRecord.timeIsIssued, and for vitals counts a warning.
///   Lab results without an effective time of their own take the listing report's. With no time at all the
///   Observation is rejected.
/// - vitals: `valueQuantity` only, one record per component with a LOINC code (blood pressure), the metric being
///   the LOINC code and the unit the UCUM code when the system is UCUM. Other value types are skipped by type.
/// - labs: the value as text (`<0.5` keeps its comparator; coded values give their text), the first reference
///   range, the LOINC code, the test name from `code.text`, and the id of the DiagnosticReport that lists it.
/// - records carry `source` (`meta.source`, else the Bundle's, else `source`) and `sourceRecordId` (the
///   Observation `id`, else its fullUrl, with `#code` appended for a component), so a re-import replaces.
public struct FHIRImporter: Sendable {
    /// The record source when neither the Observation nor its Bundle has `meta.source`.
    public static let defaultSource = "fhir"

    /// When set, vital signs whose LOINC codes the catalog does not know are skipped and counted, rather than sent
    /// for the server to fail them.
    public var catalog: VitalsCatalog?
    public var source: String

    public init(catalog: VitalsCatalog? = nil, source: String = FHIRImporter.defaultSource) {
        self.catalog = catalog
        self.source = source
    }

    /// Reads one file. A name ending in `.ndjson` or `.jsonl` is read line by line as NDJSON; any other file is
    /// read as one JSON document, or as NDJSON when its first line is a complete JSON object followed by more.
    ///
    /// Throws `FHIRImportError` when the file cannot be read, is not JSON, or contains no FHIR resource. Problems of
    /// single Observations and NDJSON lines do not throw; they are in the result's `rejected` and `skipped`.
    public func parse(path: String) throws(FHIRImportError) -> FHIRImport {
        let input = try FHIRFileInput(path: path)
        defer { input.close() }
        let lowercased = path.lowercased()
        if lowercased.hasSuffix(".ndjson") || lowercased.hasSuffix(".jsonl") {
            var lines = NDJSONState(reader: makeReader(), source: source)
            try input.forEachLine { line, number in lines.add(line, number: number) }
            return try lines.finish(path: path)
        }
        return try parse(bytes: input.readAll(), name: path)
    }

    /// Reads the bytes of one file; `name` stands for the file in errors. See `parse(path:)`.
    public func parse(bytes: [UInt8], name: String) throws(FHIRImportError) -> FHIRImport {
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(FHIRImportError) -> FHIRImport in try parse(buffer: buffer, name: name) }
        }
        return try outcome.get()
    }

    private func parse(buffer: UnsafeBufferPointer<UInt8>, name: String) throws(FHIRImportError) -> FHIRImport {
        if Self.firstSignificantByte(of: buffer) == UInt8(ascii: "<") {
            throw FHIRImportError(
                path: name, message: "the file is XML; FHIR XML is not read, so export the records as FHIR JSON")
        }
        let document: FHIRJSON
        do {
            document = try FHIRJSONParser.parse(buffer)
        } catch {
            if error.isTrailingContent && Self.firstLineIsObject(buffer) {
                return try parseNDJSON(buffer, name: name)
            }
            let (line, column) = error.position(in: buffer)
            throw FHIRImportError(
                path: name,
                message: "invalid JSON at line \(line), column \(column): \(error.message); expected a FHIR resource, "
                    + "a Bundle, or NDJSON with one resource per line")
        }
        guard case .object = document, let type = document["resourceType"]?.stringValue else {
            throw FHIRImportError(
                path: name,
                message: "the JSON is not a FHIR resource: it has no resourceType; expected an R4 Bundle, an "
                    + "Observation or another resource")
        }
        var collector = FHIRResourceCollector(reader: makeReader())
        let context = FHIRResourceContext(location: "", line: nil, fullUrl: nil, source: source)
        if type == "Bundle" {
            collector.addBundle(document, context: context)
        } else {
            collector.add(document, context: context)
        }
        return collector.finish()
    }

    private func parseNDJSON(_ buffer: UnsafeBufferPointer<UInt8>, name: String) throws(FHIRImportError) -> FHIRImport {
        var lines = NDJSONState(reader: makeReader(), source: source)
        var lineStart = 0
        var number = 0
        for index in 0...buffer.count where index == buffer.count || buffer[index] == 0x0A {
            number += 1
            lines.add(FHIRFileInput.trimmingCarriageReturn(buffer, lineStart..<index), number: number)
            lineStart = index + 1
        }
        return try lines.finish(path: name)
    }

    private func makeReader() -> FHIRObservationReader {
        FHIRObservationReader(catalog: catalog)
    }

    private static func firstSignificantByte(of buffer: UnsafeBufferPointer<UInt8>) -> UInt8? {
        var index = buffer.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < buffer.count, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[index]) {
            index += 1
        }
        return index < buffer.count ? buffer[index] : nil
    }

    /// Returns whether the first line alone is a JSON object, which distinguishes NDJSON from a document followed
    /// by stray text.
    private static func firstLineIsObject(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let end = buffer.firstIndex(of: 0x0A) ?? buffer.count
        let line = FHIRFileInput.trimmingCarriageReturn(buffer, 0..<end)
        guard case .object? = try? FHIRJSONParser.parse(line) else { return false }
        return true
    }
}

/// The state of an NDJSON file read line by line.
private struct NDJSONState {
    var collector: FHIRResourceCollector
    let source: String
    var validLines = 0
    /// The first invalid line, reported when no line at all is valid.
    var firstFailure: FHIRImport.Rejection?

    init(reader: FHIRObservationReader, source: String) {
        collector = FHIRResourceCollector(reader: reader)
        self.source = source
    }

    /// Reads one line; blank lines are ignored, and a line that is not a JSON resource is rejected with its number.
    mutating func add(_ line: UnsafeBufferPointer<UInt8>, number: Int) {
        guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { return }
        let location = "line \(number)"
        let resource: FHIRJSON
        do {
            resource = try FHIRJSONParser.parse(line)
        } catch {
            let column = error.position(in: line).column
            fail(location: location, reason: "invalid JSON at column \(column): \(error.message)", line: number)
            return
        }
        guard case .object = resource else {
            fail(
                location: location, reason: "expected a FHIR resource (a JSON object), found \(resource.typeName)",
                line: number)
            return
        }
        guard resource["resourceType"]?.stringValue != nil else {
            fail(
                location: location, reason: "the JSON object has no resourceType, so it is not a FHIR resource",
                line: number)
            return
        }
        validLines += 1
        collector.add(
            resource,
            context: FHIRResourceContext(
                location: location, line: number, fullUrl: nil,
                source: source))
    }

    /// Returns the result, or throws when the file had lines but none of them was a resource.
    mutating func finish(path: String) throws(FHIRImportError) -> FHIRImport {
        if validLines == 0, let firstFailure {
            throw FHIRImportError(
                path: path,
                message: "no line is a FHIR resource (\(firstFailure.location): \(firstFailure.reason)); NDJSON "
                    + "holds one JSON resource per line")
        }
        return collector.finish()
    }

    private mutating func fail(location: String, reason: String, line: Int) {
        let rejection = FHIRImport.Rejection(location: location, reason: reason, line: line)
        if firstFailure == nil {
            firstFailure = rejection
        }
        collector.reject(location: location, reason: reason, line: line)
    }
}
