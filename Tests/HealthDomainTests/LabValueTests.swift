// Parsing of printed lab values and low/normal/high flags.
import HealthDomain
import XCTest

final class LabValueTests: XCTestCase {
    // MARK: - Parsing

    func testPlainNumbers() throws {
        let catalog = try embeddedLabCatalog()
        let cases: [(String, Double)] = [
            ("5.4", 5.4), ("5,4", 5.4), (" 7 ", 7), ("-2.5", -2.5), ("+3", 3), ("0.004", 0.004), ("1.2e3", 1200),
            ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("12,500,000", 12_500_000), ("\u{00A0}99\u{200B}", 99),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(catalog.parseValue(text), .numeric(expected), text)
        }
    }

    func testCensoredNumbersKeepComparator() throws {
        let catalog = try embeddedLabCatalog()
        let cases: [(String, LabComparator, Double)] = [
            ("<0.5", .lessThan, 0.5), ("< 0.5", .lessThan, 0.5), (">90", .greaterThan, 90),
            ("<=0.01", .lessThanOrEqual, 0.01), (">=1500", .greaterThanOrEqual, 1500),
            ("\u{2264}3", .lessThanOrEqual, 3), ("\u{2265}60", .greaterThanOrEqual, 60), ("<0,5", .lessThan, 0.5),
        ]
        for (text, comparator, bound) in cases {
            XCTAssertEqual(catalog.parseValue(text), .censored(comparator, bound), text)
        }
    }

    func testQualitativeResultsStayText() throws {
        let catalog = try embeddedLabCatalog()
        for text in [
            "negative", "NEG", "POS", "Positive", "1+", "2+", "trace", "1:80", "Not detected", "See note", "<", "",
            "NaN", "inf", "5.4 mmol/L", "1-2", "3..4",
        ] {
            XCTAssertEqual(catalog.parseValue(text), .text(LabValueTests.trimmed(text)), text)
        }
        XCTAssertEqual(catalog.parseValue("  NEG "), .text("NEG"))
    }

    func testNumericValueAccessor() {
        XCTAssertEqual(LabValue(parsing: "4.2").numericValue, 4.2)
        XCTAssertNil(LabValue(parsing: "<4.2").numericValue)
        XCTAssertNil(LabValue(parsing: "POS").numericValue)
    }

    private static func trimmed(_ text: String) -> String {
        String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }

    // MARK: - Flags

    func testFlagUsesReportRangeWhenGiven() throws {
        let glucose = try XCTUnwrap(embeddedLabCatalog().test(code: "2345-7"))
        XCTAssertEqual(glucose.flag(value: .numeric(105), low: 70, high: 110), .normal)
        XCTAssertEqual(glucose.flag(value: .numeric(65), low: 70, high: 110), .low)
        XCTAssertEqual(glucose.flag(value: .numeric(111), low: 70, high: 110), .high)
        XCTAssertEqual(glucose.flag(value: .numeric(50), low: nil, high: 110), .normal)
        XCTAssertEqual(glucose.flag(value: .numeric(4000), low: 70, high: nil), .normal)
    }

    func testFlagFallsBackToCatalogRange() throws {
        let glucose = try XCTUnwrap(embeddedLabCatalog().test(code: "2345-7"))
        XCTAssertEqual(glucose.flag(value: .numeric(105), low: nil, high: nil), .high)
        XCTAssertEqual(glucose.flag(value: .numeric(69), low: nil, high: nil), .low)
        XCTAssertEqual(glucose.flag(value: .numeric(70), low: nil, high: nil), .normal)
        XCTAssertEqual(glucose.flag(value: .numeric(99), low: nil, high: nil), .normal)

        let hdl = try XCTUnwrap(embeddedLabCatalog().test(code: "2085-9"))
        XCTAssertNil(hdl.referenceHigh)
        XCTAssertEqual(hdl.flag(value: .numeric(35), low: nil, high: nil), .low)
        XCTAssertEqual(hdl.flag(value: .numeric(95), low: nil, high: nil), .normal)
    }

    func testFlagUnknownWithoutRangeOrForText() throws {
        let catalog = try embeddedLabCatalog()
        let testosterone = try XCTUnwrap(catalog.test(code: "2986-8"))
        XCTAssertEqual(testosterone.flag(value: .numeric(500), low: nil, high: nil), .unknown)
        let nitrite = try XCTUnwrap(catalog.test(code: "5802-4"))
        XCTAssertEqual(nitrite.flag(value: .text("NEG"), low: nil, high: nil), .unknown)
        XCTAssertEqual(LabFlag(value: .text("POS"), low: 0, high: 1), .unknown)
    }

    func testFlagCensoredValues() {
        XCTAssertEqual(LabFlag(value: .censored(.lessThan, 0.01), low: 0.45, high: 4.5), .low)
        XCTAssertEqual(LabFlag(value: .censored(.lessThan, 0.45), low: 0.45, high: 4.5), .low)
        XCTAssertEqual(LabFlag(value: .censored(.lessThanOrEqual, 0.45), low: 0.45, high: 4.5), .unknown)
        XCTAssertEqual(LabFlag(value: .censored(.lessThan, 0.5), low: 0, high: 10), .normal)
        XCTAssertEqual(LabFlag(value: .censored(.lessThan, 5), low: 1, high: 10), .unknown)
        XCTAssertEqual(LabFlag(value: .censored(.lessThan, 100), low: nil, high: 130), .normal)
        XCTAssertEqual(LabFlag(value: .censored(.lessThan, 200), low: nil, high: 130), .unknown)
        XCTAssertEqual(LabFlag(value: .censored(.greaterThan, 1500), low: 30, high: 400), .high)
        XCTAssertEqual(LabFlag(value: .censored(.greaterThan, 400), low: 30, high: 400), .high)
        XCTAssertEqual(LabFlag(value: .censored(.greaterThanOrEqual, 400), low: 30, high: 400), .unknown)
        XCTAssertEqual(LabFlag(value: .censored(.greaterThan, 90), low: 60, high: nil), .normal)
        XCTAssertEqual(LabFlag(value: .censored(.greaterThan, 50), low: 60, high: nil), .unknown)
    }
}
