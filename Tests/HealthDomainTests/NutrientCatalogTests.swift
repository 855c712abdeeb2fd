// The nutrient catalog: the embedded file, name and header resolution, unit conversion, categorization, and the
// errors for malformed catalog text.
import Foundation
import HealthDomain
import HealthSchema
import XCTest

final class NutrientCatalogTests: XCTestCase {
    private static let header = "id\tshort_name\tdisplay_name\tunit\tkind\tiu_factor\taliases"

    private func catalog(file: StaticString = #filePath, line: UInt = #line) throws -> NutrientCatalog {
        let text = try XCTUnwrap(
            HealthSchema.file(named: "nutrients-catalog.tsv"), "nutrients-catalog.tsv is not embedded", file: file,
            line: line)
        return try NutrientCatalog(tsv: text)
    }

    private func accepted(_ result: NutrientCategorization, file: StaticString = #filePath, line: UInt = #line)
        -> (id: Int, value: Double)?
    {
        guard case .accepted(let id, let value) = result else {
            XCTFail("expected accepted, got \(result)", file: file, line: line)
            return nil
        }
        return (id, value)
    }

    private func reason(_ result: NutrientCategorization, file: StaticString = #filePath, line: UInt = #line) -> String
    {
        guard case .rejected(let reason) = result else {
            XCTFail("expected rejected, got \(result)", file: file, line: line)
            return ""
        }
        return reason
    }

    private func parseError(_ tsv: String, file: StaticString = #filePath, line: UInt = #line) -> CatalogError? {
        do {
            _ = try NutrientCatalog(tsv: tsv)
            XCTFail("expected a CatalogError", file: file, line: line)
            return nil
        } catch let error as CatalogError {
            return error
        } catch {
            XCTFail("expected a CatalogError, got \(error)", file: file, line: line)
            return nil
        }
    }

    // MARK: - The embedded catalog

    func testEmbeddedCatalogMatchesSchemaFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let onDisk = try String(contentsOf: root.appendingPathComponent("schema/nutrients-catalog.tsv"), encoding: .utf8)
        let embedded = try XCTUnwrap(HealthSchema.file(named: "nutrients-catalog.tsv"))
        XCTAssertEqual(try NutrientCatalog(tsv: embedded).nutrients, try NutrientCatalog(tsv: onDisk).nutrients)
    }

    func testEmbeddedCatalogIdsAreContiguous() throws {
        let catalog = try catalog()
        XCTAssertEqual(catalog.nutrients.map(\.id), Array(1...catalog.nutrients.count))
        XCTAssertEqual(catalog.nutrient(id: 1)?.shortName, "energy")
        XCTAssertNil(catalog.nutrient(id: 0))
        XCTAssertNil(catalog.nutrient(id: -1))
        XCTAssertNil(catalog.nutrient(id: 100_000))
    }

    func testContractShortNames() throws {
        let catalog = try catalog()
        let expected: [(String, NutrientUnit, NutrientKind)] = [
            ("energy", .kilocalorie, .energy), ("protein", .gram, .mass), ("carbohydrate", .gram, .mass),
            ("fat", .gram, .mass), ("fiber", .gram, .mass), ("sugar", .gram, .mass), ("sodium", .milligram, .mass),
            ("saturated_fat", .gram, .mass), ("monounsaturated_fat", .gram, .mass),
            ("polyunsaturated_fat", .gram, .mass), ("trans_fat", .gram, .mass), ("cholesterol", .milligram, .mass),
            ("potassium", .milligram, .mass), ("calcium", .milligram, .mass), ("iron", .milligram, .mass),
            ("magnesium", .milligram, .mass), ("zinc", .milligram, .mass), ("vitamin_a", .microgram, .mass),
            ("vitamin_a_iu", .internationalUnit, .other), ("vitamin_b1", .milligram, .mass),
            ("vitamin_b12", .microgram, .mass), ("vitamin_c", .milligram, .mass), ("vitamin_d", .microgram, .mass),
            ("vitamin_e", .milligram, .mass), ("vitamin_k", .microgram, .mass), ("folate", .microgram, .mass),
            ("caffeine", .milligram, .mass), ("alcohol", .gram, .mass), ("water", .gram, .mass),
            ("added_sugar", .gram, .mass), ("omega3", .gram, .mass), ("omega6", .gram, .mass),
            ("calcium_dv", .percentDailyValue, .percentDailyValue), ("iron_dv", .percentDailyValue, .percentDailyValue),
            ("vitamin_a_dv", .percentDailyValue, .percentDailyValue),
            ("vitamin_c_dv", .percentDailyValue, .percentDailyValue),
        ]
        for (name, unit, kind) in expected {
            let nutrient = catalog.nutrient(named: name)
            XCTAssertEqual(nutrient?.shortName, name, name)
            XCTAssertEqual(nutrient?.unit, unit, name)
            XCTAssertEqual(nutrient?.kind, kind, name)
        }
    }

    /// Every nutrient column header of the sample Cronometer and MyFitnessPal exports, with the nutrient and unit
    /// it must resolve to. MyFitnessPal's % daily value columns are looked up with `(%DV)` appended.
    func testExportHeadersResolve() throws {
        let catalog = try catalog()
        let headers: [(String, String, NutrientUnit)] = [
            ("Energy (kcal)", "energy", .kilocalorie), ("Alcohol (g)", "alcohol", .gram),
            ("Caffeine (mg)", "caffeine", .milligram), ("Water (g)", "water", .gram),
            ("Oxalate (mg)", "oxalate", .milligram), ("B1 (Thiamine) (mg)", "vitamin_b1", .milligram),
            ("B2 (Riboflavin) (mg)", "vitamin_b2", .milligram), ("B3 (Niacin) (mg)", "vitamin_b3", .milligram),
            ("B5 (Pantothenic Acid) (mg)", "vitamin_b5", .milligram), ("B6 (Pyridoxine) (mg)", "vitamin_b6", .milligram),
            ("B12 (Cobalamin) (µg)", "vitamin_b12", .microgram), ("Alpha-carotene (µg)", "alpha_carotene", .microgram),
            ("Beta-carotene (µg)", "beta_carotene", .microgram),
            ("Beta-cryptoxanthin (µg)", "beta_cryptoxanthin", .microgram), ("Choline (mg)", "choline", .milligram),
            ("Folate (µg)", "folate", .microgram), ("Lutein+Zeaxanthin (µg)", "lutein_zeaxanthin", .microgram),
            ("Lycopene (µg)", "lycopene", .microgram), ("Retinol (µg)", "retinol", .microgram),
            ("Vitamin A (IU)", "vitamin_a_iu", .internationalUnit), ("Vitamin A (µg)", "vitamin_a", .microgram),
            ("Vitamin C (mg)", "vitamin_c", .milligram), ("Vitamin D (IU)", "vitamin_d", .internationalUnit),
            ("Vitamin E (mg)", "vitamin_e", .milligram), ("Vitamin K (µg)", "vitamin_k", .microgram),
            ("Calcium (mg)", "calcium", .milligram), ("Copper (mg)", "copper", .milligram),
            ("Iodine (µg)", "iodine", .microgram), ("Iron (mg)", "iron", .milligram),
            ("Magnesium (mg)", "magnesium", .milligram), ("Manganese (mg)", "manganese", .milligram),
            ("Phosphorus (mg)", "phosphorus", .milligram), ("Potassium (mg)", "potassium", .milligram),
            ("Selenium (µg)", "selenium", .microgram), ("Sodium (mg)", "sodium", .milligram),
            ("Zinc (mg)", "zinc", .milligram), ("Carbs (g)", "carbohydrate", .gram), ("Fiber (g)", "fiber", .gram),
            ("Fructose (g)", "fructose", .gram), ("Starch (g)", "starch", .gram), ("Sucrose (g)", "sucrose", .gram),
            ("Sugars (g)", "sugar", .gram), ("Added Sugars (g)", "added_sugar", .gram),
            ("Net Carbs (g)", "net_carbs", .gram), ("Fat (g)", "fat", .gram),
            ("Cholesterol (mg)", "cholesterol", .milligram), ("Monounsaturated (g)", "monounsaturated_fat", .gram),
            ("Polyunsaturated (g)", "polyunsaturated_fat", .gram), ("Saturated (g)", "saturated_fat", .gram),
            ("Trans-Fats (g)", "trans_fat", .gram), ("Omega-3 (g)", "omega3", .gram), ("Omega-6 (g)", "omega6", .gram),
            ("Alanine (g)", "alanine", .gram), ("Arginine (g)", "arginine", .gram),
            ("Aspartic acid (g)", "aspartic_acid", .gram), ("Cystine (g)", "cystine", .gram),
            ("Glutamic acid (g)", "glutamic_acid", .gram), ("Glycine (g)", "glycine", .gram),
            ("Histidine (g)", "histidine", .gram), ("Hydroxyproline (g)", "hydroxyproline", .gram),
            ("Isoleucine (g)", "isoleucine", .gram), ("Leucine (g)", "leucine", .gram), ("Lysine (g)", "lysine", .gram),
            ("Methionine (g)", "methionine", .gram), ("Phenylalanine (g)", "phenylalanine", .gram),
            ("Proline (g)", "proline", .gram), ("Protein (g)", "protein", .gram), ("Serine (g)", "serine", .gram),
            ("Threonine (g)", "threonine", .gram), ("Tryptophan (g)", "tryptophan", .gram),
            ("Tyrosine (g)", "tyrosine", .gram), ("Valine (g)", "valine", .gram),
            // MyFitnessPal
            ("Calories", "energy", .kilocalorie), ("Saturated Fat", "saturated_fat", .gram),
            ("Polyunsaturated Fat", "polyunsaturated_fat", .gram), ("Monounsaturated Fat", "monounsaturated_fat", .gram),
            ("Trans Fat", "trans_fat", .gram), ("Cholesterol", "cholesterol", .milligram),
            ("Potassium", "potassium", .milligram), ("Carbohydrates (g)", "carbohydrate", .gram),
            ("Fiber", "fiber", .gram), ("Sugar", "sugar", .gram),
            ("Vitamin A (%DV)", "vitamin_a_dv", .percentDailyValue),
            ("Vitamin C (%DV)", "vitamin_c_dv", .percentDailyValue),
            ("Calcium (%DV)", "calcium_dv", .percentDailyValue), ("Iron (%DV)", "iron_dv", .percentDailyValue),
        ]
        for (header, shortName, unit) in headers {
            let column = catalog.column(forHeader: header)
            XCTAssertEqual(column?.nutrient.shortName, shortName, header)
            XCTAssertEqual(column?.unit, unit, header)
        }
    }

    // MARK: - Names

    func testMicroSignSpellingsResolve() throws {
        let catalog = try catalog()
        for header in [
            "Vitamin B12 (µg)", "Vitamin B12 (\u{03BC}g)", "vitamin b12 (mcg)", "VITAMIN B12 (UG)", "Vitamin B12(µg)",
            "  Vitamin   B12 (µg) ", "B12 (Cobalamin) (\u{03BC}g)",
        ] {
            let column = catalog.column(forHeader: header)
            XCTAssertEqual(column?.nutrient.shortName, "vitamin_b12", header)
            XCTAssertEqual(column?.unit, .microgram, header)
        }
    }

    func testNamesWithoutUnitUseCanonicalUnit() throws {
        let catalog = try catalog()
        XCTAssertEqual(catalog.column(forHeader: "protein"), NutrientColumn(
            nutrient: try XCTUnwrap(catalog.nutrient(named: "protein")), unit: .gram))
        XCTAssertEqual(catalog.column(forHeader: "B12 (Cobalamin)")?.unit, .microgram)
        XCTAssertEqual(catalog.column(forHeader: "Saturated fat")?.nutrient.shortName, "saturated_fat")
    }

    func testUnitSuffixConvertsWhenAccepted() throws {
        let catalog = try catalog()
        XCTAssertEqual(catalog.column(forHeader: "Protein (mg)")?.unit, .milligram)
        XCTAssertEqual(catalog.column(forHeader: "energy (kJ)")?.unit, .kilojoule)
        XCTAssertEqual(catalog.column(forHeader: "Vitamin D (µg)")?.unit, .microgram)
    }

    func testUnacceptedUnitSuffixIsUnknown() throws {
        let catalog = try catalog()
        XCTAssertNil(catalog.column(forHeader: "Protein (kcal)"))
        XCTAssertNil(catalog.column(forHeader: "Vitamin E (IU)"))
        XCTAssertNil(catalog.column(forHeader: "Calcium (%DV) (mg)"))
        XCTAssertNil(catalog.nutrient(named: "Energy (g)"))
    }

    func testBareMineralNameIsMassNotPercent() throws {
        let catalog = try catalog()
        XCTAssertEqual(catalog.nutrient(named: "Calcium")?.shortName, "calcium")
        XCTAssertEqual(catalog.nutrient(named: "Iron")?.shortName, "iron")
        XCTAssertEqual(catalog.nutrient(named: "Vitamin A")?.shortName, "vitamin_a")
        XCTAssertEqual(catalog.nutrient(named: "calcium (% DV)")?.shortName, "calcium_dv")
    }

    func testUnknownNamesAreNil() throws {
        let catalog = try catalog()
        XCTAssertNil(catalog.nutrient(named: "Mystery Compound (mg)"))
        XCTAssertNil(catalog.nutrient(named: ""))
        XCTAssertNil(catalog.nutrient(named: "(g)"))
        XCTAssertNil(catalog.nutrient(named: "Category"))
    }

    // MARK: - Units

    func testUnitSpellings() {
        XCTAssertEqual(NutrientUnit(spelling: "µg"), .microgram)
        XCTAssertEqual(NutrientUnit(spelling: "\u{03BC}g"), .microgram)
        XCTAssertEqual(NutrientUnit(spelling: "MCG"), .microgram)
        XCTAssertEqual(NutrientUnit(spelling: "ug"), .microgram)
        XCTAssertEqual(NutrientUnit(spelling: "KJ"), .kilojoule)
        XCTAssertEqual(NutrientUnit(spelling: "% DV"), .percentDailyValue)
        XCTAssertEqual(NutrientUnit(spelling: "%"), .percentDailyValue)
        XCTAssertEqual(NutrientUnit(spelling: "iu"), .internationalUnit)
        XCTAssertNil(NutrientUnit(spelling: "cal"))
        XCTAssertNil(NutrientUnit(spelling: "oz"))
        XCTAssertNil(NutrientUnit(spelling: ""))
    }

    func testConvertBetweenMassUnits() {
        XCTAssertEqual(NutrientCatalog.convert(value: 5, unit: "mg", to: "g"), 0.005)
        XCTAssertEqual(NutrientCatalog.convert(value: 1, unit: "µg", to: "g"), 1e-6)
        XCTAssertEqual(NutrientCatalog.convert(value: 2.5, unit: "g", to: "mg"), 2500)
        XCTAssertEqual(NutrientCatalog.convert(value: 3, unit: "mg", to: "mcg"), 3000)
        XCTAssertEqual(NutrientCatalog.convert(value: 750, unit: "ug", to: "mg"), 0.75)
        XCTAssertEqual(NutrientCatalog.convert(value: 7, unit: "g", to: "g"), 7)
    }

    func testConvertBetweenEnergyUnits() throws {
        let kilojoules = try XCTUnwrap(NutrientCatalog.convert(value: 100, unit: "kcal", to: "kJ"))
        XCTAssertEqual(kilojoules, 418.4, accuracy: 1e-12)
        let kilocalories = try XCTUnwrap(NutrientCatalog.convert(value: 418.4, unit: "kJ", to: "kcal"))
        XCTAssertEqual(kilocalories, 100, accuracy: 1e-12)
    }

    func testConvertRejectsUnrelatedUnits() {
        XCTAssertNil(NutrientCatalog.convert(value: 1, unit: "mg", to: "kcal"))
        XCTAssertNil(NutrientCatalog.convert(value: 1, unit: "%DV", to: "mg"))
        XCTAssertNil(NutrientCatalog.convert(value: 1, unit: "IU", to: "µg"))
        XCTAssertNil(NutrientCatalog.convert(value: 1, unit: "oz", to: "g"))
        XCTAssertNil(NutrientCatalog.convert(value: 1, unit: "g", to: "lb"))
    }

    // MARK: - Categorization

    func testCategorizeConvertsToCanonicalUnit() throws {
        let catalog = try catalog()
        let protein = try XCTUnwrap(catalog.nutrient(named: "protein"))
        let result = accepted(catalog.categorize(name: "protein", value: 500, unit: "mg"))
        XCTAssertEqual(result?.id, protein.id)
        XCTAssertEqual(result?.value, 0.5)

        let energy = accepted(catalog.categorize(name: "energy", value: 1000, unit: "kJ"))
        XCTAssertEqual(try XCTUnwrap(energy?.value), 1000 / 4.184, accuracy: 1e-9)
        XCTAssertEqual(accepted(catalog.categorize(name: "Sodium (mg)", value: 2.5, unit: "g"))?.value, 2500)
    }

    func testCategorizeTakesUnitFromName() throws {
        let catalog = try catalog()
        XCTAssertEqual(accepted(catalog.categorize(name: "Protein (mg)", value: 250, unit: ""))?.value, 0.25)
        XCTAssertEqual(accepted(catalog.categorize(name: "Cholesterol", value: 85, unit: ""))?.value, 85)
        XCTAssertEqual(accepted(catalog.categorize(name: "Vitamin D (IU)", value: 400, unit: ""))?.value, 10)
    }

    func testCategorizeInternationalUnits() throws {
        let catalog = try catalog()
        XCTAssertEqual(accepted(catalog.categorize(name: "vitamin_d", value: 400, unit: "IU"))?.value, 10)
        XCTAssertEqual(accepted(catalog.categorize(name: "vitamin_a_iu", value: 266.5, unit: "IU"))?.value, 266.5)
        XCTAssertEqual(
            reason(catalog.categorize(name: "vitamin_a_iu", value: 5, unit: "µg")),
            "unit 'µg' is not accepted for vitamin_a_iu: use IU")
        XCTAssertEqual(
            reason(catalog.categorize(name: "vitamin_e", value: 5, unit: "IU")),
            "unit 'IU' is not accepted for vitamin_e: use g, mg, µg")
    }

    func testCategorizePercentDailyValue() throws {
        let catalog = try catalog()
        let calciumPercent = try XCTUnwrap(catalog.nutrient(named: "calcium_dv"))
        let result = accepted(catalog.categorize(name: "calcium_dv", value: 15, unit: "%DV"))
        XCTAssertEqual(result?.id, calciumPercent.id)
        XCTAssertEqual(result?.value, 15)
        XCTAssertEqual(accepted(catalog.categorize(name: "Calcium (%DV)", value: 7.2, unit: "%"))?.value, 7.2)
        XCTAssertEqual(
            reason(catalog.categorize(name: "calcium_dv", value: 15, unit: "mg")),
            "unit 'mg' is not accepted for calcium_dv: use %DV")
    }

    func testCategorizeRejectsInvalidValues() throws {
        let catalog = try catalog()
        XCTAssertEqual(
            reason(catalog.categorize(name: "protein", value: -1, unit: "g")),
            "invalid value -1 for protein: the amount must be a finite number of at least 0")
        XCTAssertTrue(reason(catalog.categorize(name: "protein", value: .nan, unit: "g")).contains("invalid value nan"))
        XCTAssertTrue(
            reason(catalog.categorize(name: "energy", value: .infinity, unit: "kcal")).contains("invalid value inf"))
        XCTAssertTrue(
            reason(catalog.categorize(name: "energy", value: -.infinity, unit: "kcal")).contains("invalid value -inf"))
    }

    func testCategorizeKeepsZeroPositive() throws {
        let catalog = try catalog()
        let result = accepted(catalog.categorize(name: "fat", value: -0.0, unit: "g"))
        XCTAssertEqual(result?.value.sign, .plus)
    }

    func testCategorizeRejectsUnknownNameAndUnit() throws {
        let catalog = try catalog()
        XCTAssertEqual(
            reason(catalog.categorize(name: "Mystery", value: 1, unit: "g")),
            "unknown nutrient 'Mystery': use a catalog short name such as protein, or a column header with an "
                + "accepted unit such as 'Protein (g)'")
        XCTAssertEqual(
            reason(catalog.categorize(name: "protein", value: 1, unit: "kcal")),
            "unit 'kcal' is not accepted for protein: use g, mg, µg")
        XCTAssertEqual(
            reason(catalog.categorize(name: "energy", value: 1, unit: "oz")),
            "unit 'oz' is not accepted for energy: use kcal, kJ")
    }

    // MARK: - Malformed catalog text

    func testParseRejectsWrongHeader() {
        let error = parseError("id\tname\n1\tenergy\n")
        XCTAssertEqual(error?.line, 1)
        XCTAssertTrue(error?.message.hasPrefix("invalid header") ?? false, error?.message ?? "")
    }

    func testParseRejectsMissingHeaderAndEmptyCatalog() {
        XCTAssertEqual(parseError("# only comments\n")?.message.hasPrefix("missing header"), true)
        XCTAssertEqual(parseError(Self.header + "\n")?.message, "the catalog lists no nutrients")
    }

    func testParseRejectsWrongFieldCount() {
        let error = parseError(Self.header + "\n1\tenergy\tEnergy\tkcal\tenergy\n")
        XCTAssertEqual(error?.line, 2)
        XCTAssertEqual(error?.message, "expected 7 tab-separated fields, found 5")
    }

    func testParseRejectsInvalidFields() {
        let cases: [(String, String)] = [
            ("0\tenergy\tEnergy\tkcal\tenergy\t\t", "invalid id '0': expected an integer from 1 to 65535"),
            ("1\tEnergy\tEnergy\tkcal\tenergy\t\t",
             "invalid short_name 'Energy': use lowercase letters, digits and underscores"),
            ("1\tenergy\t\tkcal\tenergy\t\t", "missing display_name for energy"),
            ("1\tenergy\tEnergy\tcal\tenergy\t\t", "invalid unit 'cal' for energy: expected one of g, mg, µg, kcal, kJ, IU, %DV"),
            ("1\tenergy\tEnergy\tkcal\tpower\t\t",
             "invalid kind 'power' for energy: expected mass, energy, percent_dv or other"),
            ("1\tprotein\tProtein\tkcal\tmass\t\t",
             "unit kcal does not fit kind mass for protein: mass uses g, mg or µg, energy kcal, percent_dv %DV and "
                + "other IU"),
            ("1\tenergy\tEnergy\tkcal\tenergy\t2\t", "iu_factor is set for energy, but only mass nutrients convert IU"),
            ("1\tvitamin_d\tVitamin D\tµg\tmass\t-1\t",
             "invalid iu_factor '-1' for vitamin_d: expected a positive number"),
            ("1\tprotein\tProtein\tg\tmass\t\tProtein (kcal)",
             "alias 'Protein (kcal)' of protein states the unit kcal, which protein does not accept"),
        ]
        for (row, message) in cases {
            let error = parseError(Self.header + "\n" + row + "\n")
            XCTAssertEqual(error?.line, 2, row)
            XCTAssertEqual(error?.message, message, row)
        }
    }

    func testParseRejectsDuplicateId() {
        let text = Self.header + "\n1\tenergy\tEnergy\tkcal\tenergy\t\t\n1\tprotein\tProtein\tg\tmass\t\t\n"
        let error = parseError(text)
        XCTAssertEqual(error?.line, 3)
        XCTAssertEqual(error?.message, "id 1 is used by both energy and protein")
    }

    func testParseRejectsAliasOfTwoNutrients() {
        let text = Self.header + "\n1\tcalcium\tCalcium\tmg\tmass\t\t\n"
            + "2\tcalcium_dv\tCalcium, % daily value\t%DV\tpercent_dv\t\tCALCIUM\n"
        let error = parseError(text)
        XCTAssertEqual(error?.line, 3)
        XCTAssertEqual(error?.message, "name 'CALCIUM' refers to both calcium and calcium_dv")
    }

    func testParseTreatsMicroSignVariantsAsOneName() {
        let text = Self.header + "\n1\tvitamin_b12\tVitamin B12\tµg\tmass\t\tB12 (µg)\n"
            + "2\tcobalamin\tCobalamin\tµg\tmass\t\tB12 (mcg)\n"
        XCTAssertEqual(parseError(text)?.message, "name 'B12 (mcg)' refers to both vitamin_b12 and cobalamin")
    }

    func testParseSkipsCommentsAndBlankLines() throws {
        let text = "# comment\n\n" + Self.header + "\n# another\n7\tfat\tFat\tg\tmass\t\tFat (g)\n\n"
        let catalog = try NutrientCatalog(tsv: text)
        XCTAssertEqual(catalog.nutrients.count, 1)
        XCTAssertEqual(catalog.nutrient(id: 7)?.shortName, "fat")
        XCTAssertEqual(catalog.nutrient(named: "FAT (G)")?.id, 7)
    }
}
