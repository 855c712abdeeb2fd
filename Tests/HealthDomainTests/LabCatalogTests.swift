// Parsing of the lab catalog: the embedded schema/labs-catalog.tsv and hand-written catalogs with errors.
import HealthDomain
import HealthSchema
import XCTest

final class LabCatalogTests: XCTestCase {
    // MARK: - Embedded catalog

    func testEmbeddedCatalogHasCommonTests() throws {
        let catalog = try embeddedLabCatalog()
        XCTAssertGreaterThanOrEqual(catalog.tests.count, 200)

        let categories = Set(catalog.tests.map(\.category))
        for category in [
            "metabolic", "electrolytes", "lipids", "liver", "kidney", "thyroid", "diabetes", "blood-count",
            "differential", "iron", "vitamins", "inflammation", "coagulation", "urinalysis", "hormones", "cardiac",
            "pancreas",
        ] {
            XCTAssertTrue(categories.contains(category), "no test in category \(category)")
        }
    }

    func testEmbeddedCatalogCarriesLOINCNotice() throws {
        let text = try XCTUnwrap(HealthSchema.file(named: "labs-catalog.tsv"))
        XCTAssertTrue(
            text.contains(
                "This material contains content from LOINC (http://loinc.org). LOINC is copyright © Regenstrief "
                    + "Institute, Inc.\n# and the LOINC Committee and is available at no cost under the license at "
                    + "http://loinc.org/terms-of-use."))
    }

    func testEmbeddedCatalogLookupByCode() throws {
        let catalog = try embeddedLabCatalog()
        let glucose = try XCTUnwrap(catalog.test(code: "2345-7"))
        XCTAssertEqual(glucose.name, "Glucose")
        XCTAssertEqual(glucose.unit, "mg/dL")
        XCTAssertEqual(glucose.category, "metabolic")
        XCTAssertEqual(glucose.referenceLow, 70)
        XCTAssertEqual(glucose.referenceHigh, 99)
        XCTAssertEqual(glucose.group, "glucose")
        XCTAssertTrue(glucose.synonyms.contains("blood sugar"))
        XCTAssertNil(catalog.test(code: "0000-0"))
    }

    func testEmbeddedCatalogPropertyPairs() throws {
        let catalog = try embeddedLabCatalog()
        let pairs = [
            ("4548-4", "59261-8"), ("19123-9", "2601-3"), ("2345-7", "14749-6"), ("2093-3", "14647-2"),
            ("2160-0", "14682-9"),
        ]
        for (mass, substance) in pairs {
            let first = try XCTUnwrap(catalog.test(code: mass), mass)
            let second = try XCTUnwrap(catalog.test(code: substance), substance)
            XCTAssertNotNil(first.group, mass)
            XCTAssertEqual(first.group, second.group, "\(mass) and \(substance)")
        }
    }

    func testEmbeddedCatalogRangesAreOrdered() throws {
        for test in try embeddedLabCatalog().tests {
            if let low = test.referenceLow, let high = test.referenceHigh {
                XCTAssertLessThanOrEqual(low, high, test.code)
            }
        }
    }

    // MARK: - Hand-written catalogs

    func testParsesGroupsConversionsAndOpenRanges() throws {
        let catalog = try LabCatalog(
            tsv: labCatalogText([
                [
                    "4548-4", "Hemoglobin A1c", "diabetes", "%", "4.0", "5.6", "hba1c", "mmol/mol=0.09148+2.152",
                    "HbA1c|A1c",
                ],
                [
                    "59261-8", "Hemoglobin A1c (IFCC)", "diabetes", "mmol/mol", "20", "", "hba1c", "%=10.929-23.497",
                    "A1c IFCC",
                ],
                ["2160-0", "Creatinine", "kidney", "mg/dL", "", "1.3", "", "umol/L=/88.42", ""],
            ]))
        XCTAssertEqual(catalog.tests.map(\.code), ["4548-4", "59261-8", "2160-0"])

        let ifcc = try XCTUnwrap(catalog.test(code: "59261-8"))
        XCTAssertEqual(ifcc.referenceLow, 20)
        XCTAssertNil(ifcc.referenceHigh)
        XCTAssertEqual(ifcc.conversions, [LabUnitConversion(unit: "%", multiplier: 10.929, offset: -23.497)])

        let creatinine = try XCTUnwrap(catalog.test(code: "2160-0"))
        XCTAssertNil(creatinine.referenceLow)
        XCTAssertEqual(creatinine.conversions, [LabUnitConversion(unit: "umol/L", divisor: 88.42)])
        XCTAssertEqual(creatinine.synonyms, [])
        XCTAssertNil(creatinine.group)
    }

    func testCommentsAndBlankLinesAreSkipped() throws {
        let text =
            "# comment\n\n" + labCatalogHeader + "\n# another\n\n"
            + "2951-2\tSodium\telectrolytes\tmmol/L\t136\t145\t\t\tNa\n"
        let catalog = try LabCatalog(tsv: text)
        XCTAssertEqual(catalog.tests.count, 1)
        XCTAssertEqual(catalog.tests.first?.line, 6)
    }

    func testAliasCollisionNamesBothTests() {
        let text = labCatalogText([
            ["2345-7", "Glucose", "metabolic", "mg/dL", "", "", "", "", "sugar"],
            ["2951-2", "Sodium", "electrolytes", "mmol/L", "", "", "", "", "Na|Sugar"],
        ])
        XCTAssertThrowsError(try LabCatalog(tsv: text)) { error in
            let catalogError = error as? LabCatalogError
            XCTAssertEqual(catalogError?.kind, .aliasCollision)
            XCTAssertEqual(catalogError?.line, 3)
            XCTAssertEqual(catalogError?.codes, ["2345-7", "2951-2"])
            let message = catalogError?.message ?? ""
            XCTAssertTrue(message.contains("2345-7 Glucose"), message)
            XCTAssertTrue(message.contains("2951-2 Sodium"), message)
            XCTAssertTrue(message.contains("\"sugar\""), message)
        }
    }

