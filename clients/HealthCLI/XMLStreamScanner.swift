// A byte-level streaming XML tokenizer for large, flat documents such as an Apple Health export.xml
// (hundreds of megabytes, millions of elements that are all attributes and no text).
//
// It reports start and end tags with their attributes and skips everything else: the XML declaration,
// processing instructions, comments, CDATA sections, text and the document type declaration. The DTD is never
// interpreted, because some iOS versions write an internal subset that validating parsers reject. The scanner
// does not check well-formedness beyond what it needs to find tag boundaries.
//
// Memory stays bounded: the buffer contains the unread part of the latest chunk plus at most one incomplete
// construct, which is parsed again from its start when more bytes arrive.

import Glibc

/// A start or end tag as the scanner hands it to a handler. Its spans index the scanner's buffer and are valid
/// only during the handler call.
struct XMLTag {
    struct Attribute {
        var name: Range<Int>
        /// The raw value between the quotes, before references are replaced.
        var value: Range<Int>
    }

    var isEndTag = false
    /// `<name ... />`.
    var isSelfClosing = false
    var name: Range<Int> = 0..<0
    var attributes: [Attribute] = []
    /// The number of open ancestor elements; the root element has depth 0.
    var depth = 0
    /// Buffer index of the tag's `<`.
    var start = 0
}

/// Receives the tags of a document in order.
protocol XMLTagHandler {
    /// Called once per tag. `bytes` is the scanner's buffer; `tag`'s spans index it.
    mutating func handle(_ tag: XMLTag, bytes: UnsafeBufferPointer<UInt8>, scanner: inout XMLLineCounter) throws
}

/// Line numbers of buffer positions, counted lazily and only forward, so every byte is counted once.
struct XMLLineCounter {
    /// Newlines in the bytes already dropped from the buffer.
    fileprivate var linesBeforeBuffer = 0
    fileprivate var countedUpTo = 0
    fileprivate var linesBeforeCounted = 0

    /// Returns the 1-based line of buffer index `position`.
    mutating func line(at position: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if position >= countedUpTo {
            linesBeforeCounted += XMLLineCounter.newlines(in: bytes, from: countedUpTo, to: position)
        } else {
            linesBeforeCounted -= XMLLineCounter.newlines(in: bytes, from: position, to: countedUpTo)
        }
        countedUpTo = position
        return linesBeforeBuffer + linesBeforeCounted + 1
    }

    /// Accounts for the first `count` bytes leaving the buffer.
    fileprivate mutating func dropFirst(_ count: Int, of bytes: UnsafeBufferPointer<UInt8>) {
        _ = line(at: count, in: bytes)
        linesBeforeBuffer += linesBeforeCounted
        linesBeforeCounted = 0
        countedUpTo = 0
    }

    private static func newlines(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        guard start < end, let base = bytes.baseAddress else { return 0 }
        var count = 0
        var pointer = UnsafeRawPointer(base + start)
        let stop = UnsafeRawPointer(base + end)
        while let match = memchr(pointer, 0x0A, stop - pointer) {
            count += 1
            pointer = UnsafeRawPointer(match) + 1
        }
        return count
    }
}

/// The ways a document can be unreadable for the scanner.
enum XMLScanError: Error, Equatable, CustomStringConvertible {
    /// One construct (a tag, comment or DTD) grew above the limit without ending, so the file is not XML or an
    /// attribute value lacks its closing quote.
    case constructTooLong(line: Int, limit: Int)

    var description: String {
        switch self {
        case .constructTooLong(let line, let limit):
            return "the markup starting at line \(line) does not end within \(limit >> 20) MiB;"
                + " the file is not valid XML (an attribute value may lack its closing quote)"
        }
    }
}

/// The state of the input when it ended.
struct XMLScanEnd: Equatable {
    /// The line where an unfinished construct starts, when the input ended inside one.
    var unfinishedConstructLine: Int?
    /// Elements still open at the end; 0 for a complete document.
    var openElements: Int
}

