// The vitals catalog: the embedded file, lookups by every kind of name, categorization with unit conversion and
// bounds, and the errors for malformed catalog text.
import HealthDomain
import XCTest

final class VitalsCatalogTests: XCTestCase {
    private static let header = "id\tshort_name\tloinc\tdisplay_name\tunit\tkind\tmin\tmax\taliases"

    private func accepted(_ result: VitalCategorization, file: StaticString = #filePath, line: UInt = #line)
        -> (id: Int, value: Double)?
    {
        guard case .accepted(let id, let value) = result else {
            XCTFail("expected accepted, got \(result)", file: file, line: line)
            return nil
        }
        return (id, value)
    }

    private func reason(_ result: VitalCategorization, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard case .rejected(let reason) = result else {
            XCTFail("expected rejected, got \(result)", file: file, line: line)
            return ""
        }
        return reason
    }

    // MARK: - The embedded catalog

    func testEmbeddedCatalogIdsStartAtOne() throws {
        let catalog = try embeddedCatalog()
        XCTAssertEqual(catalog.metrics.map(\.id), Array(1...catalog.metrics.count))
        XCTAssertEqual(catalog.metric(id: 1)?.shortName, "heart_rate")
        XCTAssertNil(catalog.metric(id: 0))
        XCTAssertNil(catalog.metric(id: -1))
        XCTAssertNil(catalog.metric(id: 10_000))
    }

    func testRequiredMetrics() throws {
        let catalog = try embeddedCatalog()
        let expected: [(String, String, String, MetricKind)] = [
            ("heart_rate", "8867-4", "count/min", .discrete),
            ("resting_heart_rate", "40443-4", "count/min", .discrete),
            ("heart_rate_variability", "80404-7", "ms", .discrete),
            ("systolic_blood_pressure", "8480-6", "mm[Hg]", .discrete),
            ("diastolic_blood_pressure", "8462-4", "mm[Hg]", .discrete),
            ("body_weight", "29463-7", "kg", .discrete),
            ("height", "8302-2", "cm", .discrete),
            ("bmi", "39156-5", "kg/m2", .discrete),
            ("body_fat", "41982-0", "%", .discrete),
            ("body_temperature", "8310-5", "Cel", .discrete),
            ("respiratory_rate", "9279-1", "count/min", .discrete),
            ("oxygen_saturation", "2708-6", "%", .discrete),
            ("blood_glucose", "2339-0", "mg/dL", .discrete),
            ("steps", "55423-8", "count", .cumulative),
            ("distance_walking_running", "55430-3", "m", .cumulative),
            ("active_energy", "41981-2", "kcal", .cumulative),
            ("vo2_max", "94122-9", "mL/kg/min", .discrete),
        ]
        for (shortName, loinc, unit, kind) in expected {
            let metric = try XCTUnwrap(catalog.metric(named: shortName), shortName)
            XCTAssertEqual(metric.loinc, loinc, shortName)
            XCTAssertEqual(metric.unit, unit, shortName)
            XCTAssertEqual(metric.kind, kind, shortName)
            XCTAssertEqual(catalog.metric(named: loinc)?.shortName, shortName)
        }
    }

    func testSampleExportIdentifiersResolve() throws {
        // Every quantity type that appears in public Apple Health sample exports and that the catalog maps.
        let catalog = try embeddedCatalog()
        let identifiers = [
            "ActiveEnergyBurned": "active_energy", "AppleExerciseTime": "exercise_time",
            "AppleSleepingWristTemperature": "sleeping_wrist_temperature", "BasalEnergyBurned": "basal_energy",
            "BloodGlucose": "blood_glucose", "BloodPressureDiastolic": "diastolic_blood_pressure",
            "BloodPressureSystolic": "systolic_blood_pressure", "BodyFatPercentage": "body_fat",
            "BodyMass": "body_weight", "BodyMassIndex": "bmi", "DistanceWalkingRunning": "distance_walking_running",
            "HeartRate": "heart_rate", "HeartRateVariabilitySDNN": "heart_rate_variability", "Height": "height",
            "OxygenSaturation": "oxygen_saturation", "RespiratoryRate": "respiratory_rate",
            "RestingHeartRate": "resting_heart_rate", "StepCount": "steps", "VO2Max": "vo2_max",
            "BodyTemperature": "body_temperature", "WalkingHeartRateAverage": "walking_heart_rate_average",
        ]
        for (suffix, shortName) in identifiers {
            let identifier = "HKQuantityTypeIdentifier" + suffix
            XCTAssertEqual(catalog.metric(named: identifier)?.shortName, shortName, identifier)
        }
    }

    func testFHIRCodesResolve() throws {
        // Codes of vital-sign Observations in FHIR R4 examples and Synthea bundles.
        let catalog = try embeddedCatalog()
        let codes = [
            "8867-4": "heart_rate", "8480-6": "systolic_blood_pressure", "8462-4": "diastolic_blood_pressure",
            "29463-7": "body_weight", "8302-2": "height", "39156-5": "bmi", "8310-5": "body_temperature",
            "8331-1": "body_temperature", "9279-1": "respiratory_rate", "2708-6": "oxygen_saturation",
            "59408-5": "oxygen_saturation", "2339-0": "blood_glucose", "15074-8": "blood_glucose",
        ]
        for (code, shortName) in codes {
            XCTAssertEqual(catalog.metric(named: code)?.shortName, shortName, code)
        }
        XCTAssertNil(catalog.metric(named: "72514-3"), "pain severity is not a vital sign in the catalog")
    }

    func testLookupIsCaseInsensitive() throws {
        let catalog = try embeddedCatalog()
        for name in ["heart_rate", "HEART_RATE", "Heart rate", "heart rate", "hkquantitytypeidentifierheartrate",
                     "Pulse", " heart_rate "]
        {
            XCTAssertEqual(catalog.metric(named: name)?.shortName, "heart_rate", name)
        }
        XCTAssertNil(catalog.metric(named: "heart"))
        XCTAssertNil(catalog.metric(named: ""))
    }

    func testPercentMetricsExcludeFractionRange() throws {
        // The fraction rule reads values of at most 1 in % as fractions, so no % metric may accept such a value.
        let catalog = try embeddedCatalog()
        for metric in catalog.metrics where metric.unit == "%" {
            XCTAssertGreaterThan(metric.minimum, 1, metric.shortName)
        }
    }

    // MARK: - Categorization

    func testCategorizeConvertsUnits() throws {
        let catalog = try embeddedCatalog()
        let weight = try XCTUnwrap(accepted(catalog.categorize(name: "body_weight", value: 150, unit: "lb")))
        XCTAssertEqual(weight.id, catalog.metric(named: "body_weight")?.id)
        XCTAssertEqual(weight.value, 68.038_855_5, accuracy: 1e-9)

        let fever = try XCTUnwrap(accepted(catalog.categorize(name: "8331-1", value: 101.3, unit: "[degF]")))
        XCTAssertEqual(fever.value, 38.5, accuracy: 1e-9)  // (101.3 - 32) * 5 / 9

        let height = try XCTUnwrap(accepted(catalog.categorize(name: "height", value: 70, unit: "[in_i]")))
        XCTAssertEqual(height.value, 177.8, accuracy: 1e-9)

        let spo2 = try XCTUnwrap(
            accepted(catalog.categorize(name: "HKQuantityTypeIdentifierOxygenSaturation", value: 0.97, unit: "%")))
        XCTAssertEqual(spo2.value, 97, accuracy: 1e-9)

        let bodyFat = try XCTUnwrap(accepted(catalog.categorize(name: "body_fat", value: 0.185, unit: "%")))
        XCTAssertEqual(bodyFat.value, 18.5, accuracy: 1e-9)

        let vo2 = try XCTUnwrap(accepted(catalog.categorize(name: "HKQuantityTypeIdentifierVO2Max", value: 45.2,
                                                            unit: "mL/kg·min")))
        XCTAssertEqual(vo2.value, 45.2)

        let bmi = try XCTUnwrap(accepted(catalog.categorize(name: "HKQuantityTypeIdentifierBodyMassIndex",
                                                            value: 22.4, unit: "count")))
        XCTAssertEqual(bmi.value, 22.4)

        let distance = try XCTUnwrap(accepted(catalog.categorize(name: "distance", value: 2.5, unit: "km")))
        XCTAssertEqual(distance.value, 2500, accuracy: 1e-9)
    }

    func testGlucoseAverageUsesPinnedFactor() throws {
        let catalog = try embeddedCatalog()
        let molar = try XCTUnwrap(accepted(catalog.categorize(name: "HKQuantityTypeIdentifierBloodGlucose",
                                                              value: 5.5, unit: "mmol<180.1558800000541>/L")))
        let mass = try XCTUnwrap(accepted(catalog.categorize(name: "blood_glucose", value: 110, unit: "mg/dL")))
        // 5.5 * 18.0156 = 99.0858, and (99.0858 + 110) / 2 = 104.5429.
        XCTAssertEqual(molar.value, 99.0858, accuracy: 1e-9)

        var stats = RollupStats()
        stats.add(molar.value, at: 0)
        stats.add(mass.value, at: 1)
        XCTAssertEqual((stats.mean * 10_000).rounded() / 10_000, 104.5429)
    }

    func testStepsAcceptEmptyUnit() throws {
        let catalog = try embeddedCatalog()
        let steps = try XCTUnwrap(accepted(catalog.categorize(name: "HKQuantityTypeIdentifierStepCount",
                                                              value: 1234, unit: "")))
        XCTAssertEqual(steps.value, 1234)
    }

    func testRejectsUnknownMetric() throws {
        let catalog = try embeddedCatalog()
        XCTAssertEqual(
            reason(catalog.categorize(name: "Foo", value: 1, unit: "kg")),
            "unknown metric 'Foo': use a catalog short name such as heart_rate, a LOINC code or a HealthKit identifier")

        let long = String(repeating: "x", count: 10_000)
        XCTAssertLessThan(reason(catalog.categorize(name: long, value: 1, unit: "kg")).count, 300)
    }

    func testRejectsNonFiniteValues() throws {
        let catalog = try embeddedCatalog()
        for value in [Double.nan, .infinity, -.infinity] {
            let text = reason(catalog.categorize(name: "heart_rate", value: value, unit: "count/min"))
            XCTAssertTrue(text.contains("heart_rate"), text)
            XCTAssertTrue(text.contains("finite"), text)
        }
    }

    func testRejectsUnknownUnitNamingAcceptedUnits() throws {
        let catalog = try embeddedCatalog()
        let text = reason(catalog.categorize(name: "body_weight", value: 11, unit: "stone"))
        XCTAssertTrue(text.contains("'stone'"), text)
        XCTAssertTrue(text.contains("body_weight"), text)
        XCTAssertTrue(text.contains("kg, g, lb"), text)

        let missing = reason(catalog.categorize(name: "heart_rate", value: 60, unit: ""))
        XCTAssertTrue(missing.hasPrefix("missing unit for heart_rate"), missing)

        let smallCalorie = reason(catalog.categorize(name: "active_energy", value: 300, unit: "cal"))
        XCTAssertTrue(smallCalorie.contains("'cal'"), smallCalorie)
        XCTAssertTrue(smallCalorie.contains("Cal"), smallCalorie)
    }

    func testRejectsOutOfBoundsAfterConversion() throws {
        let catalog = try embeddedCatalog()
        XCTAssertEqual(
            reason(catalog.categorize(name: "body_weight", value: 700, unit: "kg")),
            "value 700 kg for body_weight is outside the plausible range 1 to 650 kg")
        // 1500 lb * 0.45359237 = 680.388555 kg
        XCTAssertEqual(
            reason(catalog.categorize(name: "body_weight", value: 1500, unit: "lb")),
            "value 1500 lb (680.3886 kg) for body_weight is outside the plausible range 1 to 650 kg")

        let text = reason(catalog.categorize(name: "heart_rate", value: 400, unit: "bpm"))
        XCTAssertTrue(text.contains("400 bpm"), text)
        XCTAssertTrue(text.contains("20 to 300 count/min"), text)
        XCTAssertNotNil(accepted(catalog.categorize(name: "heart_rate", value: 300, unit: "bpm")), "bounds inclusive")
    }

    // MARK: - Catalog text

    private func catalogText(_ rows: String...) -> String {
        (["# comment", Self.header] + rows).joined(separator: "\n") + "\n"
    }

    private func catalogError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> CatalogError? {
        do {
            _ = try VitalsCatalog(tsv: text)
            XCTFail("expected a CatalogError", file: file, line: line)
            return nil
        } catch let error as CatalogError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    func testAliasCollisionNamesBothMetrics() throws {
        let text = catalogText(
            "1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300\tpulse",
            "2\tresting_heart_rate\t40443-4\tResting heart rate\tcount/min\tdiscrete\t20\t250\tPULSE")
        let error = try XCTUnwrap(catalogError(text))
        XCTAssertEqual(error.line, 4)
        XCTAssertTrue(error.message.contains("heart_rate and resting_heart_rate"), error.message)
        XCTAssertTrue(error.message.contains("PULSE"), error.message)
    }

    func testAliasEqualToOtherShortNameIsRejected() throws {
        let text = catalogText(
            "1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300\t",
            "2\tresting_heart_rate\t40443-4\tResting heart rate\tcount/min\tdiscrete\t20\t250\theart_rate")
        let error = try XCTUnwrap(catalogError(text))
        XCTAssertTrue(error.message.contains("heart_rate and resting_heart_rate"), error.message)
    }

    func testMalformedLinesAreRejected() throws {
        let good = "1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300\t"
        let cases: [(String, String)] = [
            ("1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300", "expected 9 tab-separated fields"),
            ("x\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300\t", "invalid id 'x'"),
            ("0\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300\t", "invalid id '0'"),
            ("1\tHeart Rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300\t", "invalid short_name"),
            ("1\theart_rate\t8867\tHeart rate\tcount/min\tdiscrete\t20\t300\t", "invalid loinc '8867'"),
            ("1\theart_rate\t8867-4\t\tcount/min\tdiscrete\t20\t300\t", "missing display_name"),
            ("1\theart_rate\t8867-4\tHeart rate\tfurlong\tdiscrete\t20\t300\t", "unknown unit 'furlong'"),
            ("1\theart_rate\t8867-4\tHeart rate\tcount/min\tsum\t20\t300\t", "invalid kind 'sum'"),
            ("1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\tlow\t300\t", "invalid min 'low'"),
            ("1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\tnan\t", "invalid max 'nan'"),
            ("1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t300\t20\t", "min 300 is above max 20"),
        ]
        for (row, expected) in cases {
            let error = try XCTUnwrap(catalogError(catalogText(row)), row)
            XCTAssertEqual(error.line, 3, row)
            XCTAssertTrue(error.message.contains(expected), "\(error.message) should contain \(expected)")
        }
        XCTAssertNoThrow(try VitalsCatalog(tsv: catalogText(good)))
    }

    func testDuplicateIdIsRejected() throws {
        let text = catalogText(
            "1\theart_rate\t8867-4\tHeart rate\tcount/min\tdiscrete\t20\t300\t",
            "1\tsteps\t55423-8\tSteps\tcount\tcumulative\t0\t300000\t")
        let error = try XCTUnwrap(catalogError(text))
        XCTAssertTrue(error.message.contains("id 1 is used by both heart_rate and steps"), error.message)
    }

    func testHeaderIsRequired() throws {
        let missing = try XCTUnwrap(catalogError("# only comments\n\n"))
        XCTAssertTrue(missing.message.contains("missing header"), missing.message)

        let wrong = try XCTUnwrap(catalogError("id\tname\n1\theart_rate\n"))
        XCTAssertEqual(wrong.line, 1)
        XCTAssertTrue(wrong.message.contains("invalid header"), wrong.message)

        let empty = try XCTUnwrap(catalogError(Self.header + "\n"))
        XCTAssertTrue(empty.message.contains("no metrics"), empty.message)
    }

    func testWindowsLineEndingsAndBlankLines() throws {
        let text = "# comment\r\n\r\n" + Self.header + "\r\n"
            + "7\tsteps\t\tSteps\tcount\tcumulative\t0\t300000\tHKQuantityTypeIdentifierStepCount | step_count\r\n"
        let catalog = try VitalsCatalog(tsv: text)
        XCTAssertEqual(catalog.metrics.count, 1)
        XCTAssertEqual(catalog.metric(id: 7)?.aliases, ["HKQuantityTypeIdentifierStepCount", "step_count"])
        XCTAssertEqual(catalog.metric(named: "step_count")?.loinc, "")
        XCTAssertNil(catalog.metric(id: 1))
    }
}