    func testAliasCollisionAfterNormalization() {
        let text = labCatalogText([
            ["718-7", "Hemoglobin", "blood-count", "g/dL", "", "", "", "", "Hb"],
            ["4544-3", "Hematocrit", "blood-count", "%", "", "", "", "", "Haemoglobin, serum"],
        ])
        XCTAssertThrowsError(try LabCatalog(tsv: text)) { error in
            XCTAssertEqual((error as? LabCatalogError)?.kind, .aliasCollision)
            XCTAssertEqual((error as? LabCatalogError)?.codes, ["718-7", "4544-3"])
        }
    }

    func testSharedAliasAllowedWithinGroup() throws {
        let catalog = try LabCatalog(
            tsv: labCatalogText([
                ["19123-9", "Magnesium", "electrolytes", "mg/dL", "", "", "magnesium", "mmol/L=2.4305", "Mg"],
                ["2601-3", "Magnesium (molar)", "electrolytes", "mmol/L", "", "", "magnesium", "mg/dL=/2.4305", "Mg"],
            ]))
        XCTAssertEqual(catalog.match(name: "Mg", unit: "mmol/L").best?.test.code, "2601-3")
        XCTAssertEqual(catalog.match(name: "Mg", unit: "mg/dL").best?.test.code, "19123-9")
    }

    func testGroupWithSameDimensionIsRejected() {
        let text = labCatalogText([
            ["2345-7", "Glucose", "metabolic", "mg/dL", "", "", "glucose", "", ""],
            ["1558-6", "Fasting glucose", "diabetes", "g/L", "", "", "glucose", "", ""],
        ])
        XCTAssertThrowsError(try LabCatalog(tsv: text)) { error in
            XCTAssertEqual((error as? LabCatalogError)?.kind, .ambiguousGroup)
            XCTAssertEqual((error as? LabCatalogError)?.codes, ["2345-7", "1558-6"])
        }
    }

    func testWrongCheckDigitIsRejected() {
        let text = labCatalogText([["2345-8", "Glucose", "metabolic", "mg/dL", "", "", "", "", ""]])
        XCTAssertThrowsError(try LabCatalog(tsv: text)) { error in
            XCTAssertEqual((error as? LabCatalogError)?.kind, .invalidCode)
            XCTAssertEqual((error as? LabCatalogError)?.line, 2)
        }
    }

    func testDuplicateCodeIsRejected() {
        let text = labCatalogText([
            ["2345-7", "Glucose", "metabolic", "mg/dL", "", "", "", "", ""],
            ["2345-7", "Glucose again", "metabolic", "mg/dL", "", "", "", "", ""],
        ])
        XCTAssertThrowsError(try LabCatalog(tsv: text)) { error in
            XCTAssertEqual((error as? LabCatalogError)?.kind, .duplicateCode)
            XCTAssertEqual((error as? LabCatalogError)?.line, 3)
        }
    }

    func testMalformedRowsAreRejected() {
        let cases: [(String, LabCatalogError.Kind)] = [
            ("2345-7\tGlucose\tmetabolic\tmg/dL\t70\t99\t\t", .malformedRow),
            ("2345-7\t\tmetabolic\tmg/dL\t70\t99\t\t\t", .malformedRow),
            ("2345-7\tGlucose\tmetabolic\tfurlongs\t70\t99\t\t\t", .invalidValue),
            ("2345-7\tGlucose\tmetabolic\tmg/dL\tseventy\t99\t\t\t", .invalidValue),
            ("2345-7\tGlucose\tmetabolic\tmg/dL\t99\t70\t\t\t", .invalidValue),
            ("2345-7\tGlucose\tmetabolic\tmg/dL\t\t\t\tmmol/L\t", .invalidValue),
            ("2345-7\tGlucose\tmetabolic\tmg/dL\t\t\t\tmmol/L=0\t", .invalidValue),
            ("2345-7\tGlucose\tmetabolic\tmg/dL\t\t\t\tparsecs=2\t", .invalidValue),
            ("2345-7\tGlucose\tmetabolic\tmg/dL\t\t\t\t\tSerum", .invalidValue),
        ]
        for (row, kind) in cases {
            XCTAssertThrowsError(try LabCatalog(tsv: labCatalogHeader + "\n" + row + "\n"), row) { error in
                XCTAssertEqual((error as? LabCatalogError)?.kind, kind, row)
                XCTAssertEqual((error as? LabCatalogError)?.line, 2, row)
            }
        }
    }

    func testMissingHeaderIsRejected() {
        let text = "2345-7\tGlucose\tmetabolic\tmg/dL\t70\t99\t\t\t\n"
        XCTAssertThrowsError(try LabCatalog(tsv: text)) { error in
            XCTAssertEqual((error as? LabCatalogError)?.kind, .invalidHeader)
            XCTAssertEqual((error as? LabCatalogError)?.line, 1)
        }
        XCTAssertThrowsError(try LabCatalog(tsv: "# only a comment\n")) { error in
            XCTAssertEqual((error as? LabCatalogError)?.kind, .invalidHeader)
        }
    }

    func testErrorDescriptionNamesLine() {
        let error = LabCatalogError(kind: .duplicateCode, line: 12, message: "code 2345-7 is already defined on line 3")
        XCTAssertEqual(error.description, "labs catalog line 12: code 2345-7 is already defined on line 3")
    }
}
