// Parsing of the newline-delimited JSON that `health submit` reads: one object per line,
//
//     {"metric": "heart_rate", "value": 72, "unit": "count/min", "start": "2024-01-15T07:30:00-05:00",
//      "end": "2024-01-15T07:31:00-05:00", "source": "my-app", "id": "hr-1", "version": 2}
//
// `metric`, `value`, `unit` and `start` are required; `end`, `source`, `id` and `version` are optional. An
// unknown field fails the line, so that a misspelt optional field (such as the id) cannot pass unnoticed.
// NDJSONRecordParser+Domains.swift reads the nutrition and lab lines by the same rules.

import HealthDomain

/// A line that does not hold a valid record.
struct LineFailure: Equatable, Sendable {
    /// 1-based line number.
    var line: Int
    var reason: String
}

enum NDJSONRecordParser {
    /// Parses one line into a record, or returns why it is invalid. Blank lines are the caller's to skip.
    static func parse(_ line: some StringProtocol) -> Result<VitalRecord, LineJSONError> {
        parse(line, fields: vitalFields, makeRecord: makeRecord)
    }

    static let vitalFields = ["metric", "value", "unit", "start", "end", "source", "id", "version"]

    /// Parses one line into an object whose field names are all in `fields` (listed in this order in the error
    /// for an unknown one), then into a record with `makeRecord`.
    static func parse<Record>(
        _ line: some StringProtocol, fields: [String],
        makeRecord: ([String: LineJSONValue]) throws(LineJSONError) -> Record
    ) -> Result<Record, LineJSONError> {
        do throws(LineJSONError) {
            var parser = LineJSONParser(Array(line.utf8))
            let object = try parser.parseObjectLine()
            if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
                throw LineJSONError("unknown field \"\(unknown)\" (expected \(fields.joined(separator: ", ")))")
            }
            return .success(try makeRecord(object))
        } catch {
            return .failure(error)
        }
    }

    private static func makeRecord(_ object: [String: LineJSONValue]) throws(LineJSONError) -> VitalRecord {
        let metric = try string(object, "metric", required: true) ?? ""
        guard !metric.isEmpty else { throw LineJSONError("field \"metric\" must not be empty") }
        guard case .number(let value)? = object["value"] else {
            throw LineJSONError(object["value"] == nil ? "missing field \"value\"" : "field \"value\" must be a number")
        }
        let unit = try string(object, "unit", required: true) ?? ""
        let start = try timestamp(object, "start")
        let startText = try string(object, "start", required: true) ?? ""
        var end = start
        if let endText = try string(object, "end", required: false) {
            guard let parsed = TimestampParser.parseRFC3339(endText) else {
                throw LineJSONError("field \"end\" is not an RFC 3339 timestamp: \"\(endText)\"")
            }
            guard parsed.utcMs >= start.utcMs else {
                throw LineJSONError("field \"end\" (\(endText)) is before \"start\" (\(startText))")
            }
            end = parsed
        }
        return VitalRecord(
            metric: metric, value: value, unit: unit, startMs: start.utcMs, endMs: end.utcMs,
            offsetMinutes: start.offsetMinutes, source: try string(object, "source", required: false) ?? "",
            sourceRecordId: try string(object, "id", required: false), version: try version(object))
    }

    /// Returns the optional `version` field, 0 when absent.
    static func version(_ object: [String: LineJSONValue]) throws(LineJSONError) -> Int64 {
        guard let versionValue = object["version"] else { return 0 }
        guard case .number(let number) = versionValue, number == number.rounded(), abs(number) < 9e15 else {
            throw LineJSONError("field \"version\" must be a whole number")
        }
        return Int64(number)
    }

    /// Returns the required RFC 3339 timestamp field `name`.
    static func timestamp(_ object: [String: LineJSONValue], _ name: String) throws(LineJSONError) -> LocalTimestamp {
        let text = try string(object, name, required: true) ?? ""
        guard let parsed = TimestampParser.parseRFC3339(text) else {
            throw LineJSONError("field \"\(name)\" is not an RFC 3339 timestamp: \"\(text)\"")
        }
        return parsed
    }

    /// Returns the string field `name`, or nil when it is absent or null and not required.
    static func string(_ object: [String: LineJSONValue], _ name: String, required: Bool) throws(LineJSONError)
        -> String?
    {
        switch object[name] {
        case .string(let text)?:
            return text
        case nil, .null?:
            if required {
                throw LineJSONError("missing field \"\(name)\"")
            }
            return nil
        default:
            throw LineJSONError("field \"\(name)\" must be a string")
        }
    }
}

// MARK: - JSON

/// A JSON value.
indirect enum LineJSONValue: Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([LineJSONValue])
    /// The members in the order the line gives them.
    case object([LineJSONMember])
}

