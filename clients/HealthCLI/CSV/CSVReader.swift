// A streaming CSV reader for exports of any size: it reads a file in fixed-size chunks and keeps only the current
// row in memory. It accepts what spreadsheet programs and nutrition apps write: a UTF-8 byte-order mark, `\r\n`,
// `\n` or `\r` line ends, and quoted fields with delimiters, doubled quotes and line breaks inside. The delimiter is
// `,` or `;`, detected from the header line, and with `;` numbers may use a decimal comma.

import Foundation

/// One row of a CSV file.
public struct CSVRow: Sendable, Equatable {
    /// The 1-based physical line on which the row starts; a row with a line break inside quotes spans several.
    public var line: Int
    /// The fields as written, with quotes removed and doubled quotes undone; surrounding spaces are kept.
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A failure to read a CSV file, with the line where the row starts.
public enum CSVError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    /// The row is consumed; reading can go on with the next one.
    case invalidUTF8(line: Int)
    /// A quoted field is still open at the end of the file; the reader is finished.
    case unterminatedQuote(line: Int)
    /// The row is longer than `CSVReader.maximumRowBytes`, usually because a quote never closes; the reader is
    /// finished.
    case rowTooLong(line: Int, limit: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open \(path): \(reason)"
        case .readFailed(let path, let reason):
            return "reading \(path) failed: \(reason)"
        case .invalidUTF8(let line):
            return "line \(line): invalid UTF-8; save the file as UTF-8 and import it again"
        case .unterminatedQuote(let line):
            return "line \(line): a quoted field is not closed before the end of the file; the file may be truncated"
        case .rowTooLong(let line, let limit):
            return "line \(line): the row is longer than \(limit) bytes; check for a quote that is never closed"
        }
    }
}

/// Reads CSV rows one at a time from a file or from text in memory.
///
/// The delimiter is `;` when the header line (the first row) has more semicolons than commas outside quotes, and
/// `,` otherwise. Empty lines are skipped. A quote counts only at the start of a field, and elsewhere it is kept as
/// text. Text after a closing quote is appended to the field, as Python's `csv` module does.
///
/// Copies of a reader made from a file share the open file, so read from one copy only.
public struct CSVReader {
    /// Rows longer than this many bytes stop the reader with `CSVError.rowTooLong`, so that a quote that never
    /// closes cannot pull a whole large file into memory.
    public static let maximumRowBytes = 4 << 20
    /// Bytes read from a file at a time.
    static let chunkBytes = 64 << 10

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// `,` or `;`; decided when the first row is read, and `,` until then.
    public private(set) var delimiter = UInt8(ascii: ",")
    /// Whether numbers in this file may use a decimal comma, which is the case when the delimiter is `;`.
    public var usesDecimalComma: Bool { delimiter == UInt8(ascii: ";") }

    private let file: FileSource?
    private var buffer: [UInt8]
    private var position = 0
    /// The physical line of the next byte to parse.
    private var line = 1
    private var detectedDelimiter = false
    private var finished = false
    private var field: [UInt8] = []

    /// Opens a file for reading; throws `CSVError.cannotOpen` when it cannot be opened.
    public init(path: String) throws {
        file = try FileSource(path: path)
        buffer = []
    }

    public init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    public init(bytes: [UInt8]) {
        file = nil
        buffer = bytes
    }

    /// Returns the next row, or nil at the end of the input.
    ///
    /// Throws `CSVError.invalidUTF8` for a row that is not valid UTF-8, after consuming it, so the caller may
    /// report it and read on. The other errors end the reader: later calls return nil.
    public mutating func nextRow() throws -> CSVRow? {
        guard !finished else { return nil }
        if !detectedDelimiter {
            try detectDelimiter()
        }
        guard try skipBlankLines() else {
            finished = true
            return nil
        }
        return try readRow()
    }

