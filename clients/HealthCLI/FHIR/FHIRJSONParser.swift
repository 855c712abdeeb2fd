// A strict JSON (RFC 8259) parser that builds FHIRJSON trees from UTF-8 bytes. It runs over a whole Bundle of up
// to some tens of megabytes, or over one NDJSON line at a time.

/// A JSON syntax error at a byte offset of the parsed text.
struct FHIRJSONSyntaxError: Error, Equatable {
    /// Byte offset of the error from the start of the parsed text.
    var offset: Int
    var message: String
    /// True when a complete value was followed by more text, which is how an NDJSON file fails as one document.
    var isTrailingContent = false

    /// Returns the 1-based line and column (in bytes) of `offset` within `bytes`.
    func position(in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }
}

struct FHIRJSONParser {
    /// Nesting limit for arrays and objects. FHIR resources nest about ten levels deep; the limit keeps hostile
    /// input from exhausting the stack.
    static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses `bytes` as one JSON value with optional surrounding whitespace and an optional UTF-8 byte-order mark.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(FHIRJSONSyntaxError) -> FHIRJSON {
        var parser = FHIRJSONParser(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
        }
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw FHIRJSONSyntaxError(
                offset: parser.index, message: "unexpected text after the end of the JSON value",
                isTrailingContent: true)
        }
        return value
    }

    static func parse(_ bytes: [UInt8]) throws(FHIRJSONSyntaxError) -> FHIRJSON {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(FHIRJSONSyntaxError) -> FHIRJSON in try parse(buffer) }
        }
        return try result.get()
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(FHIRJSONSyntaxError) -> FHIRJSON {
        guard let byte = peek() else { throw failure("expected a value but the text ends") }
        switch byte {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw failure("objects and arrays are nested too deeply") }
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw failure("objects and arrays are nested too deeply") }
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        default:
            throw failure("expected a value")
        }
    }

    /// Parses an object; a member name that repeats keeps its last value, as most JSON parsers do.
    private mutating func parseObject(depth: Int) throws(FHIRJSONSyntaxError) -> FHIRJSON {
        index += 1
        var members: [String: FHIRJSON] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in double quotes") }
            let name = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after the member name") }
            index += 1
            skipWhitespace()
            members[name] = try parseValue(depth: depth)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default:
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(FHIRJSONSyntaxError) -> FHIRJSON {
        index += 1
        var items: [FHIRJSON] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(items)
            default:
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(FHIRJSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("expected a value") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("expected a value")
        }
        index += count
    }

    // MARK: - Numbers

    /// Checks the RFC 8259 number grammar and returns the literal unchanged.
    private mutating func parseNumber() throws(FHIRJSONSyntaxError) -> String {
        let start = index
        if peek() == UInt8(ascii: "-") {
            index += 1
        }
        guard let first = peek(), isDigit(first) else { throw failure("expected a digit") }
        index += 1
        if first != UInt8(ascii: "0") {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw failure("expected a digit after the decimal point") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
                index += 1
            }
            guard skipDigits() > 0 else { throw failure("expected a digit in the exponent") }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek(), isDigit(byte) {
            index += 1
        }
        return index - start
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: - Strings

    /// Parses a string starting at its opening quote. Invalid UTF-8 inside is replaced by U+FFFD.
    private mutating func parseString() throws(FHIRJSONSyntaxError) -> String {
        index += 1
        let start = index
        // Fast path: most strings have no escapes, so they are decoded straight from the input.
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 {
            index += 1
        }
        if peek() == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self)
        }
        var output = Array(bytes[start..<index])
        while true {
            guard let byte = peek() else { throw failure("a string is not closed") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try parseEscape(into: &output)
            case 0..<0x20:
                throw failure("a control character must be escaped inside a string")
            default:
                output.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(FHIRJSONSyntaxError) {
        guard let byte = peek() else { throw failure("a string is not closed") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"): try parseUnicodeEscape(into: &output)
        default: throw failure("unknown escape sequence in a string")
        }
    }

    /// Parses the hex digits of a `\u` escape, joining a UTF-16 surrogate pair written as two escapes.
    private mutating func parseUnicodeEscape(into output: inout [UInt8]) throws(FHIRJSONSyntaxError) {
        var scalar = try parseHex4()
        if (0xD800..<0xDC00).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw failure("invalid \\u escape: a UTF-16 high surrogate without a low surrogate after it") }
            index += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else {
                throw failure("invalid \\u escape: a UTF-16 high surrogate without a low surrogate after it")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else {
            throw failure("invalid \\u escape: a UTF-16 low surrogate without a high surrogate before it")
        }
        output.append(contentsOf: String(Character(unicode)).utf8)
    }

    private mutating func parseHex4() throws(FHIRJSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw failure("a \\u escape needs four hex digits")
            }
            value = value * 16 + UInt32(digit)
        }
        index += 4
        return value
    }

    // MARK: - Bytes

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            index += 1
        }
    }

    private func failure(_ message: String) -> FHIRJSONSyntaxError {
        FHIRJSONSyntaxError(offset: index, message: message)
    }
}
