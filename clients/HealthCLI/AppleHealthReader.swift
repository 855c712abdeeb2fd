// Turns the tags of an Apple Health export.xml into vital records.
//
// An export contains `Record` elements: quantity samples such as heart rate, and category samples such as sleep.
// It also contains `Correlation` elements (blood pressure, food), whose child Records usually repeat top-level
// Records, and elements the vitals store has no place for (`Workout`, `ActivitySummary`, `Me`, ...). Only Records of
// quantity types (`HKQuantityTypeIdentifier...`) become VitalRecords; everything else is counted by type.

import Glibc
import HealthDomain

/// A quantity record that could not be read, with the line of its `<Record` tag.
struct RejectedRecord: Equatable, Sendable {
    var line: Int
    /// The problem, naming the value, such as `value "abc" is not a number`.
    var reason: String
    /// The reason without the value, for counting rejections by kind.
    var kind: String
}

/// Reads an export fed in chunks of any size and collects the records read so far.
struct AppleHealthReader {
    /// The HealthKit prefix of the quantity types that become vital records.
    static let quantityTypePrefix = "HKQuantityTypeIdentifier"

    private var scanner = XMLStreamScanner()
    private var handler: TagHandler

    /// Keeps the first `maximumRejectionExamples` rejected records with their lines; all are counted.
    init(maximumRejectionExamples: Int = 1000) {
        handler = TagHandler(maximumRejectionExamples: maximumRejectionExamples)
    }

    /// Records read and not yet taken by `takeRecords()`.
    var records: [VitalRecord] { handler.records }
    /// Quantity records read in total (each record of a Correlation counted once).
    var recordCount: Int { handler.recordCount }
    /// Records inside a Correlation that repeat a top-level Record (or an earlier Correlation's), not read again.
    var duplicateCount: Int { handler.duplicateCount }
    /// Skipped elements by what they are: a Record's type, else the element name (such as `Workout`).
    var skippedCounts: [String: Int] { handler.skippedCounts }
    /// Rejected quantity records, counted by kind.
    var rejectionCounts: [String: Int] { handler.rejectionCounts }
    /// The first rejected records, in file order.
    var rejectionExamples: [RejectedRecord] { handler.rejectionExamples }
    var rejectedCount: Int { handler.rejectedCount }
    /// Bytes fed so far.
    var bytesRead: Int64 { scanner.bytesFed }
    /// Control characters removed before parsing because XML forbids them.
    var removedControlCharacters: Int { scanner.removedControlCharacters }

    /// Parses `chunk`; the records it completes are appended to `records`.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        try scanner.feed(chunk, to: &handler)
    }

    mutating func feed(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try feed($0) }
    }

    /// Ends the input. Returns a description of what is missing when the file is truncated, else nil.
    mutating func finish() -> String? {
        let end = scanner.finish()
        if let line = end.unfinishedConstructLine {
            return "the file ends inside the markup that starts at line \(line); it is truncated"
        }
        if end.openElements > 0 {
            return "the file ends before the closing </HealthData> tag; it is truncated"
        }
        if !handler.sawRoot {
            return "the file contains no <HealthData> element; it is not an Apple Health export"
        }
        return nil
    }

    /// Removes and returns the records read so far, with the line of each one's `<Record` tag.
    mutating func takeRecords() -> (records: [VitalRecord], lines: [Int]) {
        let current = (handler.records, handler.lines)
        handler.records = []
        handler.lines = []
        handler.records.reserveCapacity(current.0.count)
        handler.lines.reserveCapacity(current.1.count)
        return current
    }

    /// Returns records taken by `takeRecords()` to the front of the queue; call it before feeding more.
    mutating func putBack(records: [VitalRecord], lines: [Int]) {
        precondition(handler.records.isEmpty, "records must be put back before more are read")
        handler.records = records
        handler.lines = lines
    }
}

// MARK: - Tag handling

/// Element and attribute names as bytes, for comparing without building Strings.
private enum Names {
    static let record = Array("Record".utf8)
    static let correlation = Array("Correlation".utf8)
    static let healthData = Array("HealthData".utf8)
    static let type = Array("type".utf8)
    static let sourceName = Array("sourceName".utf8)
    static let unit = Array("unit".utf8)
    static let value = Array("value".utf8)
    static let startDate = Array("startDate".utf8)
    static let endDate = Array("endDate".utf8)
    static let quantityPrefix = Array(AppleHealthReader.quantityTypePrefix.utf8)
}

private struct TagHandler: XMLTagHandler {
    var records: [VitalRecord] = []
    var lines: [Int] = []
    var recordCount = 0
    var duplicateCount = 0
    var skippedCounts: [String: Int] = [:]
    var rejectionCounts: [String: Int] = [:]
    var rejectionExamples: [RejectedRecord] = []
    var rejectedCount = 0
    var sawRoot = false
    let maximumRejectionExamples: Int