    // MARK: - Rows

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    private mutating func readRow() throws -> CSVRow {
        let startLine = line
        var fields: [String] = []
        var validUTF8 = true
        var state = State.fieldStart
        var rowBytes = 0
        field.removeAll(keepingCapacity: true)

        func endField() {
            if let text = String(validating: field, as: UTF8.self) {
                fields.append(text)
            } else {
                validUTF8 = false
                fields.append("")
            }
            field.removeAll(keepingCapacity: true)
        }

        while let byte = try readByte() {
            rowBytes += 1
            if rowBytes > Self.maximumRowBytes {
                finished = true
                throw CSVError.rowTooLong(line: startLine, limit: Self.maximumRowBytes)
            }
            switch state {
            case .fieldStart, .unquoted, .quoteInQuoted:
                if byte == delimiter {
                    endField()
                    state = .fieldStart
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    try consumeLineEnd(byte)
                    endField()
                    return try finishRow(fields, line: startLine, validUTF8: validUTF8)
                } else if byte == Self.quote && state != .unquoted {
                    if state == .quoteInQuoted {
                        field.append(byte)
                    }
                    state = .quoted
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == Self.quote {
                    state = .quoteInQuoted
                } else {
                    field.append(byte)
                    if try isLineEndInsideQuotes(byte) {
                        line += 1
                    }
                }
            }
        }

        finished = true
        if state == .quoted {
            throw CSVError.unterminatedQuote(line: startLine)
        }
        endField()
        return try finishRow(fields, line: startLine, validUTF8: validUTF8)
    }

    private func finishRow(_ fields: [String], line: Int, validUTF8: Bool) throws -> CSVRow {
        guard validUTF8 else { throw CSVError.invalidUTF8(line: line) }
        return CSVRow(line: line, fields: fields)
    }

    /// Counts a line end outside quotes; `\r\n` is one line end.
    private mutating func consumeLineEnd(_ byte: UInt8) throws {
        if byte == Self.carriageReturn, try peekByte() == Self.lineFeed {
            position += 1
        }
        line += 1
    }

    /// Returns whether a byte kept inside a quoted field ends a physical line: `\n`, or `\r` not followed by `\n`.
    private mutating func isLineEndInsideQuotes(_ byte: UInt8) throws -> Bool {
        if byte == Self.lineFeed {
            return true
        }
        guard byte == Self.carriageReturn else { return false }
        return try peekByte() != Self.lineFeed
    }

    /// Consumes empty lines before a row; false at the end of the input.
    private mutating func skipBlankLines() throws -> Bool {
        while let byte = try peekByte() {
            guard byte == Self.lineFeed || byte == Self.carriageReturn else { return true }
            position += 1
            try consumeLineEnd(byte)
        }
        return false
    }

    // MARK: - Delimiter

    /// Reads ahead over the first row (skipping a byte-order mark) to choose the delimiter, then puts the row back.
    private mutating func detectDelimiter() throws {
        detectedDelimiter = true
        var header: [UInt8] = []
        var inQuotes = false
        var commas = 0
        var semicolons = 0
        var sawContent = false
        while header.count <= Self.maximumRowBytes, let byte = try readByte() {
            header.append(byte)
            if byte == Self.quote {
                inQuotes.toggle()
            } else if !inQuotes {
                if byte == Self.lineFeed || byte == Self.carriageReturn {
                    if sawContent {
                        break
                    }
                    continue
                }
                if byte == UInt8(ascii: ",") {
                    commas += 1
                } else if byte == UInt8(ascii: ";") {
                    semicolons += 1
                }
            }
            sawContent = true
        }
        delimiter = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")

        if header.starts(with: Self.byteOrderMark) {
            header.removeFirst(Self.byteOrderMark.count)
        }
        buffer = header + buffer[position...]
        position = 0
    }

    // MARK: - Bytes

    private mutating func readByte() throws -> UInt8? {
        guard let byte = try peekByte() else { return nil }
        position += 1
        return byte
    }

    private mutating func peekByte() throws -> UInt8? {
        if position < buffer.count {
            return buffer[position]
        }
        guard let file, try file.read(into: &buffer) else { return nil }
        position = 0
        return buffer.first
    }
}

/// An open file read in chunks.
private final class FileSource {
    let path: String
    let handle: FileHandle

    init(path: String) throws {
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw CSVError.cannotOpen(path: path, reason: Self.reason(error))
        }
        self.path = path
    }

    deinit {
        try? handle.close()
    }

    /// Replaces `buffer` with the next chunk; false at the end of the file.
    func read(into buffer: inout [UInt8]) throws -> Bool {
        let data: Data?
        do {
            data = try handle.read(upToCount: CSVReader.chunkBytes)
        } catch {
            throw CSVError.readFailed(path: path, reason: Self.reason(error))
        }
        guard let data, !data.isEmpty else { return false }
        buffer = [UInt8](data)
        return true
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
