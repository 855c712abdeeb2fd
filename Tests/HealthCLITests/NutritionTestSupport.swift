// Helpers shared by the nutrition import tests: the nutrient catalog from schema/, fixture and sample-data paths,
// and wall-clock times.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Parses the catalog file schema/nutrients-catalog.tsv.
func nutrientCatalog() throws -> NutrientCatalog {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("schema/nutrients-catalog.tsv"), encoding: .utf8)
    return try NutrientCatalog(tsv: text)
}

/// Returns the path of a fixture under Tests/HealthCLITests/Fixtures/nutrition/.
func nutritionFixture(_ name: String) -> String {
    packageRoot.appendingPathComponent("Tests/HealthCLITests/Fixtures/nutrition").appendingPathComponent(name).path
}

/// Returns the path of a sample export in the nutrition folder of the shared sample data next to the package.
/// Skips the test when that file is not there.
func sharedNutritionFile(_ name: String) throws -> String {
    let path = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/nutrition")
        .appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: path) else {
        throw XCTSkip("sample export \(path) is not present; these tests need the shared sample data next to the package")
    }
    return path
}

/// Returns the local wall-clock time read as UTC milliseconds, as records without an offset carry it.
func wallClockMs(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Int64 {
    let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
    return days * 86_400_000 + Int64((hour * 60 + minute) * 60 + second) * 1000
}

/// Reads a whole file with `NutritionImporter`.
func importNutrition(path: String, format: NutritionFormat? = nil) throws -> NutritionImport {
    var importer = try NutritionImporter(path: path, catalog: try nutrientCatalog(), format: format)
    return try importer.readAll()
}

/// Reads CSV text with `NutritionImporter`.
func importNutrition(text: String, format: NutritionFormat? = nil) throws -> NutritionImport {
    var importer = try NutritionImporter(reader: CSVReader(text: text), catalog: try nutrientCatalog(), format: format)
    return try importer.readAll()
}

/// Reads every row of `text` with `CSVReader`.
func csvRows(_ text: String) throws -> [CSVRow] {
    var reader = CSVReader(text: text)
    var rows: [CSVRow] = []
    while let row = try reader.nextRow() {
        rows.append(row)
    }
    return rows
}