    /// The depth of the root element's children; 0 until a `HealthData` root is seen, so a file without one
    /// still has its outermost elements read as top-level.
    private var topLevelDepth = 0
    /// The depth of the open Correlation, if any.
    private var correlationDepth: Int?
    /// Identifiers of records that may appear twice: every Record inside a Correlation, and top-level Records
    /// of types that Correlations hold. Only these are kept, so memory grows with blood-pressure and food
    /// records, not with the whole export.
    private var seenIdentifiers: Set<String> = []
    private var correlatedTypes: Set<String> = [
        "HKQuantityTypeIdentifierBloodPressureSystolic", "HKQuantityTypeIdentifierBloodPressureDiastolic",
    ]
    private var strings = StringCache()
    private var scratch: [UInt8] = []
    private var identifier: [UInt8] = []

    init(maximumRejectionExamples: Int) {
        self.maximumRejectionExamples = maximumRejectionExamples
    }

    mutating func handle(_ tag: XMLTag, bytes: UnsafeBufferPointer<UInt8>, scanner: inout XMLLineCounter) throws {
        let name = UnsafeBufferPointer(rebasing: bytes[tag.name])
        if tag.isEndTag {
            if let depth = correlationDepth, tag.depth == depth, equals(name, Names.correlation) {
                correlationDepth = nil
            }
            return
        }
        if equals(name, Names.record) {
            let line = scanner.line(at: tag.start, in: bytes)
            readRecord(tag, bytes: bytes, line: line)
        } else if equals(name, Names.correlation) {
            if !tag.isSelfClosing && correlationDepth == nil {
                correlationDepth = tag.depth
            }
        } else if tag.depth == 0 && equals(name, Names.healthData) {
            sawRoot = true
            topLevelDepth = 1
        } else if tag.depth == topLevelDepth && correlationDepth == nil {
            skippedCounts[strings.string(name), default: 0] += 1
        }
    }

    private mutating func readRecord(_ tag: XMLTag, bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        var fields = RecordFields()
        for attribute in tag.attributes {
            let name = UnsafeBufferPointer(rebasing: bytes[attribute.name])
            switch name.count {
            case 4 where equals(name, Names.type): fields.type = attribute.value
            case 4 where equals(name, Names.unit): fields.unit = attribute.value
            case 5 where equals(name, Names.value): fields.value = attribute.value
            case 7 where equals(name, Names.endDate): fields.endDate = attribute.value
            case 9 where equals(name, Names.startDate): fields.startDate = attribute.value
            case 10 where equals(name, Names.sourceName): fields.sourceName = attribute.value
            default: break
            }
        }

        guard let typeRange = fields.type else {
            reject(line: line, reason: "Record has no type attribute", kind: "Record has no type attribute")
            return
        }
        let type = text(typeRange, bytes)
        guard hasQuantityPrefix(typeRange, bytes) || type.utf8.starts(with: Names.quantityPrefix) else {
            skippedCounts[type, default: 0] += 1
            return
        }
        guard let record = makeRecord(type: type, fields: fields, bytes: bytes, line: line) else { return }

        let inCorrelation = correlationDepth != nil
        if inCorrelation || correlatedTypes.contains(type) {
            if inCorrelation {
                correlatedTypes.insert(type)
            }
            guard seenIdentifiers.insert(record.sourceRecordId ?? "").inserted else {
                duplicateCount += 1
                return
            }
        }
        recordCount += 1
        records.append(record)
        lines.append(line)
    }

    /// Builds the record from its attributes, or records why it cannot be read.
    private mutating func makeRecord(type: String, fields: RecordFields, bytes: UnsafeBufferPointer<UInt8>, line: Int)
        -> VitalRecord?
    {
        guard let valueRange = fields.value else {
            reject(line: line, reason: "\(type) Record has no value attribute", kind: "value is missing")
            return nil
        }
        guard let value = parseValue(valueRange, bytes) else {
            let valueText = plainText(valueRange, bytes)
            reject(line: line, reason: "value \"\(valueText)\" is not a number", kind: "value is not a number")
            return nil
        }
        guard let startRange = fields.startDate else {
            reject(line: line, reason: "\(type) Record has no startDate attribute", kind: "startDate is missing")
            return nil
        }
        guard let start = parseDate(startRange, bytes) else {
            let startText = plainText(startRange, bytes)
            reject(line: line, reason: "startDate \"\(startText)\" is not a valid date", kind: "invalid startDate")
            return nil
        }
        let endRange = fields.endDate ?? startRange
        guard let end = parseDate(endRange, bytes) else {
            let endText = plainText(endRange, bytes)
            reject(line: line, reason: "endDate \"\(endText)\" is not a valid date", kind: "invalid endDate")
            return nil
        }
        guard end.utcMs >= start.utcMs else {
            let reason = "endDate \"\(plainText(endRange, bytes))\" is before startDate \"\(plainText(startRange, bytes))\""
            reject(line: line, reason: reason, kind: "endDate is before startDate")
            return nil
        }

        let source = fields.sourceName.map { text($0, bytes) } ?? ""
        let unit = fields.unit.map { text($0, bytes) } ?? ""
        // The id is `type|startDate|endDate|sourceName|value` with the attribute texts as the export writes them,
        // so importing the same export again changes nothing. The value is part of it because an export can hold
        // two samples of one type from one source with the same times and different values.
        identifier.removeAll(keepingCapacity: true)
        appendPart(fields.type, bytes, separator: false)
        appendPart(startRange, bytes)
        appendPart(endRange, bytes)
        appendPart(fields.sourceName, bytes)
        appendPart(valueRange, bytes)
        return VitalRecord(
            metric: type, value: value, unit: unit, startMs: start.utcMs, endMs: end.utcMs,
            offsetMinutes: start.offsetMinutes, source: source,
            sourceRecordId: String(decoding: identifier, as: UTF8.self))
    }

