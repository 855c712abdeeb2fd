// End to end: the real healthd on a loopback port, the real health CLI importing the shared Apple Health sample
// exports, and rollups checked against values worked out by hand from those files.

import Foundation
import XCTest

final class AppleHealthEndToEndTests: XCTestCase {
    private func sampleFiles() throws -> [String] {
        guard let shared = sharedDataDirectory() else {
            throw XCTSkip("../shared/data is absent beside the checkout; the shared Apple Health samples are needed")
        }
        let folder = shared.appendingPathComponent("apple-health")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".xml") }
            .sorted()
            .map { folder.appendingPathComponent($0).path }
    }

    private func query(_ server: ServerProcess, _ metric: String, _ granularity: String, _ from: String, _ to: String)
        throws -> [String: [String: Any]]
    {
        let result = try runHealth([
            "query", "--server", server.address, "--user", "e2e", "--metric", metric, "--granularity", granularity,
            "--from", from, "--to", to, "--format", "json",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try jsonRows(result.stdout)
    }

    func testImportSharedExportsGivesHandComputedRollups() throws {
        let files = try sampleFiles()
        XCTAssertEqual(files.count, 6)
        let directory = try makeTemporaryDirectory(self)
        let server = try ServerProcess(database: directory.appendingPathComponent("e2e.db"), directory: directory, test: self)

        let imported = try runHealth(["import", "apple-health", "--server", server.address, "--user", "e2e"] + files)
        XCTAssertEqual(imported.status, 0, imported.stderr)

        // Heart rate, grll export: 56, 96 and 150 count/min on 2023-11-20 at +01:00.
        let heartDays = try query(server, "heart_rate", "day", "2023-11-20", "2023-11-20")
        let november20 = heartDays["2023-11-20"]
        XCTAssertEqual(number(november20, "count"), 3)
        XCTAssertEqual(number(november20, "sum"), 302)
        XCTAssertEqual(number(november20, "min"), 56)
        XCTAssertEqual(number(november20, "max"), 150)
        XCTAssertEqual(number(november20, "avg")!, 302.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(number(november20, "first"), 56)
        XCTAssertEqual(number(november20, "last"), 150)
        // Population standard deviation of 56, 96, 150: mean 100.6667, variance 4450.6667 / 3 = 1483.5556.
        XCTAssertEqual(number(november20, "stddev")!, 38.5170, accuracy: 1e-4)
        XCTAssertEqual(november20?["unit"] as? String, "count/min")

        // Heart rate by LOINC code, alxdrcirilo export: 74 and 75 on 2024-01-01 at +02:00 (22:01 UTC the day before).
        let newYear = try query(server, "8867-4", "day", "2023-12-31", "2024-01-01")
        XCTAssertNil(newYear["2023-12-31"])
        XCTAssertEqual(number(newYear["2024-01-01"], "count"), 2)
        XCTAssertEqual(number(newYear["2024-01-01"], "avg"), 74.5)

        // Hour bucket keeps the sample's own offset: dogsheep 72 at 02:28 -07:00.
        let hours = try query(server, "heart_rate", "hour", "2018-09-10", "2018-09-10")
        XCTAssertEqual(Array(hours.keys), ["2018-09-10T02:00-07:00"])
        XCTAssertEqual(number(hours["2018-09-10T02:00-07:00"], "sum"), 72)

        // Months of 2024: rickyarm 72 in February; alxdrcirilo 74, 75 in January; rinoshiyo 72, 78 in June.
        let months = try query(server, "heart_rate", "month", "2024-01-01", "2024-12-31")
        XCTAssertEqual(months.keys.sorted(), ["2024-01", "2024-02", "2024-06"])
        XCTAssertEqual(number(months["2024-02"], "count"), 1)
        XCTAssertEqual(number(months["2024-06"], "count"), 2)
        XCTAssertEqual(number(months["2024-06"], "avg"), 75)

        // Body weight, grll export: 68.5 kg on Sunday 2023-12-03 and 72 kg on Monday 2023-12-04 (+01:00).
        let weeks = try query(server, "body_weight", "week", "2023-11-27", "2023-12-10")
        XCTAssertEqual(number(weeks["2023-11-27"], "sum"), 68.5)
        XCTAssertEqual(number(weeks["2023-12-04"], "sum"), 72)
        let weightMonth = try query(server, "body_weight", "month", "2023-12-01", "2023-12-31")["2023-12"]
        XCTAssertEqual(number(weightMonth, "count"), 2)
        XCTAssertEqual(number(weightMonth, "avg"), 70.25)
        XCTAssertEqual(number(weightMonth, "min"), 68.5)
        XCTAssertEqual(number(weightMonth, "max"), 72)
        XCTAssertEqual(number(weightMonth, "first"), 68.5)
        XCTAssertEqual(number(weightMonth, "last"), 72)
        XCTAssertEqual(weightMonth?["unit"] as? String, "kg")

        // The rinoshiyo blood pressure pair appears at top level and inside its Correlation: counted once.
        let systolic = try query(server, "systolic_blood_pressure", "day", "2024-06-15", "2024-06-15")
        XCTAssertEqual(number(systolic["2024-06-15"], "count"), 1)

        XCTAssertEqual(server.stop(), 0, server.log)
    }

    func testReimportChangesNothing() throws {
        let files = try sampleFiles()
        let directory = try makeTemporaryDirectory(self)
        let server = try ServerProcess(database: directory.appendingPathComponent("e2e.db"), directory: directory, test: self)
        let first = try runHealth(["import", "apple-health", "--server", server.address, "--user", "e2e", "--format", "json"] + files)
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try runHealth(["import", "apple-health", "--server", server.address, "--user", "e2e", "--format", "json"] + files)
        XCTAssertEqual(second.status, 0, second.stderr)

        let summary = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((summary?["accepted"] as? NSNumber)?.intValue, 0, second.stdout)
        XCTAssertEqual((summary?["updated"] as? NSNumber)?.intValue, 0, second.stdout)
        XCTAssertGreaterThan((summary?["unchanged"] as? NSNumber)?.intValue ?? 0, 30, second.stdout)

        let heartDays = try query(server, "heart_rate", "day", "2023-11-20", "2023-11-20")
        XCTAssertEqual(number(heartDays["2023-11-20"], "count"), 3)
        XCTAssertEqual(server.stop(), 0, server.log)
    }
}
