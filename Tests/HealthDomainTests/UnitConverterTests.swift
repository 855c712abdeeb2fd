// Unit conversion into canonical units: exact factors, affine temperatures, the fraction rule for `%`, HealthKit
// spellings, and the case rules.
import HealthDomain
import XCTest

final class UnitConverterTests: XCTestCase {
    private func convert(_ value: Double, _ unit: String, to canonical: String) -> Double? {
        UnitConverter.convert(value, from: unit, to: canonical)
    }

    func testGlucoseFactorIsPinned() {
        XCTAssertEqual(UnitConverter.glucoseMgPerDlPerMmolPerL, 18.0156)
        // 5.5 * 18.0156 = 99.0858
        XCTAssertEqual(try XCTUnwrap(convert(5.5, "mmol/L", to: "mg/dL")), 99.0858, accuracy: 1e-9)
    }

    func testHealthKitMolarMassGlucose() throws {
        // HealthKit's spelling uses its own molar mass, but the pinned factor applies: 4.59 * 18.0156 = 82.691604.
        XCTAssertEqual(try XCTUnwrap(convert(4.59, "mmol<180.1558800000541>/L", to: "mg/dL")), 82.691604,
                       accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(5.5, "mmol<180.16>/L", to: "mg/dL")), 99.0858, accuracy: 1e-9)
        XCTAssertNil(convert(5.5, "mmol<>/L", to: "mg/dL"))
        XCTAssertNil(convert(5.5, "mmol<180.16>/dL", to: "mg/dL"))
    }

    func testMassFactors() throws {
        // 150 * 0.45359237 = 68.0388555
        XCTAssertEqual(try XCTUnwrap(convert(150, "lb", to: "kg")), 68.038_855_5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(150, "[lb_av]", to: "kg")), 68.038_855_5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(150, "lbs", to: "kg")), 68.038_855_5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(1, "lb", to: "kg")), 0.453_592_37)
        XCTAssertEqual(try XCTUnwrap(convert(16, "oz", to: "kg")), 0.453_592_37, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(convert(72_500, "g", to: "kg")), 72.5, accuracy: 1e-12)
        XCTAssertEqual(convert(72.5, "kg", to: "kg"), 72.5)
    }

    func testTemperatureIsAffine() throws {
        // (98.6 - 32) * 5 / 9 = 37
        XCTAssertEqual(try XCTUnwrap(convert(98.6, "[degF]", to: "Cel")), 37, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(98.6, "degF", to: "Cel")), 37, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(212, "°F", to: "Cel")), 100, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(32, "F", to: "Cel")), 0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(convert(310.15, "K", to: "Cel")), 37, accuracy: 1e-9)
        XCTAssertEqual(convert(36.6, "degC", to: "Cel"), 36.6)
        XCTAssertEqual(convert(36.6, "C", to: "Cel"), 36.6)
        XCTAssertEqual(convert(36.6, "Cel", to: "Cel"), 36.6)
    }

    func testLengthFactors() throws {
        // 70 * 2.54 = 177.8; 6 ft = 72 in = 182.88 cm
        XCTAssertEqual(try XCTUnwrap(convert(70, "in", to: "cm")), 177.8, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(70, "[in_i]", to: "cm")), 177.8, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(6, "ft", to: "cm")), 182.88, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(1.8, "m", to: "cm")), 180, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(1.5, "km", to: "m")), 1500, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(convert(1, "mi", to: "m")), 1609.344, accuracy: 1e-9)
    }

    func testFractionRuleForPercent() {
        // A value of at most 1 in `%` is a fraction, as HealthKit exports oxygen saturation and body fat.
        XCTAssertEqual(convert(0.98, "%", to: "%"), 98)
        XCTAssertEqual(convert(1, "%", to: "%"), 100)
        XCTAssertEqual(convert(98, "%", to: "%"), 98)
        XCTAssertEqual(convert(18.5, "%", to: "%"), 18.5)
        XCTAssertEqual(convert(0.185, "%", to: "%"), 18.5)
    }

    func testRateSpellings() {
        for unit in ["count/min", "/min", "{beats}/min", "beats/min", "beats/minute", "bpm", "BPM", "breaths/minute"] {
            XCTAssertEqual(convert(60, unit, to: "count/min"), 60, unit)
        }
        XCTAssertEqual(convert(1.2, "count/s", to: "count/min"), 72)
    }

    func testOxygenUptakeSpellings() {
        for unit in ["mL/kg/min", "mL/kg·min", "mL/(kg·min)", "mL/(kg.min)", "mL/min/kg", "ml/kg/min", "ML/KG/MIN"] {
            XCTAssertEqual(convert(45.2, unit, to: "mL/kg/min"), 45.2, unit)
        }
    }

    func testEnergyCaseRules() throws {
        XCTAssertEqual(convert(250, "kcal", to: "kcal"), 250)
        XCTAssertEqual(convert(250, "KCAL", to: "kcal"), 250)
        XCTAssertEqual(convert(250, "Cal", to: "kcal"), 250)
        XCTAssertEqual(convert(250, "[Cal]", to: "kcal"), 250)
        // `cal` is the small calorie, not the nutrition Calorie: rejected rather than guessed.
        XCTAssertNil(convert(250, "cal", to: "kcal"))
        XCTAssertNil(convert(250, "CAL", to: "kcal"))
        // 418.4 kJ / 4.184 = 100 kcal
        XCTAssertEqual(try XCTUnwrap(convert(418.4, "kJ", to: "kcal")), 100, accuracy: 1e-9)
    }

    func testPressureAndBodyMassIndex() throws {
        XCTAssertEqual(convert(120, "mmHg", to: "mm[Hg]"), 120)
        XCTAssertEqual(convert(120, "mm[Hg]", to: "mm[Hg]"), 120)
        // 16 kPa = 16000 Pa / 133.322387415 Pa per mmHg = 120.0099 mmHg
        XCTAssertEqual(try XCTUnwrap(convert(16, "kPa", to: "mm[Hg]")), 120.0099, accuracy: 1e-4)
        for unit in ["kg/m2", "kg/m^2", "count"] {
            XCTAssertEqual(convert(22.5, unit, to: "kg/m2"), 22.5, unit)
        }
    }

    func testCaseInsensitiveAndTrimmedSpellings() {
        XCTAssertEqual(convert(70, "KG", to: "kg"), 70)
        XCTAssertEqual(convert(90, "MG/DL", to: "mg/dL"), 90)
        XCTAssertEqual(convert(90, "mg/dl", to: "mg/dL"), 90)
        XCTAssertEqual(convert(5, "mmol/l", to: "mg/dL"), 5 * 18.0156)
        XCTAssertEqual(convert(70, " kg ", to: "kg"), 70)
    }

    func testEmptyUnitOnlyForCounts() {
        XCTAssertEqual(convert(1200, "", to: "count"), 1200)
        for canonical in UnitConverter.canonicalUnits where canonical != "count" {
            XCTAssertNil(convert(1, "", to: canonical), canonical)
        }
    }

    func testUnknownUnitsAndTables() {
        XCTAssertNil(convert(1, "{score}", to: "count/min"))
        XCTAssertNil(convert(1, "furlong", to: "m"))
        XCTAssertNil(convert(1, "kg", to: "furlong"))
        XCTAssertNil(UnitConverter.acceptedUnits(for: "furlong"))
        XCTAssertEqual(UnitConverter.acceptedUnits(for: "kg")?.first, "kg")
    }

    func testEveryCanonicalUnitConvertsAsItself() {
        for canonical in UnitConverter.canonicalUnits {
            XCTAssertEqual(convert(12.5, canonical, to: canonical), 12.5, canonical)
        }
    }
}