    private mutating func reject(line: Int, reason: String, kind: String) {
        rejectedCount += 1
        rejectionCounts[kind, default: 0] += 1
        if rejectionExamples.count < maximumRejectionExamples {
            rejectionExamples.append(RejectedRecord(line: line, reason: reason, kind: kind))
        }
    }

    // MARK: - Attribute values

    /// Returns the decoded attribute value. Repeated values (types, units, sources) come from a cache.
    private mutating func text(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard XMLText.needsDecoding(bytes, range) else {
            return strings.string(UnsafeBufferPointer(rebasing: bytes[range]))
        }
        scratch.removeAll(keepingCapacity: true)
        XMLText.decodeAttributeValue(bytes, range, into: &scratch)
        return scratch.withUnsafeBufferPointer { strings.string($0) }
    }

    /// Returns the decoded attribute value as a new String, for messages.
    private mutating func plainText(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        scratch.removeAll(keepingCapacity: true)
        XMLText.decodeAttributeValue(bytes, range, into: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Appends `|` (unless `separator` is false) and the decoded value to `identifier`; a missing value adds
    /// nothing after the separator.
    private mutating func appendPart(_ range: Range<Int>?, _ bytes: UnsafeBufferPointer<UInt8>, separator: Bool = true) {
        if separator {
            identifier.append(0x7C)
        }
        if let range {
            XMLText.decodeAttributeValue(bytes, range, into: &identifier)
        }
    }

    private mutating func parseValue(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard XMLText.needsDecoding(bytes, range) else {
            return DecimalParser.parse(UnsafeBufferPointer(rebasing: bytes[range]))
        }
        scratch.removeAll(keepingCapacity: true)
        XMLText.decodeAttributeValue(bytes, range, into: &scratch)
        return scratch.withUnsafeBufferPointer { DecimalParser.parse($0) }
    }

    private mutating func parseDate(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> LocalTimestamp? {
        guard XMLText.needsDecoding(bytes, range) else {
            return TimestampParser.parseAppleHealth(UnsafeBufferPointer(rebasing: bytes[range]))
        }
        scratch.removeAll(keepingCapacity: true)
        XMLText.decodeAttributeValue(bytes, range, into: &scratch)
        return TimestampParser.parseAppleHealth(scratch)
    }

    /// Returns whether the raw attribute bytes start with the quantity prefix. A type spelt with references is
    /// checked again after decoding.
    private func hasQuantityPrefix(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix = Names.quantityPrefix
        guard range.count >= prefix.count else { return false }
        return equals(UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<(range.lowerBound + prefix.count)]), prefix)
    }

    private func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ expected: [UInt8]) -> Bool {
        guard bytes.count == expected.count else { return false }
        return expected.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }
}

private struct RecordFields {
    var type: Range<Int>?
    var sourceName: Range<Int>?
    var unit: Range<Int>?
    var value: Range<Int>?
    var startDate: Range<Int>?
    var endDate: Range<Int>?
}

/// Strings for byte sequences that repeat across records (types, units, source names, dates of one second), so
/// that most attribute values cost a comparison instead of an allocation.
private struct StringCache {
    private static let slots = 1024
    private var keys: [[UInt8]] = Array(repeating: [], count: StringCache.slots)
    private var values: [String] = Array(repeating: "", count: StringCache.slots)

    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count <= 64 else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let slot = Int(hash % UInt32(StringCache.slots))
        let matches = keys[slot].withUnsafeBufferPointer { key in
            key.count == bytes.count && (bytes.isEmpty || memcmp(key.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        if matches {
            return values[slot]
        }
        let string = String(decoding: bytes, as: UTF8.self)
        keys[slot] = Array(bytes)
        values[slot] = string
        return string
    }
}