struct XMLStreamScanner {
    /// The largest single construct accepted, in bytes; Apple Health tags are a few hundred bytes.
    static let defaultMaximumConstructBytes = 16 << 20

    let maximumConstructBytes: Int
    private var buffer: [UInt8] = []
    private var lines = XMLLineCounter()
    private var depth = 0
    private var tag = XMLTag()
    /// Total bytes fed, before control characters were removed.
    private(set) var bytesFed: Int64 = 0
    /// Control characters removed because XML 1.0 forbids them.
    private(set) var removedControlCharacters = 0

    init(maximumConstructBytes: Int = XMLStreamScanner.defaultMaximumConstructBytes) {
        self.maximumConstructBytes = maximumConstructBytes
        tag.attributes.reserveCapacity(32)
    }

    /// Appends `chunk` and reports every tag that is now complete.
    mutating func feed<Handler: XMLTagHandler>(_ chunk: UnsafeRawBufferPointer, to handler: inout Handler) throws {
        bytesFed += Int64(chunk.count)
        let oldCount = buffer.count
        buffer.append(contentsOf: chunk)
        removeForbiddenControlCharacters(from: oldCount)
        let consumed = try scan(handler: &handler)
        guard consumed > 0 else {
            if buffer.count > maximumConstructBytes {
                let line = buffer.withUnsafeBufferPointer { lines.line(at: 0, in: $0) }
                throw XMLScanError.constructTooLong(line: line, limit: maximumConstructBytes)
            }
            return
        }
        buffer.withUnsafeBufferPointer { lines.dropFirst(consumed, of: $0) }
        buffer.removeSubrange(0..<consumed)
    }

    /// Reports how the input ended: inside an unfinished construct, with elements still open, or cleanly.
    mutating func finish() -> XMLScanEnd {
        let firstMarkup = buffer.firstIndex { !XMLStreamScanner.isWhitespace($0) }
        var unfinishedLine: Int?
        if let firstMarkup {
            unfinishedLine = buffer.withUnsafeBufferPointer { lines.line(at: firstMarkup, in: $0) }
        }
        return XMLScanEnd(unfinishedConstructLine: unfinishedLine, openElements: depth)
    }

    // MARK: - Control characters

    /// Removes C0 control characters other than tab, line feed and carriage return from the bytes appended at
    /// `start`, because XML 1.0 forbids them and real exports sometimes contain them in source names.
    private mutating func removeForbiddenControlCharacters(from start: Int) {
        let found = buffer.withUnsafeBufferPointer { bytes -> Int in
            var hits = 0
            var index = start
            while index < bytes.count {
                hits &+= XMLStreamScanner.isForbiddenControl(bytes[index]) ? 1 : 0
                index += 1
            }
            return hits
        }
        guard found > 0 else { return }

        var write = start
        for read in start..<buffer.count {
            let byte = buffer[read]
            if XMLStreamScanner.isForbiddenControl(byte) {
                removedControlCharacters += 1
            } else {
                buffer[write] = byte
                write += 1
            }
        }
        buffer.removeSubrange(write..<buffer.count)
    }

