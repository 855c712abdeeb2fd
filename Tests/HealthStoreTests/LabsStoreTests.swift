// Labs in the store: names and units mapped to LOINC codes, quarterly and yearly rollups, censored and
// qualitative results, flags from the report's range and the catalog's default, and failed results.

import HealthDomain
import HealthStore
import XCTest

final class LabsStoreTests: StoreTestCase {
    private let year2024 = (
        from: CivilDate(year: 2024, month: 1, day: 1), to: CivilDate(year: 2024, month: 12, day: 31)
    )

    /// Returns the LOINC code of each categorized result, in raw id order.
    private func categorizedCodes() throws -> [String] {
        try RawDatabase(path: databasePath)
            .rows("SELECT t.code FROM labs l JOIN lab_tests t ON t.id = l.test_id ORDER BY l.raw_id")
            .map { $0[0].text ?? "" }
    }

    func testHbA1cNamesAndUnitsMapToCodes() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let day = utcMs(2024, 5, 2, 9, 0, offset: 0)
        let outcome = try submit(
            writer,
            [
                .labs(
                    LabBatch(
                        user: "ana",
                        records: [
                            labResult("HbA1c", "7.0", "%", at: day),
                            labResult("A1c", "6.5", "%", at: day),
                            labResult("Hemoglobin A1c (IFCC)", "53", "mmol/mol", at: day),
                        ]))
            ])[0]
        XCTAssertEqual(outcome.failures, [])
        XCTAssertEqual(try categorizedCodes(), ["4548-4", "4548-4", "59261-8"])
        XCTAssertEqual(
            try RawDatabase(path: databasePath).rows("SELECT value FROM labs ORDER BY raw_id").map { $0[0].double },
            [7.0, 6.5, 53])
    }

    func testMagnesiumUnitChoosesCode() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let day = utcMs(2024, 5, 2, 9, 0, offset: 0)
        let outcome = try submit(
            writer,
            [
                .labs(
                    LabBatch(
                        user: "ana",
                        records: [
                            labResult("Magnesium", "2.0", "mg/dL", at: day),
                            labResult("Mg, serum", "0.85", "mmol/L", at: day),
                        ]))
            ])[0]
        XCTAssertEqual(outcome.failures, [])
        XCTAssertEqual(try categorizedCodes(), ["19123-9", "2601-3"])
    }

    func testStatedCodeWithOtherUnitChoosesPairCode() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let day = utcMs(2024, 5, 2, 9, 0, offset: 0)
        // 4548-4 is HbA1c in %, but mmol/mol belongs to its pair 59261-8; the stated code decides even against a
        // name the matcher would not accept.
        let outcome = try submit(
            writer,
            [
                .labs(
                    LabBatch(
                        user: "ana",
                        records: [
                            labResult("GHb", "53", "mmol/mol", at: day, code: "4548-4"),
                            labResult("GHb", "7.0", "%", at: day, code: "4548-4"),
                            labResult("Sugar thing", "99", "mg/dL", at: day, code: "2345-7"),
                        ]))
            ])[0]
        XCTAssertEqual(outcome.failures, [])
        XCTAssertEqual(try categorizedCodes(), ["59261-8", "4548-4", "2345-7"])
        XCTAssertEqual(
            try RawDatabase(path: databasePath).rows("SELECT confidence FROM labs ORDER BY raw_id").map {
                $0[0].double
            },
            [1, 1, 1])
    }

    func testQuarterAndYearRollupsOfHbA1c() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let february = utcMs(2024, 2, 10, 8, 0, offset: 60)
        let may = utcMs(2024, 5, 10, 8, 0, offset: 120)
        let august = utcMs(2024, 8, 10, 8, 0, offset: 120)
        let records = [
            labResult("HbA1c", "6.8", "%", at: february, offset: 60),
            labResult("HbA1c", "7.2", "%", at: may, offset: 120),
            labResult("HbA1c", "6.5", "%", at: august, offset: 120),
        ]
        _ = try submit(writer, [.labs(LabBatch(user: "ana", records: records))])
        let reader = try openReader()

        // One result per quarter: Q1 6.8, Q2 7.2, Q3 6.5, and no Q4 row.
        let quarters = try domainRows(
            reader, user: "ana", .labs, code: "4548-4", .quarter, from: year2024.from, to: year2024.to)
        XCTAssertEqual(quarters.keys.sorted(), ["2024-Q1", "2024-Q2", "2024-Q3"])
        XCTAssertEqual(quarters["2024-Q1"]?.stats.count, 1)
        XCTAssertEqual(quarters["2024-Q1"]?.stats.sum, 6.8)
        XCTAssertEqual(quarters["2024-Q2"]?.stats.sum, 7.2)
        XCTAssertEqual(quarters["2024-Q3"]?.stats.sum, 6.5)

        // The year: count 3, sum 6.8 + 7.2 + 6.5 = 20.5, mean 20.5 / 3 = 6.8333, first 6.8 (Feb), last 6.5
        // (Aug), min 6.5, max 7.2. All three are above the catalog's default range 4.0 to 5.6, so abnormal 3.
        let years = try domainRows(
            reader, user: "ana", .labs, code: "HbA1c", .year, from: year2024.from, to: year2024.to)
        let year = try XCTUnwrap(years["2024"])
        XCTAssertEqual(year.stats.count, 3)
        XCTAssertEqual(year.numericCount, 3)
        XCTAssertEqual(year.stats.sum, 20.5, accuracy: 1e-12)
        XCTAssertEqual(year.stats.sum / Double(year.numericCount), 6.8333, accuracy: 1e-4)
        XCTAssertEqual(year.stats.firstValue, 6.8)
        XCTAssertEqual(year.stats.firstTime, february)
        XCTAssertEqual(year.stats.lastValue, 6.5)
        XCTAssertEqual(year.stats.lastTime, august)
        XCTAssertEqual(year.stats.minimum, 6.5)
        XCTAssertEqual(year.stats.maximum, 7.2)
        XCTAssertEqual(year.abnormal, 3)
        XCTAssertEqual(year.censored, 0)

        let months = try domainRows(
            reader, user: "ana", .labs, code: "4548-4", .month, from: year2024.from, to: year2024.to)
        XCTAssertEqual(months.keys.sorted(), ["2024-02", "2024-05", "2024-08"])
        let series = try reader.query(
            user: "ana", domain: .labs, codes: ["HbA1c"], granularity: .year, from: year2024.from, to: year2024.to)
        XCTAssertEqual(series.first?.code, "4548-4")
        XCTAssertEqual(series.first?.loinc, "4548-4")
        XCTAssertEqual(series.first?.unit, "%")

        let latest = try reader.latest(user: "ana", domain: .labs, codes: ["4548-4"])
        XCTAssertEqual(latest.first?.value, 6.5)
        XCTAssertEqual(latest.first?.time, august)
        try assertVerifies(reader)
    }

    func testCensoredAndQualitativeCountWithoutSums() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let day = utcMs(2024, 3, 5, 9, 0, offset: 0)
        // CRP (1988-5, mg/L, default range up to 10): "<0.5" is censored, 3.2 numeric, "see note" text.
        let records = [
            labResult("CRP", "<0.5", "mg/L", at: day),
            labResult("CRP", "3.2", "mg/L", at: day + 60_000),
            labResult("CRP", "see note", "", at: day + 120_000),
        ]
        let outcome = try submit(writer, [.labs(LabBatch(user: "ana", records: records))])[0]
        XCTAssertEqual(outcome.failures, [])
        let reader = try openReader()

        let days = try domainRows(
            reader, user: "ana", .labs, code: "1988-5", .day, from: year2024.from, to: year2024.to)
        let row = try XCTUnwrap(days["2024-03-05"])
        XCTAssertEqual(row.stats.count, 3)
        XCTAssertEqual(row.censored, 1)
        XCTAssertEqual(row.qualitative, 1)
        XCTAssertEqual(row.numericCount, 1)
        XCTAssertEqual(row.stats.sum, 3.2)
        XCTAssertEqual(row.stats.minimum, 3.2)
        XCTAssertEqual(row.stats.maximum, 3.2)
        XCTAssertEqual(row.abnormal, 0)

        let stored = try RawDatabase(path: databasePath).rows(
            "SELECT kind, value, comparator, text, flag FROM labs ORDER BY raw_id")
        XCTAssertEqual(stored[0], [.text("censored"), .real(0.5), .text("<"), .null, .text("normal")])
        XCTAssertEqual(stored[1], [.text("numeric"), .real(3.2), .null, .null, .text("normal")])
        XCTAssertEqual(stored[2], [.text("qualitative"), .null, .null, .text("see note"), .text("unknown")])
        try assertVerifies(reader)
    }

    func testAbnormalFromReportRangeAndCatalogDefault() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let day = utcMs(2024, 3, 5, 9, 0, offset: 0)
        // Glucose 2345-7, catalog default 70 to 99 mg/dL.
        let records = [
            // 110 is above the default but inside the report's 70 to 140: normal.
            labResult("Glucose", "110", "mg/dL", at: day, low: 70, high: 140),
            // 105 with no report range: high by the default.
            labResult("Glucose", "105", "mg/dL", at: day + 60_000),
            // 60 below the report's 65 to 100: low.
            labResult("Glucose", "60", "mg/dL", at: day + 120_000, low: 65, high: 100),
            // 1.0 g/L is 100 mg/dL; the report's 0.6 to 0.9 g/L converts to 60 to 90 mg/dL: high.
            labResult("Glucose", "1.0", "g/L", at: day + 180_000, low: 0.6, high: 0.9),
        ]
        let outcome = try submit(writer, [.labs(LabBatch(user: "ana", records: records))])[0]
        XCTAssertEqual(outcome.failures, [])

        let flags = try RawDatabase(path: databasePath).rows("SELECT flag FROM labs ORDER BY raw_id").map { $0[0].text }
        XCTAssertEqual(flags, ["normal", "high", "low", "high"])
        let reader = try openReader()
        let months = try domainRows(
            reader, user: "ana", .labs, code: "2345-7", .month, from: year2024.from, to: year2024.to)
        XCTAssertEqual(months["2024-03"]?.abnormal, 3)
        XCTAssertEqual(months["2024-03"]?.stats.count, 4)
        XCTAssertEqual(months["2024-03"]?.stats.maximum ?? 0, 110, accuracy: 1e-9)
        try assertVerifies(reader)
    }

    func testUnconvertibleUnitFailsNamingAcceptedUnits() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let day = utcMs(2024, 3, 5, 9, 0, offset: 0)
        let outcome = try submit(
            writer, [.labs(LabBatch(user: "ana", records: [labResult("Glucose", "5.4", "furlongs", at: day)]))])[0]
        XCTAssertEqual(outcome.failures.map(\.index), [0])
        let reason = outcome.failures.first?.reason ?? ""
        XCTAssertTrue(reason.contains("furlongs"), reason)
        XCTAssertTrue(reason.contains("mg/dL"), reason)
        XCTAssertEqual(try RawDatabase(path: databasePath).integer("SELECT status FROM labs_raw"), 2)
    }

    func testUnmatchedNameFailsThenRetryAfterCatalogGrows() throws {
        // A catalog without ferritin (2276-4), then the full one.
        let smallCatalogs = StoreCatalogs(
            vitals: catalog, nutrients: try allCatalogs().nutrients,
            labs: try LabCatalog(tsv: labsCatalogText(omitting: ["2276-4"])))
        let day = utcMs(2024, 3, 5, 9, 0, offset: 0)
        var writer: StoreWriter? = try openWriter(catalogs: smallCatalogs)
        let outcome = try submit(
            writer!, [.labs(LabBatch(user: "ana", records: [labResult("Ferritin", "45", "ng/mL", at: day)]))])[0]
        XCTAssertEqual(outcome.failures.map(\.index), [0])
        let reason = outcome.failures.first?.reason ?? ""
        XCTAssertTrue(reason.contains("Ferritin"), reason)
        XCTAssertTrue(reason.contains("candidates") || reason.contains("no catalog test resembles"), reason)
        let raw = try RawDatabase(path: databasePath)
        XCTAssertEqual(try raw.rows("SELECT status, error FROM labs_raw"), [[.integer(2), .text(reason)]])
        writer?.close()
        writer = nil

        let grown = try openWriter(catalogs: allCatalogs())
        let triggered = try grown.trigger(user: "ana", domain: .labs, priority: 0, work: .retryFailed)
        XCTAssertEqual(triggered.work, .retryFailed)
        let step = try XCTUnwrap(try grown.processNextJob(maxRows: 100))
        XCTAssertEqual(step.rowsProcessed, 1)
        XCTAssertTrue(step.finished)
        XCTAssertNil(try grown.processNextJob(maxRows: 100))

        XCTAssertEqual(try raw.rows("SELECT status, error FROM labs_raw"), [[.integer(1), .null]])
        XCTAssertEqual(try categorizedCodes(), ["2276-4"])
        let reader = try openReader()
        let days = try domainRows(
            reader, user: "ana", .labs, code: "Ferritin", .day, from: year2024.from, to: year2024.to)
        XCTAssertEqual(days["2024-03-05"]?.stats.sum, 45)
        try assertVerifies(reader)
    }

    func testReplacementMovesResultBetweenQuarters() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let march = utcMs(2024, 3, 30, 9, 0, offset: 0)
        let april = utcMs(2024, 4, 2, 9, 0, offset: 0)
        _ = try submit(
            writer, [.labs(LabBatch(user: "ana", records: [labResult("HbA1c", "6.8", "%", at: march, id: "r1")]))])
        var outcome = try submit(
            writer, [.labs(LabBatch(user: "ana", records: [labResult("HbA1c", "6.8", "%", at: march, id: "r1")]))])[0]
        XCTAssertEqual(outcome.unchanged, 1)
        outcome = try submit(
            writer,
            [.labs(LabBatch(user: "ana", records: [labResult("HbA1c", "7.1", "%", at: april, id: "r1", version: 2)]))]
        )[0]
        XCTAssertEqual(outcome.updated, 1)

        let reader = try openReader()
        let quarters = try domainRows(
            reader, user: "ana", .labs, code: "4548-4", .quarter, from: year2024.from, to: year2024.to)
        XCTAssertEqual(quarters.keys.sorted(), ["2024-Q2"])
        XCTAssertEqual(quarters["2024-Q2"]?.stats.sum, 7.1)
        try assertVerifies(reader)
    }
}
