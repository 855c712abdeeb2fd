// End to end for nutrition, labs and FHIR: the real healthd, the real health CLI importing the shared sample
// files, and rollups checked against values computed independently from those files (with Python's csv and json
// modules and Decimal arithmetic, written here as literals).

import Foundation
import XCTest

final class DomainsEndToEndTests: XCTestCase {
    private var directory: URL!
    private var server: ServerProcess!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(self)
        server = try ServerProcess(database: directory.appendingPathComponent("domains.db"), directory: directory, test: self)
    }

    override func tearDown() {
        server?.stop()
    }

    private func sharedFile(_ relativePath: String) throws -> String {
        guard let shared = sharedDataDirectory() else {
            throw XCTSkip("../shared/data is absent beside the checkout; the shared sample files are needed")
        }
        return shared.appendingPathComponent(relativePath).path
    }

    private func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        // `--server` goes right after the command words: `import fhir`, or `query` alone.
        let commandWords = arguments.first == "import" ? 2 : 1
        let result = try runHealth(
            Array(arguments.prefix(commandWords)) + ["--server", server.address] + arguments.dropFirst(commandWords))
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return result.stdout
    }

    func testCronometerServingsDayAndWeekTotals() throws {
        let path = try sharedFile("nutrition/cronometer-dhjelmar-servings.csv")
        _ = try run(["import", "cronometer", path, "--user", "food"])

        let energy = try jsonRows(try run([
            "query", "--domain", "nutrition", "--user", "food", "--nutrient", "energy", "--granularity", "day",
            "--from", "2022-11-01", "--to", "2022-11-30", "--format", "json",
        ]))
        // Sums of the `Energy (kcal)` column per `Day`, and the number of rows of that day.
        let expectedEnergy: [String: (Double, Double)] = [
            "2022-11-03": (2752.60, 13), "2022-11-04": (2279.27, 10), "2022-11-05": (2935.30, 12),
            "2022-11-06": (2468.53, 12), "2022-11-07": (3071.38, 16), "2022-11-08": (3157.37, 20),
            "2022-11-09": (3217.07, 15),
        ]
        XCTAssertEqual(Set(energy.keys), Set(expectedEnergy.keys))
        for (day, (total, entries)) in expectedEnergy {
            XCTAssertEqual(number(energy[day], "total")!, total, accuracy: 1e-6, day)
            XCTAssertEqual(number(energy[day], "entries"), entries, day)
            XCTAssertEqual(number(energy[day], "days"), 1, day)
            XCTAssertEqual(energy[day]?["unit"] as? String, "kcal", day)
        }

        let protein = try jsonRows(try run([
            "query", "--domain", "nutrition", "--user", "food", "--nutrient", "protein", "--granularity", "day",
            "--from", "2022-11-03", "--to", "2022-11-09", "--format", "json",
        ]))
        let expectedProtein: [String: Double] = [
            "2022-11-03": 267.12, "2022-11-04": 173.52, "2022-11-05": 320.22, "2022-11-06": 220.16,
            "2022-11-07": 331.19, "2022-11-08": 189.80, "2022-11-09": 346.88,
        ]
        for (day, total) in expectedProtein {
            XCTAssertEqual(number(protein[day], "total")!, total, accuracy: 1e-6, day)
        }

        // Thursday 3 to Sunday 6 November are in the week of Monday 31 October; 7 to 9 November in the next.
        let weeks = try jsonRows(try run([
            "query", "--domain", "nutrition", "--user", "food", "--nutrient", "energy", "--granularity", "week",
            "--from", "2022-10-31", "--to", "2022-11-13", "--format", "json",
        ]))
        XCTAssertEqual(number(weeks["2022-10-31"], "total")!, 10435.70, accuracy: 1e-6)
        XCTAssertEqual(number(weeks["2022-10-31"], "days"), 4)
        XCTAssertEqual(number(weeks["2022-10-31"], "daily_avg")!, 10435.70 / 4, accuracy: 1e-6)
        XCTAssertEqual(number(weeks["2022-11-07"], "total")!, 9445.82, accuracy: 1e-6)
        XCTAssertEqual(number(weeks["2022-11-07"], "days"), 3)
        XCTAssertEqual(number(weeks["2022-11-07"], "daily_avg")!, 9445.82 / 3, accuracy: 1e-6)
    }

    func testMyFitnessPalMealsSumToDay() throws {
        let path = try sharedFile("nutrition/myfitnesspal-dawndrain-nutrition-summary.csv")
        _ = try run(["import", "myfitnesspal", path, "--user", "mfp"])
        let energy = try jsonRows(try run([
            "query", "--domain", "nutrition", "--user", "mfp", "--nutrient", "energy", "--granularity", "day",
            "--from", "2025-03-06", "--to", "2025-03-06", "--format", "json",
        ]))
        // Calories of the three meal rows: 1249.5 in all; protein 51.6 g.
        XCTAssertEqual(number(energy["2025-03-06"], "total")!, 1249.5, accuracy: 1e-9)
        XCTAssertEqual(number(energy["2025-03-06"], "entries"), 3)
        let protein = try jsonRows(try run([
            "query", "--domain", "nutrition", "--user", "mfp", "--nutrient", "protein", "--granularity", "day",
            "--from", "2025-03-06", "--to", "2025-03-06", "--format", "json",
        ]))
        XCTAssertEqual(number(protein["2025-03-06"], "total")!, 51.6, accuracy: 1e-9)
    }

    func testLabCSVSplitsPatientsAndFlagsFromReportRange() throws {
        let path = try sharedFile("labs/rusty-bytes7-lab_results.csv")
        _ = try run(["import", "labs", path, "--user", "lab"])
        // Patient 1001 had TSH 3.87, 5.12 and 3.12 uIU/mL in May 2025, range 0.5-4.5: one high.
        let tsh = try jsonRows(try run([
            "query", "--domain", "labs", "--user", "lab-1001", "--test", "TSH", "--granularity", "month",
            "--from", "2025-05-01", "--to", "2025-05-31", "--format", "json",
        ]))
        let may = tsh["2025-05"]
        XCTAssertEqual(number(may, "count"), 3)
        XCTAssertEqual(number(may, "sum")!, 12.11, accuracy: 1e-9)
        XCTAssertEqual(number(may, "min"), 3.12)
        XCTAssertEqual(number(may, "max"), 5.12)
        XCTAssertEqual(number(may, "abnormal"), 1)
        XCTAssertEqual(number(may, "first"), 3.87)
        XCTAssertEqual(number(may, "last"), 3.12)

        // Creatinine 1.44 and 1.43 mg/dL against 0.7-1.3: both high.
        let creatinine = try jsonRows(try run([
            "query", "--domain", "labs", "--user", "lab-1001", "--test", "Creatinine", "--granularity", "year",
            "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json",
        ]))
        XCTAssertEqual(number(creatinine["2025"], "count"), 2)
        XCTAssertEqual(number(creatinine["2025"], "abnormal"), 2)
    }

    func testFHIRBundlesImportVitalsAndLabs() throws {
        guard let shared = sharedDataDirectory() else {
            throw XCTSkip("../shared/data is absent beside the checkout; the shared FHIR bundles are needed")
        }
        let folder = shared.appendingPathComponent("fhir")
        let bundles = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0).path }
        XCTAssertEqual(bundles.count, 10)
        _ = try run(["import", "fhir"] + bundles + [try sharedFile("labs/hl7-example-Bundle-lipids.json"), "--user", "fhir"])

        // Observations per LOINC code across the files, blood pressure counted per component.
        let expectedVitals: [String: Double] = [
            "29463-7": 17, "8302-2": 17, "39156-5": 18, "8480-6": 18, "8462-4": 18, "8867-4": 1, "9279-1": 1,
            "2708-6": 1, "8310-5": 1,
        ]
        for (code, count) in expectedVitals {
            let rows = try jsonRows(try run([
                "query", "--user", "fhir", "--metric", code, "--granularity", "month", "--from", "1970-01-01",
                "--to", "2030-12-31", "--format", "json",
            ]))
            let total = rows.values.reduce(0.0) { $0 + (number($1, "count") ?? 0) }
            XCTAssertEqual(total, count, code)
        }

        // HbA1c in 2020: Floyd Connelly 6.200795490742355 % on 2020-01-15, Louis Maggio 7.386637231394623 % on
        // 2020-01-31 and 7.4987279015619155 % on 2020-10-09.
        let quarters = try jsonRows(try run([
            "query", "--domain", "labs", "--user", "fhir", "--test", "4548-4", "--granularity", "quarter",
            "--from", "2020-01-01", "--to", "2020-12-31", "--format", "json",
        ]))
        XCTAssertEqual(number(quarters["2020-Q1"], "count"), 2)
        XCTAssertEqual(number(quarters["2020-Q1"], "sum")!, 6.200795490742355 + 7.386637231394623, accuracy: 1e-9)
        XCTAssertEqual(number(quarters["2020-Q4"], "sum")!, 7.4987279015619155, accuracy: 1e-9)
        XCTAssertEqual(quarters["2020-Q4"]?["unit"] as? String, "%")

        let verify = try runHealth(["verify", "--server", server.address])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    }

    private func importSummary(_ kind: String, _ path: String, user: String) throws -> [String: Any] {
        let output = try run(["import", kind, path, "--user", user, "--format", "json"])
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
    }

    private func dayTotal(_ user: String, _ nutrient: String, _ day: String) throws -> Double? {
        let rows = try jsonRows(try run([
            "query", "--domain", "nutrition", "--user", user, "--nutrient", nutrient, "--granularity", "day",
            "--from", day, "--to", day, "--format", "json",
        ]))
        return number(rows[day], "total")
    }

    func testEverySharedNutritionExportImportsCleanly() throws {
        let files = [
            ("cronometer", "nutrition/cronometer-davidgma-servings.csv", "david"),
            ("cronometer", "nutrition/cronometer-maximumpeaches-dailysummary.csv", "peaches"),
            ("cronometer", "nutrition/cronometer-dawndrain-dailysummary.csv", "dawn"),
            ("cronometer", "nutrition/cronometer-dhjelmar-biometrics.csv", "bio"),
        ]
        for (kind, relativePath, user) in files {
            let summary = try importSummary(kind, try sharedFile(relativePath), user: user)
            XCTAssertEqual((summary["failed"] as? NSNumber)?.intValue, 0, "\(relativePath): \(summary)")
            XCTAssertEqual((summary["rejected"] as? NSNumber)?.intValue, 0, "\(relativePath): \(summary)")
        }

        // Energy per day from the files' `Energy (kcal)` columns.
        XCTAssertEqual(try dayTotal("david", "energy", "2020-07-15")!, 2432.67, accuracy: 1e-6)
        XCTAssertEqual(try dayTotal("david", "energy", "2020-07-17")!, 2339.27, accuracy: 1e-6)
        XCTAssertEqual(try dayTotal("peaches", "energy", "2023-09-19")!, 2902.26, accuracy: 1e-6)
        XCTAssertEqual(try dayTotal("dawn", "energy", "2025-03-06")!, 1477.23, accuracy: 1e-6)

        // Biometrics go to vitals: 18 blood-glucose readings on 2022-11-05 summing to 4507.0 mg/dL.
        let glucose = try jsonRows(try run([
            "query", "--user", "bio", "--metric", "blood_glucose", "--granularity", "day", "--from", "2022-11-05",
            "--to", "2022-11-05", "--format", "json",
        ]))
        XCTAssertEqual(number(glucose["2022-11-05"], "count"), 18)
        XCTAssertEqual(number(glucose["2022-11-05"], "sum")!, 4507.0, accuracy: 1e-9)
        XCTAssertEqual(glucose["2022-11-05"]?["unit"] as? String, "mg/dL")
    }
}