    @inline(__always)
    static func isForbiddenControl(_ byte: UInt8) -> Bool {
        byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    // MARK: - Scanning

    /// Parses complete constructs from the start of the buffer; returns how many bytes they took.
    private mutating func scan<Handler: XMLTagHandler>(handler: inout Handler) throws -> Int {
        let buffer = self.buffer
        self.buffer = []
        defer { self.buffer = buffer }
        return try buffer.withUnsafeBufferPointer { bytes in
            var position = 0
            while let next = try scanConstruct(at: position, bytes: bytes, handler: &handler) {
                position = next
            }
            return position
        }
    }

    /// Parses the construct at `position` (text up to the next `<`, then markup); returns the index after it, or
    /// nil when the buffer ends first.
    private mutating func scanConstruct<Handler: XMLTagHandler>(
        at position: Int, bytes: UnsafeBufferPointer<UInt8>, handler: inout Handler
    ) throws -> Int? {
        guard let open = XMLStreamScanner.find(0x3C, in: bytes, from: position) else {
            // Only text remains; drop it but keep nothing, since text never matters here.
            return bytes.count > position ? bytes.count : nil
        }
        guard open + 1 < bytes.count else {
            return open > position ? open : nil
        }
        let result: Int?
        switch bytes[open + 1] {
        case 0x2F:  // "/"
            result = try scanEndTag(at: open, bytes: bytes, handler: &handler)
        case 0x3F:  // "?"
            result = XMLStreamScanner.find("?>", in: bytes, from: open + 2).map { $0 + 2 }
        case 0x21:  // "!"
            result = XMLStreamScanner.skipDeclaration(at: open, bytes: bytes)
        case let byte where XMLStreamScanner.isNameStart(byte):
            result = try scanStartTag(at: open, bytes: bytes, handler: &handler)
        default:
            // A stray "<" in text; step over it.
            result = open + 1
        }
        if result == nil && open > position {
            return open
        }
        return result
    }

    private mutating func scanEndTag<Handler: XMLTagHandler>(
        at open: Int, bytes: UnsafeBufferPointer<UInt8>, handler: inout Handler
    ) throws -> Int? {
        guard let close = XMLStreamScanner.find(0x3E, in: bytes, from: open + 2) else { return nil }
        var nameEnd = open + 2
        while nameEnd < close && !XMLStreamScanner.isWhitespace(bytes[nameEnd]) {
            nameEnd += 1
        }
        depth = max(0, depth - 1)
        tag.isEndTag = true
        tag.isSelfClosing = false
        tag.name = (open + 2)..<nameEnd
        tag.attributes.removeAll(keepingCapacity: true)
        tag.depth = depth
        tag.start = open
        try handler.handle(tag, bytes: bytes, scanner: &lines)
        return close + 1
    }

    private mutating func scanStartTag<Handler: XMLTagHandler>(
        at open: Int, bytes: UnsafeBufferPointer<UInt8>, handler: inout Handler
    ) throws -> Int? {
        var index = open + 1
        while index < bytes.count && !XMLStreamScanner.isNameEnd(bytes[index]) {
            index += 1
        }
        tag.name = (open + 1)..<index
        tag.attributes.removeAll(keepingCapacity: true)

        var selfClosing = false
        attributeLoop: while true {
            while index < bytes.count && XMLStreamScanner.isWhitespace(bytes[index]) {
                index += 1
            }
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case 0x3E:  // ">"
                index += 1
                break attributeLoop
            case 0x2F:  // "/"
                guard index + 1 < bytes.count else { return nil }
                index += 1
                if bytes[index] == 0x3E {
                    selfClosing = true
                    index += 1
                    break attributeLoop
                }
            default:
                guard let next = scanAttribute(at: index, bytes: bytes) else { return nil }
                index = next
            }
        }

        tag.isEndTag = false
        tag.isSelfClosing = selfClosing
        tag.depth = depth
        tag.start = open
        try handler.handle(tag, bytes: bytes, scanner: &lines)
        if !selfClosing {
            depth += 1
        }
        return index
    }

    /// Reads `name = "value"` (either quote style) and records it; returns the index after it, or nil when the
    /// buffer ends first. Malformed text (a name without `=` or a value without quotes) is stepped over so that
    /// the tag's `>` is still found.
    private mutating func scanAttribute(at start: Int, bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = start
        while index < bytes.count && !XMLStreamScanner.isAttributeNameEnd(bytes[index]) {
            index += 1
        }
        let name = start..<index
        while index < bytes.count && XMLStreamScanner.isWhitespace(bytes[index]) {
            index += 1
        }
        guard index < bytes.count else { return nil }
        guard bytes[index] == 0x3D else {
            return index == start ? index + 1 : index
        }
        index += 1
        while index < bytes.count && XMLStreamScanner.isWhitespace(bytes[index]) {
            index += 1
        }
        guard index < bytes.count else { return nil }
        let quote = bytes[index]
        guard quote == 0x22 || quote == 0x27 else {
            return index
        }
        guard let close = XMLStreamScanner.find(quote, in: bytes, from: index + 1) else { return nil }
        tag.attributes.append(XMLTag.Attribute(name: name, value: (index + 1)..<close))
        return close + 1
    }