/// One `"name": value` member of a JSON object.
struct LineJSONMember: Equatable {
    var name: String
    var value: LineJSONValue
}

struct LineJSONError: Error, Equatable, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A strict JSON (RFC 8259) parser for one line holding one object.
struct LineJSONParser {
    private let bytes: [UInt8]
    private var index = 0
    /// Nesting limit for arrays and objects inside the line's object.
    private let maximumDepth = 32

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseObjectLine() throws(LineJSONError) -> [String: LineJSONValue] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
        }
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            throw LineJSONError("invalid JSON: expected an object starting with '{'")
        }
        let members = try parseObject(depth: 0)
        skipWhitespace()
        guard index == bytes.count else {
            throw LineJSONError("invalid JSON: unexpected text after the object at column \(index + 1)")
        }
        return Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0.value) })
    }

    /// Parses an object. A name that appears twice fails the line, at any depth.
    private mutating func parseObject(depth: Int) throws(LineJSONError) -> [LineJSONMember] {
        index += 1
        var members: [LineJSONMember] = []
        var names: Set<String> = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return members
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw unexpected("a field name in quotes") }
            let name = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw unexpected("':'") }
            index += 1
            let value = try parseValue(depth: depth)
            guard names.insert(name).inserted else {
                throw LineJSONError("field \"\(name)\" appears twice")
            }
            members.append(LineJSONMember(name: name, value: value))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                return members
            default:
                throw unexpected("',' or '}'")
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(LineJSONError) -> LineJSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw unexpected("a value") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case UInt8(ascii: "{"):
            guard depth < maximumDepth else { throw LineJSONError("invalid JSON: nested too deeply") }
            return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["):
            guard depth < maximumDepth else { throw LineJSONError("invalid JSON: nested too deeply") }
            return .array(try parseArray(depth: depth + 1))
        default:
            for (word, value) in [("true", LineJSONValue.bool(true)), ("false", .bool(false)), ("null", .null)]
            where bytes[index...].starts(with: word.utf8) {
                index += word.utf8.count
                return value
            }
            throw unexpected("a value")
        }
    }

    private mutating func parseArray(depth: Int) throws(LineJSONError) -> [LineJSONValue] {
        index += 1
        var values: [LineJSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return values
        }
        while true {
            values.append(try parseValue(depth: depth))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                return values
            default:
                throw unexpected("',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws(LineJSONError) -> Double {
        let start = index
        if peek() == UInt8(ascii: "-") {
            index += 1
        }
        guard let first = peek(), first >= 0x30, first <= 0x39 else { throw unexpected("a digit") }
        index += 1
        if first != 0x30 {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw unexpected("a digit after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
                index += 1
            }
            guard skipDigits() > 0 else { throw unexpected("a digit in the exponent") }
        }
        let value = bytes[start..<index].withUnsafeBufferPointer { DecimalParser.parse($0) }
        guard let value else { throw LineJSONError("number at column \(start + 1) is out of range") }
        return value
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek(), byte >= 0x30, byte <= 0x39 {
            index += 1
        }
        return index - start
    }

    private mutating func parseString() throws(LineJSONError) -> String {
        index += 1
        var output: [UInt8] = []
        while true {
            guard let byte = peek() else { throw LineJSONError("invalid JSON: a string is not closed") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &output)
            case 0..<0x20:
                throw LineJSONError("invalid JSON: control character in a string at column \(index)")
            default:
                output.append(byte)
            }
        }
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(LineJSONError) {
        guard let byte = peek() else { throw LineJSONError("invalid JSON: a string is not closed") }
        index += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            output.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw LineJSONError("invalid JSON: unknown escape at column \(index)") }
        var scalar = try parseHex4()
        if (0xD800..<0xDC00).contains(scalar) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard bytes[index...].starts(with: "\\u".utf8) else { throw LineJSONError("invalid JSON: lone surrogate") }
            index += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw LineJSONError("invalid JSON: lone surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw LineJSONError("invalid JSON: lone surrogate") }
        output.append(contentsOf: Array(String(Character(unicode)).utf8))
    }

    private mutating func parseHex4() throws(LineJSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw LineJSONError("invalid JSON: short \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw LineJSONError("invalid JSON: bad \\u escape at column \(index + 1)")
            }
            value = value * 16 + UInt32(digit)
        }
        index += 4
        return value
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            index += 1
        }
    }

    private func unexpected(_ expected: String) -> LineJSONError {
        guard index < bytes.count else { return LineJSONError("invalid JSON: expected \(expected) but the line ends") }
        return LineJSONError("invalid JSON: expected \(expected) at column \(index + 1)")
    }
}
