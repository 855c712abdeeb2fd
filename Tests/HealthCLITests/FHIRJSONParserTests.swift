// The JSON parser of the FHIR importer: number literals kept as written, escapes, nesting and syntax errors with
// their positions.

import XCTest

@testable import HealthCLI

final class FHIRJSONParserTests: XCTestCase {
    private func parse(_ text: String) throws -> FHIRJSON {
        try FHIRJSONParser.parse(Array(text.utf8))
    }

    private func syntaxError(_ text: String) -> FHIRJSONSyntaxError? {
        do {
            _ = try FHIRJSONParser.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    func testNumbersKeepTheirText() throws {
        let value = try parse(#"{"a": 0.50, "b": -1.0e3, "c": 7}"#)
        XCTAssertEqual(value["a"], .number("0.50"))
        XCTAssertEqual(value["b"], .number("-1.0e3"))
        XCTAssertEqual(value["b"]?.doubleValue, -1000)
        XCTAssertEqual(value["c"]?.numberText, "7")
    }

    func testNumberBeyondDoubleRangeHasNoDoubleValue() throws {
        XCTAssertNil(try parse("1e400").doubleValue)
    }

    func testStringEscapes() throws {
        let value = try parse(#"["a\"b\\c\/d\n", "\u00e9\ud83d\ude00", "Moles/\u200bvolume"]"#)
        XCTAssertEqual(value.elements.map(\.stringValue), ["a\"b\\c/d\n", "é😀", "Moles/\u{200B}volume"])
    }

    func testLiteralsAndNesting() throws {
        let value = try parse(#" {"t": true, "f": false, "n": null, "list": [[], {}]} "#)
        XCTAssertEqual(value["t"], .bool(true))
        XCTAssertEqual(value["f"], .bool(false))
        XCTAssertEqual(value["n"], .null)
        XCTAssertEqual(value["list"], .array([.array([]), .object([:])]))
    }

    func testByteOrderMarkIsSkipped() throws {
        let value = try FHIRJSONParser.parse([0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8))
        XCTAssertEqual(value["a"], .number("1"))
    }

    func testRepeatedMemberKeepsLastValue() throws {
        XCTAssertEqual(try parse(#"{"a": 1, "a": 2}"#)["a"], .number("2"))
    }

    func testTrailingContentIsFlagged() {
        let error = syntaxError("{\"a\": 1}\n{\"a\": 2}")
        XCTAssertEqual(error?.isTrailingContent, true)
        XCTAssertEqual(error?.offset, 9)
    }

    func testSyntaxErrors() {
        let cases: [(String, String)] = [
            ("", "expected a value but the text ends"),
            ("{\"a\" 1}", "expected ':' after the member name"),
            ("[1 2]", "expected ',' or ']' in an array"),
            ("{\"a\": 1,}", "expected a member name in double quotes"),
            ("01", "unexpected text after the end of the JSON value"),
            ("1.", "expected a digit after the decimal point"),
            ("1e", "expected a digit in the exponent"),
            ("\"tab\there\"", "a control character must be escaped inside a string"),
            ("\"\\x\"", "unknown escape sequence in a string"),
            ("\"\\ud83d\"", "invalid \\u escape: a UTF-16 high surrogate without a low surrogate after it"),
            ("\"\\ude00\"", "invalid \\u escape: a UTF-16 low surrogate without a high surrogate before it"),
            ("\"open", "a string is not closed"),
            ("tru", "expected a value"),
            ("NaN", "expected a value"),
        ]
        for (text, message) in cases {
            XCTAssertEqual(syntaxError(text)?.message, message, text)
        }
    }

    func testNestingLimit() {
        let deep = String(repeating: "[", count: FHIRJSONParser.maximumDepth + 1)
        XCTAssertEqual(syntaxError(deep)?.message, "objects and arrays are nested too deeply")
        let allowed =
            String(repeating: "[", count: FHIRJSONParser.maximumDepth)
            + String(repeating: "]", count: FHIRJSONParser.maximumDepth)
        XCTAssertNil(syntaxError(allowed))
    }

    func testErrorPosition() {
        let text = "{\n  \"a\": [1,\n    x]\n}"
        let error = syntaxError(text)
        let position = Array(text.utf8).withUnsafeBufferPointer { error?.position(in: $0) }
        XCTAssertEqual(position?.line, 3)
        XCTAssertEqual(position?.column, 5)
    }
}