    // MARK: - Declarations, comments, CDATA and the DTD

    /// Skips the `<!` construct at `open`: a comment, a CDATA section, a DOCTYPE or another declaration.
    private static func skipDeclaration(at open: Int, bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if hasPrefix("<!--", in: bytes, at: open) {
            return find("-->", in: bytes, from: open + 4).map { $0 + 3 }
        }
        if hasPrefix("<![CDATA[", in: bytes, at: open) {
            return find("]]>", in: bytes, from: open + 9).map { $0 + 3 }
        }
        if hasPrefix("<!DOCTYPE", in: bytes, at: open) {
            return skipDoctype(at: open, bytes: bytes)
        }
        guard bytes.count - open >= 9 else {
            // Too short to tell a DOCTYPE or CDATA from other markup yet.
            return nil
        }
        return find(0x3E, in: bytes, from: open + 2).map { $0 + 1 }
    }

    /// Skips a DOCTYPE without interpreting it.
    ///
    /// The internal subset ends at the first `]` followed by optional whitespace and `>`, comments skipped. When
    /// a broken subset never closes, the DTD ends where the `<HealthData` root tag starts.
    private static func skipDoctype(at open: Int, bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = open + 9
        while index < bytes.count {
            switch bytes[index] {
            case 0x22, 0x27:  // a quoted system or public id
                guard let close = find(bytes[index], in: bytes, from: index + 1) else { return nil }
                index = close + 1
            case 0x3E:
                return index + 1
            case 0x5B:  // "["
                return skipInternalSubset(from: index + 1, bytes: bytes)
            case 0x3C:
                return index
            default:
                index += 1
            }
        }
        return nil
    }

    private static func skipInternalSubset(from start: Int, bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x5D {  // "]"
                var after = index + 1
                while after < bytes.count && isWhitespace(bytes[after]) {
                    after += 1
                }
                guard after < bytes.count else { return nil }
                if bytes[after] == 0x3E {
                    return after + 1
                }
                index = after
            } else if byte == 0x3C {
                guard bytes.count - index >= 12 else { return nil }
                if hasPrefix("<!--", in: bytes, at: index) {
                    guard let close = find("-->", in: bytes, from: index + 4) else { return nil }
                    index = close + 3
                } else if hasPrefix("<HealthData", in: bytes, at: index) && isNameEnd(bytes[index + 11]) {
                    return index
                } else {
                    index += 1
                }
            } else {
                index += 1
            }
        }
        return nil
    }

    // MARK: - Byte helpers

    @inline(__always)
    static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let match = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: match.assumingMemoryBound(to: UInt8.self))
    }

    /// Returns the index where `needle` (ASCII) starts at or after `start`, or nil.
    static func find(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let count = needle.utf8CodeUnitCount
        let first = needle.utf8Start[0]
        var index = start
        while let candidate = find(first, in: bytes, from: index) {
            guard candidate + count <= bytes.count else { return nil }
            if hasPrefix(needle, in: bytes, at: candidate) {
                return candidate
            }
            index = candidate + 1
        }
        return nil
    }

    static func hasPrefix(_ prefix: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard start + count <= bytes.count else { return false }
        let pointer = prefix.utf8Start
        for offset in 0..<count where bytes[start + offset] != pointer[offset] {
            return false
        }
        return true
    }

    /// Letters, `_`, `:` and every byte of a multi-byte UTF-8 sequence can start an element name.
    @inline(__always)
    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || byte == 0x3A || byte >= 0x80
    }

    @inline(__always)
    static func isNameEnd(_ byte: UInt8) -> Bool {
        isWhitespace(byte) || byte == 0x2F || byte == 0x3E
    }

    @inline(__always)
    static func isAttributeNameEnd(_ byte: UInt8) -> Bool {
        isWhitespace(byte) || byte == 0x3D || byte == 0x2F || byte == 0x3E
    }
}
