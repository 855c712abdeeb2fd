// Conversion of reported lab values to the canonical unit of the matched catalog test.
import HealthDomain
import XCTest

final class LabConversionTests: XCTestCase {
    private func convert(_ value: Double, _ unit: String, to code: String) throws -> Double? {
        let catalog = try embeddedLabCatalog()
        let test = try XCTUnwrap(catalog.test(code: code), code)
        return catalog.convert(value: value, unit: unit, to: test)
    }

    func testGlucoseMillimolesToMilligrams() throws {
        // 180.156 g/mol: 5.5 mmol/L is 5.5 * 18.0156 mg/dL.
        XCTAssertEqual(try XCTUnwrap(convert(5.5, "mmol/L", to: "2345-7")), 99.0858, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(99.0858, "mg/dL", to: "14749-6")), 5.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(990.858, "mg/L", to: "14749-6")), 5.5, accuracy: 1e-9)
    }

    func testCholesterolUsesPinnedFactor() throws {
        XCTAssertEqual(try XCTUnwrap(convert(5.0, "mmol/L", to: "2093-3")), 193.35, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(193.35, "mg/dL", to: "14647-2")), 5.0, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(1.3, "mmol/L", to: "2085-9")), 50.271, accuracy: 1e-9)
    }

    func testTriglyceridesAndCreatinine() throws {
        XCTAssertEqual(try XCTUnwrap(convert(1.0, "mmol/L", to: "2571-8")), 88.57, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(88.42, "µmol/L", to: "2160-0")), 1.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(convert(88.42, "umol/L", to: "2160-0")), 1.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(convert(0.08842, "mmol/L", to: "2160-0")), 1.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(convert(1.0, "mg/dL", to: "14682-9")), 88.42, accuracy: 1e-9)
    }

    func testHbA1cBetweenNGSPAndIFCC() throws {
        XCTAssertEqual(try XCTUnwrap(convert(53, "mmol/mol", to: "4548-4")), 7.0, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(convert(7.0, "%", to: "59261-8")), 53.0, accuracy: 0.1)
        XCTAssertEqual(try XCTUnwrap(convert(6.5, "%", to: "4548-4")), 6.5)
    }

    func testMagnesiumCalciumAndElectrolytes() throws {
        XCTAssertEqual(try XCTUnwrap(convert(0.85, "mmol/L", to: "19123-9")), 2.065_925, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(2.0, "mg/dL", to: "2601-3")), 0.822_876, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(convert(2.5, "mmol/L", to: "17861-6")), 10.02, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(5.0, "mEq/L", to: "17861-6")), 10.02, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(140, "mEq/L", to: "2951-2")), 140)
    }

    func testSamePrefixFamilyConvertsWithoutCatalogEntry() throws {
        XCTAssertEqual(try XCTUnwrap(convert(140, "g/L", to: "718-7")), 14, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(4.2, "g/dL", to: "1751-7")), 4.2)
        XCTAssertEqual(try XCTUnwrap(convert(42, "g/L", to: "1751-7")), 4.2, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(0.5, "mg/dL", to: "1988-5")), 5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(7.5, "10^9/L", to: "6690-2")), 7.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(7.5, "x10E3/uL", to: "6690-2")), 7.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(7500, "/uL", to: "6690-2")), 7.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(2.5, "uIU/mL", to: "11580-8")), 2.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(convert(0.42, "L/L", to: "4544-3")), 42, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(1, "ukat/L", to: "1742-6")), 60, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(1.2, "g/24 hr", to: "2889-4")), 1200, accuracy: 1e-9)
    }

    func testVitaminsAndHormones() throws {
        XCTAssertEqual(try XCTUnwrap(convert(75, "nmol/L", to: "62292-8")), 30.048, accuracy: 1e-3)
        XCTAssertEqual(try XCTUnwrap(convert(300, "pmol/L", to: "2132-9")), 406.62, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(15, "pmol/L", to: "3024-7")), 1.1655, accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(convert(20, "nmol/L", to: "2986-8")), 576.8, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(17.1, "umol/L", to: "1975-2")), 1.0, accuracy: 1e-12)
    }

    func testUnconvertibleUnitsReturnNil() throws {
        XCTAssertNil(try convert(5, "mmHg", to: "2345-7"))
        XCTAssertNil(try convert(5, "furlongs", to: "2345-7"))
        XCTAssertNil(try convert(5, "%", to: "2345-7"))
        XCTAssertNil(try convert(.nan, "mg/dL", to: "2345-7"))
        XCTAssertNil(try convert(.infinity, "mg/dL", to: "2345-7"))
        XCTAssertNil(try convert(5, "IU/L", to: "1751-7"))
    }
}
