// Helpers for the nutrition, labs and queue tests: writers and readers with all three catalogs, record builders,
// the lab catalog file, and whole-table snapshots for comparing two databases.

import Foundation
import HealthDomain
import HealthStore
import XCTest

/// Reads the lab catalog file of the repository from the source tree.
func labsCatalogText() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("schema/labs-catalog.tsv"), encoding: .utf8)
}

/// Returns the lab catalog file without the rows whose code is in `codes`.
func labsCatalogText(omitting codes: Set<String>) throws -> String {
    try labsCatalogText().split(separator: "\n", omittingEmptySubsequences: false)
        .filter { line in
            let code = line.split(separator: "\t", maxSplits: 1).first.map(String.init) ?? ""
            return !codes.contains(code)
        }
        .joined(separator: "\n")
}

func entry(
    _ eatenMs: Int64, offset: Int?, meal: String, _ amounts: [(String, Double, String)], food: String = "food",
    id: String? = nil, version: Int64 = 0
) -> NutritionRecord {
    NutritionRecord(
        eatenMs: eatenMs, offsetMinutes: offset, meal: meal, food: food,
        nutrients: amounts.map { NutrientAmount(nutrient: $0.0, value: $0.1, unit: $0.2) }, source: "test-log",
        sourceRecordId: id, version: version)
}

func labResult(
    _ test: String, _ value: String, _ unit: String, at collectedMs: Int64, offset: Int? = 0, code: String? = nil,
    low: Double? = nil, high: Double? = nil, id: String? = nil, version: Int64 = 0
) -> LabRecord {
    LabRecord(
        test: test, code: code, valueText: value, unit: unit, referenceLow: low, referenceHigh: high,
        collectedMs: collectedMs, offsetMinutes: offset, source: "test-lab", sourceRecordId: id, version: version)
}

extension StoreTestCase {
    func openWriter(catalogs: StoreCatalogs, path: String? = nil) throws -> StoreWriter {
        try StoreWriter(path: path ?? databasePath, catalogs: catalogs)
    }

    func allCatalogs() throws -> StoreCatalogs {
        try StoreCatalogs(vitals: catalog)
    }

    func submit(_ writer: StoreWriter, _ batches: [SubmissionBatch], file: StaticString = #filePath, line: UInt = #line)
        throws -> [SubmitOutcome]
    {
        let outcomes = try writer.apply(batches)
        XCTAssertEqual(outcomes.count, batches.count, file: file, line: line)
        return outcomes
    }

    /// Runs processNextJob until the queue is empty and returns the states it returned.
    @discardableResult
    func drainQueue(_ writer: StoreWriter, maxRows: Int) throws -> [JobState] {
        var states: [JobState] = []
        while let state = try writer.processNextJob(maxRows: maxRows) {
            states.append(state)
            if states.count > 10_000 {
                XCTFail("the queue does not drain")
                break
            }
        }
        return states
    }

    /// Queries one domain code and returns its rows keyed by bucket label.
    func domainRows(
        _ reader: StoreReader, user: String, _ domain: HealthDataDomain, code: String, _ granularity: Granularity,
        from: CivilDate, to: CivilDate
    ) throws -> [String: RollupRow] {
        let series = try reader.query(
            user: user, domain: domain, codes: [code], granularity: granularity, from: from, to: to)
        XCTAssertEqual(series.count, 1)
        var byLabel: [String: RollupRow] = [:]
        for row in series.first?.rows ?? [] {
            byLabel[BucketKey.label(granularity, key: row.key)] = row
        }
        return byLabel
    }
}

/// Every rollup table, for whole-table comparisons.
let rollupTables = [
    "vitals_hour", "vitals_day", "vitals_week", "vitals_month", "nutrition_day", "nutrition_week",
    "nutrition_month", "nutrition_meal_day", "labs_day", "labs_month", "labs_quarter", "labs_year",
]

/// Returns the rows of each table as text, sorted.
func snapshot(_ database: RawDatabase, tables: [String]) throws -> [String: [String]] {
    var result: [String: [String]] = [:]
    for table in tables {
        result[table] = try database.rows("SELECT * FROM \(table)").map { row in
            row.map { value -> String in
                switch value {
                case .integer(let number): return String(number)
                case .real(let number): return "\(number)"
                case .text(let text): return "'\(text)'"
                case .null: return "NULL"
                }
            }.joined(separator: "|")
        }.sorted()
    }
    return result
}
