// CSVReader: quoting, line ends, byte-order mark, delimiter detection, line numbers, errors, chunked file reading,
// number cells, and the header lookup.

import Foundation
import XCTest

@testable import HealthCLI

final class CSVReaderTests: XCTestCase {
    private func fields(_ text: String) throws -> [[String]] {
        try csvRows(text).map(\.fields)
    }

    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    // MARK: - Fields and quoting

    func testPlainRows() throws {
        XCTAssertEqual(try fields("a,b,c\n1,2,3\n"), [["a", "b", "c"], ["1", "2", "3"]])
    }

    func testLastRowWithoutLineEnd() throws {
        XCTAssertEqual(try fields("a,b\n1,2"), [["a", "b"], ["1", "2"]])
    }

    func testEmptyCellsAreKept() throws {
        XCTAssertEqual(try fields("a,b,c\n,,\n1,,3\n,2,\n"), [["a", "b", "c"], ["", "", ""], ["1", "", "3"], ["", "2", ""]])
    }

    func testQuotedFieldWithDelimiter() throws {
        XCTAssertEqual(try fields("food,amount\n\"Oats, rolled\",\"40.00 g\"\n"), [["food", "amount"], ["Oats, rolled", "40.00 g"]])
    }

    func testDoubledQuotesInsideQuotes() throws {
        XCTAssertEqual(try fields("a\n\"Tea \"\"Earl Grey\"\"\"\n\"\"\"\"\n\"\"\n"), [["a"], ["Tea \"Earl Grey\""], ["\""], [""]])
    }

    func testQuoteInsideUnquotedFieldIsText() throws {
        XCTAssertEqual(try fields("a,b\n5\" pie,x\"y\"\n"), [["a", "b"], ["5\" pie", "x\"y\""]])
    }

    func testTextAfterClosingQuoteIsAppended() throws {
        XCTAssertEqual(try fields("a,b\n\"abc\"def,1\n"), [["a", "b"], ["abcdef", "1"]])
    }

    func testSpacesAreKept() throws {
        XCTAssertEqual(try fields("a , b\n 1 ,\" 2 \"\n"), [["a ", " b"], [" 1 ", " 2 "]])
    }

    // MARK: - Line ends and line numbers

    func testWindowsLineEnds() throws {
        let rows = try csvRows("a,b\r\n1,2\r\n3,4\r\n")
        XCTAssertEqual(rows, [CSVRow(line: 1, fields: ["a", "b"]), CSVRow(line: 2, fields: ["1", "2"]), CSVRow(line: 3, fields: ["3", "4"])])
    }

    func testOldMacLineEnds() throws {
        let rows = try csvRows("a,b\r1,2\r")
        XCTAssertEqual(rows, [CSVRow(line: 1, fields: ["a", "b"]), CSVRow(line: 2, fields: ["1", "2"])])
    }

    func testLineBreakInsideQuotes() throws {
        let rows = try csvRows("a,b\n\"first line\nsecond line\",1\n2,3\n\"x\r\ny\",4\r\n5,6\n")
        XCTAssertEqual(rows.map(\.fields), [["a", "b"], ["first line\nsecond line", "1"], ["2", "3"], ["x\r\ny", "4"], ["5", "6"]])
        XCTAssertEqual(rows.map(\.line), [1, 2, 4, 5, 7])
    }

    func testBlankLinesSkippedButCounted() throws {
        let rows = try csvRows("\n\na,b\n\n1,2\r\n\r\n3,4\n\n")
        XCTAssertEqual(rows.map(\.fields), [["a", "b"], ["1", "2"], ["3", "4"]])
        XCTAssertEqual(rows.map(\.line), [3, 5, 7])
    }

    func testEmptyInput() throws {
        XCTAssertEqual(try csvRows(""), [])
        XCTAssertEqual(try csvRows("\n\r\n"), [])
        var reader = CSVReader(text: "")
        XCTAssertNil(try reader.nextRow())
        XCTAssertNil(try reader.nextRow())
    }

    // MARK: - Byte-order mark and delimiter

    func testByteOrderMarkIsSkipped() throws {
        var reader = CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("Day,Time\n2024-01-01,\n".utf8))
        XCTAssertEqual(try reader.nextRow(), CSVRow(line: 1, fields: ["Day", "Time"]))
        XCTAssertEqual(try reader.nextRow(), CSVRow(line: 2, fields: ["2024-01-01", ""]))
        XCTAssertNil(try reader.nextRow())
    }

    func testByteOrderMarkOnlyAtStart() throws {
        let text = "a\n\u{FEFF}b\n"
        XCTAssertEqual(try fields(text), [["a"], ["\u{FEFF}b"]])
    }

    func testSemicolonDelimiterDetected() throws {
        var reader = CSVReader(text: "time;food;energy (kcal)\n2024-01-01;\"Pasta; pesto\";1,5\n")
        XCTAssertEqual(reader.delimiter, UInt8(ascii: ","))
        XCTAssertEqual(try reader.nextRow()?.fields, ["time", "food", "energy (kcal)"])
        XCTAssertEqual(reader.delimiter, UInt8(ascii: ";"))
        XCTAssertTrue(reader.usesDecimalComma)
        XCTAssertEqual(try reader.nextRow()?.fields, ["2024-01-01", "Pasta; pesto", "1,5"])
    }

    func testCommaDelimiterOnTieOrQuotes() throws {
        var reader = CSVReader(text: "\"a;b;c\",d\n1,2\n")
        XCTAssertEqual(try reader.nextRow()?.fields, ["a;b;c", "d"])
        XCTAssertEqual(reader.delimiter, UInt8(ascii: ","))
        XCTAssertFalse(reader.usesDecimalComma)

        var single = CSVReader(text: "name\nx;y\n")
        XCTAssertEqual(try single.nextRow()?.fields, ["name"])
        XCTAssertEqual(single.delimiter, UInt8(ascii: ","))
        XCTAssertEqual(try single.nextRow()?.fields, ["x;y"])
    }

    func testDelimiterAfterByteOrderMark() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("a;b;c\r\n1;2;3\r\n".utf8)
        var reader = CSVReader(bytes: bytes)
        XCTAssertEqual(try reader.nextRow(), CSVRow(line: 1, fields: ["a", "b", "c"]))
        XCTAssertEqual(try reader.nextRow(), CSVRow(line: 2, fields: ["1", "2", "3"]))
    }

    // MARK: - Errors

    func testInvalidUTF8RejectsOnlyThatRow() throws {
        var reader = CSVReader(bytes: Array("a,b\n".utf8) + [0x31, 0x2C, 0xFF, 0x0A] + Array("2,3\n".utf8))
        XCTAssertEqual(try reader.nextRow()?.fields, ["a", "b"])
        XCTAssertThrowsError(try reader.nextRow()) { error in
            XCTAssertEqual(error as? CSVError, .invalidUTF8(line: 2))
        }
        XCTAssertEqual(try reader.nextRow(), CSVRow(line: 3, fields: ["2", "3"]))
    }

    func testUnterminatedQuoteEndsReader() throws {
        var reader = CSVReader(text: "a,b\n1,\"open\nmore\n")
        XCTAssertEqual(try reader.nextRow()?.fields, ["a", "b"])
        XCTAssertThrowsError(try reader.nextRow()) { error in
            XCTAssertEqual(error as? CSVError, .unterminatedQuote(line: 2))
        }
        XCTAssertNil(try reader.nextRow())
    }

    func testRowLongerThanLimitEndsReader() throws {
        let long = String(repeating: "x", count: CSVReader.maximumRowBytes + 10)
        var reader = CSVReader(text: "a\n\"" + long + "\n")
        XCTAssertEqual(try reader.nextRow()?.fields, ["a"])
        XCTAssertThrowsError(try reader.nextRow()) { error in
            XCTAssertEqual(error as? CSVError, .rowTooLong(line: 2, limit: CSVReader.maximumRowBytes))
        }
        XCTAssertNil(try reader.nextRow())
    }

    func testMissingFileCannotOpen() {
        XCTAssertThrowsError(try CSVReader(path: "/nonexistent/folder/file.csv")) { error in
            guard case .cannotOpen(let path, _)? = error as? CSVError else {
                return XCTFail("expected cannotOpen, got \(error)")
            }
            XCTAssertEqual(path, "/nonexistent/folder/file.csv")
        }
    }

    func testErrorDescriptions() {
        XCTAssertEqual(
            CSVError.invalidUTF8(line: 4).description, "line 4: invalid UTF-8; save the file as UTF-8 and import it again")
        XCTAssertEqual(
            CSVError.unterminatedQuote(line: 9).description,
            "line 9: a quoted field is not closed before the end of the file; the file may be truncated")
    }

    // MARK: - Files

    /// A file of several read chunks, with quoted fields, doubled quotes and CRLF line ends falling on chunk
    /// boundaries, reads exactly like the same text in memory.
    func testFileAcrossChunksMatchesText() throws {
        var text = "\u{FEFF}id,food,note\r\n"
        var expected: [[String]] = [["id", "food", "note"]]
        var index = 0
        while text.utf8.count < 3 * CSVReader.chunkBytes + 100 {
            let food = index % 3 == 0 ? "Tea \"\"Earl Grey\"\", hot" : "Rice, white"
            let note = index % 5 == 0 ? "line one\r\nline two" : ""
            text += "\(index),\"\(food)\",\"\(note)\"\r\n"
            expected.append([String(index), food.replacingOccurrences(of: "\"\"", with: "\""), note])
            index += 1
        }
        let path = try temporaryFile(Array(text.utf8))
        var fileReader = try CSVReader(path: path)
        var fileRows: [CSVRow] = []
        while let row = try fileReader.nextRow() {
            fileRows.append(row)
        }
        XCTAssertEqual(fileRows.map(\.fields), expected)
        XCTAssertEqual(fileRows, try csvRows(text))
        XCTAssertEqual(fileRows.last?.line, 1 + index + (index + 3) / 5)
    }

    func testFileWithSemicolonsAndByteOrderMark() throws {
        let path = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("x;y\r\n1,5;2\r\n".utf8))
        var reader = try CSVReader(path: path)
        XCTAssertEqual(try reader.nextRow(), CSVRow(line: 1, fields: ["x", "y"]))
        XCTAssertEqual(reader.delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(try reader.nextRow(), CSVRow(line: 2, fields: ["1,5", "2"]))
        XCTAssertNil(try reader.nextRow())
    }

    // MARK: - Numbers

    func testParseNumberWithDecimalPoint() {
        let cases: [(String, Double?)] = [
            ("0", 0), ("12", 12), ("12.5", 12.5), (" 7 ", 7), ("-3", -3), ("+2.5e3", 2500), (".5", 0.5), ("5.", 5),
            ("1E-3", 0.001), ("0.00", 0),
            ("", nil), ("   ", nil), ("abc", nil), ("1,5", nil), ("1,234.5", nil), ("nan", nil), ("inf", nil),
            ("-inf", nil), ("1e400", nil), ("1 000", nil), ("e5", nil), ("1e", nil), ("--1", nil), (".", nil),
            ("0x10", nil), ("12.5.1", nil), ("12 g", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(CSVReader.parseNumber(text, decimalComma: false), expected, "'\(text)'")
        }
    }

    func testParseNumberWithDecimalComma() {
        let cases: [(String, Double?)] = [
            ("12,5", 12.5), ("12.5", 12.5), ("0,25", 0.25), ("1.234,5", 1234.5), ("1.234.567,89", 1_234_567.89),
            ("-1.000,5", -1000.5), (",5", 0.5), ("7", 7), ("1,5e2", 150),
            ("", nil), ("abc", nil), ("12,5,0", nil), ("1.23,4", nil), ("1.2345,6", nil), ("1,2.3", nil),
            ("12,", 12), (",", nil), ("1.,5", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(CSVReader.parseNumber(text, decimalComma: true), expected, "'\(text)'")
        }
    }

    // MARK: - Header

    func testHeaderLookupIgnoresCaseAndSpaces() {
        let header = CSVHeader([" Day", "Time ", "Food Name", "food name"])
        XCTAssertEqual(header.names, ["Day", "Time", "Food Name", "food name"])
        XCTAssertEqual(header.index(of: "day"), 0)
        XCTAssertEqual(header.index(of: " TIME "), 1)
        XCTAssertEqual(header.index(of: "FOOD NAME"), 2)
        XCTAssertNil(header.index(of: "Amount"))
    }

    func testHeaderValueOfShortRow() {
        let header = CSVHeader(["a", "b", "c"])
        let row = CSVRow(line: 2, fields: [" 1 ", "2"])
        XCTAssertEqual(header.value(of: "A", in: row), "1")
        XCTAssertEqual(header.value(of: "c", in: row), "")
        XCTAssertNil(header.value(of: "d", in: row))
    }
}
