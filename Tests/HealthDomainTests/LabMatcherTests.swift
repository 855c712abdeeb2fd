// Matching of free-text lab test names (with units) against the embedded lab catalog.
import HealthDomain
import XCTest

final class LabMatcherTests: XCTestCase {
    private func assertMatch(
        _ name: String, unit: String?, code: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let match = try embeddedLabCatalog().match(name: name, unit: unit)
        let summary =
            "\(name) [\(unit ?? "no unit")] -> \(match.best.map { "\($0.test.code) \($0.confidence)" } ?? "none")"
        XCTAssertEqual(match.best?.test.code, code, summary, file: file, line: line)
        XCTAssertTrue(match.isAccepted, summary, file: file, line: line)
        XCTAssertEqual(match.test?.code, code, summary, file: file, line: line)
        XCTAssertNil(match.rejectionReason, summary, file: file, line: line)
    }

    // MARK: - Property pairs decided by the unit

    func testHbA1cInPercentIsNGSPCode() throws {
        try assertMatch("HbA1c", unit: "%", code: "4548-4")
        try assertMatch("A1c", unit: "%", code: "4548-4")
        try assertMatch("Hemoglobin A1c", unit: nil, code: "4548-4")
    }

    func testHbA1cInMillimolesPerMoleIsIFCCCode() throws {
        try assertMatch("Hemoglobin A1c (IFCC)", unit: "mmol/mol", code: "59261-8")
        try assertMatch("HbA1c", unit: "mmol/mol", code: "59261-8")
        try assertMatch("Hemoglobin A1c (IFCC)", unit: nil, code: "59261-8")
    }

    func testMagnesiumUnitPicksPropertyCode() throws {
        try assertMatch("Magnesium", unit: "mg/dL", code: "19123-9")
        try assertMatch("Mg, serum", unit: "mmol/L", code: "2601-3")
        try assertMatch("Magnesium", unit: nil, code: "19123-9")
    }

    func testGlucoseCholesterolCreatinineUnitsPickPropertyCode() throws {
        try assertMatch("Glucose", unit: "mg/dL", code: "2345-7")
        try assertMatch("Glucose", unit: "mmol/L", code: "14749-6")
        try assertMatch("Cholesterol", unit: "mg/dL", code: "2093-3")
        try assertMatch("Cholesterol", unit: "mmol/L", code: "14647-2")
        try assertMatch("Creatinine", unit: "mg/dL", code: "2160-0")
        try assertMatch("Creatinine", unit: "µmol/L", code: "14682-9")
    }

    func testSecondaryRowKeepsBothCandidates() throws {
        let match = try embeddedLabCatalog().match(name: "Magnesium", unit: "mmol/L")
        XCTAssertEqual(match.best?.test.code, "2601-3")
        XCTAssertEqual(match.best?.confidence, 1)
        XCTAssertEqual(match.runnersUp.first?.test.code, "19123-9")
    }

    // MARK: - Names

    func testCalculatedLDL() throws {
        try assertMatch("LDL Chol. (Calc)", unit: nil, code: "13457-7")
        try assertMatch("LDL Chol. (Calc)", unit: "mg/dL", code: "13457-7")
        try assertMatch("LDL Chol Calc (NIH)", unit: "mg/dL", code: "13457-7")
        try assertMatch("LDL Chol. (Calc)", unit: "mmol/L", code: "39469-2")
        try assertMatch("LDL Cholesterol, Direct", unit: "mg/dL", code: "18262-6")
        try assertMatch("LDL-C", unit: "mg/dL", code: "2089-1")
    }

    func testBritishSpellings() throws {
        try assertMatch("Haemoglobin", unit: nil, code: "718-7")
        try assertMatch("Haemoglobin", unit: "g/L", code: "718-7")
        try assertMatch("Glycated haemoglobin", unit: "%", code: "4548-4")
        try assertMatch("Glycosylated hemoglobin", unit: "%", code: "4548-4")
        try assertMatch("Oestradiol", unit: "pmol/L", code: "14715-7")
        try assertMatch("Haematocrit", unit: "L/L", code: "4544-3")
        try assertMatch("Leucocytes", unit: "10^9/L", code: "6690-2")
        try assertMatch("Caeruloplasmin", unit: "g/L", code: "2064-4")
    }

    func testInvisibleAndNonBreakingCharacters() throws {
        try assertMatch("Hemo\u{200B}globin\u{00A0}A1c", unit: "%", code: "4548-4")
        try assertMatch("\u{FEFF}TSH\u{200D}", unit: "mIU/L", code: "11580-8")
        try assertMatch("Cholesterol [Moles/\u{200B}volume] in Serum or Plasma", unit: "mmol/L", code: "14647-2")
    }

    func testGreekLettersAndMicroSign() throws {
        try assertMatch("β2-microglobulin", unit: "mg/L", code: "1952-1")
        try assertMatch("α-fetoprotein", unit: "ng/mL", code: "1834-1")
        try assertMatch("γ-GT", unit: "U/L", code: "2324-2")
        try assertMatch("Vitamin B12", unit: "pmol/L", code: "14685-2")
    }

    func testAbbreviations() throws {
        let cases: [(String, String?, String)] = [
            ("ALT", "U/L", "1742-6"), ("SGPT", "IU/L", "1742-6"), ("AST (SGOT)", "IU/L", "1920-8"),
            ("GGT", "U/L", "2324-2"), ("ALP", "U/L", "6768-6"), ("Alk Phos", "U/L", "6768-6"),
            ("TSH", "uIU/mL", "11580-8"), ("FT4", "ng/dL", "3024-7"), ("Free T4", "pmol/L", "14920-3"),
            ("HDL", "mg/dL", "2085-9"), ("HDL-C", "mmol/L", "14646-4"), ("eGFR", "mL/min/1.73m2", "98979-8"),
            ("BUN", "mg/dL", "3094-0"), ("WBC", "x10E3/uL", "6690-2"), ("RBC", "x10E6/uL", "789-8"),
            ("Hgb", "g/dL", "718-7"), ("Hct", "%", "4544-3"), ("MCV", "fL", "787-2"), ("MCH", "pg", "785-6"),
            ("MCHC", "g/dL", "786-4"), ("RDW", "%", "788-0"), ("PLT", "K/uL", "777-3"), ("MPV", "fL", "32623-1"),
            ("INR", nil, "6301-6"), ("PT", "sec", "5902-2"), ("aPTT", "s", "14979-9"), ("CRP", "mg/L", "1988-5"),
            ("hs-CRP", "mg/L", "30522-7"), ("ESR", "mm/hr", "4537-7"), ("Ferritin", "ng/mL", "2276-4"),
            ("TIBC", "ug/dL", "2500-7"), ("UIBC", "ug/dL", "2501-5"), ("Transferrin saturation", "%", "2502-3"),
            ("25-OH Vitamin D", "ng/mL", "62292-8"), ("B12", "pg/mL", "2132-9"), ("Folate", "ng/mL", "2284-8"),
            ("PSA", "ng/mL", "2857-1"), ("LDL-C", "mg/dL", "2089-1"),
        ]
        for (name, unit, code) in cases {
            try assertMatch(name, unit: unit, code: code)
        }
    }

    func testReportStyleNames() throws {
        let cases: [(String, String?, String)] = [
            ("Glucose, Serum", "mg/dL", "2345-7"), ("Glucose, Fasting", "mg/dL", "1558-6"),
            ("Cholesterol, Total", "mg/dL", "2093-3"), ("Total Cholesterol", "mg/dL", "2093-3"),
            ("Triglyceride", "mmol/L", "14927-8"), ("Cholesterol in HDL", "mmol/L", "14646-4"),
            ("Bilirubin, Direct", "mg/dL", "1968-7"), ("Bilirubin, Total", "umol/L", "14631-6"),
            ("Protein, Total, Serum", "g/dL", "2885-2"), ("Creatinine, Urine", "mg/dL", "2161-8"),
            ("Urine Creatinine", "mmol/L", "14683-7"), ("Vitamin D, 25-Hydroxy", "ng/mL", "62292-8"),
            ("Testosterone, Total, LC/MS", "ng/dL", "2986-8"), ("T4,Free(Direct)", "ng/dL", "3024-7"),
            ("Neutrophils (Absolute)", "x10E3/uL", "751-8"), ("Lymphs", "%", "736-9"),
            ("Immature Grans (Abs)", "x10E3/uL", "53115-2"), ("% Free PSA", "%", "12841-3"),
            ("Homocyst(e)ine", "umol/L", "13965-9"), ("Calcium, Ionized", "mmol/L", "1995-0"),
            ("Hemoglobin A1c/Hemoglobin.total in Blood", "%", "4548-4"),
            ("Low Density Lipoprotein Cholesterol", "mg/dL", "2089-1"), ("Urine Ketones", nil, "2514-8"),
            ("Leukocyte esterase, urine", nil, "5799-2"), ("Blood, Urine", nil, "5794-3"),
            ("Factor VIII Activity", "%", "3209-4"), ("Troponin T (highly sensitive)", "ng/L", "67151-1"),
            ("CA 19-9", "U/mL", "24108-3"), ("Apolipoprotein A-I", "mg/dL", "1869-7"), ("ApoB", "g/L", "1884-6"),
            ("Non-HDL Cholesterol", "mg/dL", "43396-1"), ("NT-proBNP", "pg/mL", "33762-6"),
        ]
        for (name, unit, code) in cases {
            try assertMatch(name, unit: unit, code: code)
        }
    }

    func testUnitSeparatesPercentFromAbsoluteCount() throws {
        try assertMatch("Neutrophils", unit: "%", code: "770-8")
        try assertMatch("Neutrophils", unit: "x10E3/uL", code: "751-8")
        try assertMatch("Eosinophils", unit: "10*9/L", code: "711-2")
        try assertMatch("Monocytes", unit: "%", code: "5905-5")
    }

    func testTypoAndAbbreviatedWordsMatchFuzzily() throws {
        let catalog = try embeddedLabCatalog()
        let typo = catalog.match(name: "Red Cell Distrubution Width", unit: "%")
        XCTAssertEqual(typo.best?.test.code, "788-0")
        XCTAssertTrue(typo.isAccepted)
        XCTAssertLessThan(typo.best?.confidence ?? 1, 1)

        let abbreviated = catalog.match(name: "Testost., Free, Calc", unit: "pg/mL")
        XCTAssertEqual(abbreviated.best?.test.code, "2991-8")
        XCTAssertTrue(abbreviated.isAccepted)
    }

    // MARK: - Rejections

    func testGarbageIsRejectedWithCandidates() throws {
        let match = try embeddedLabCatalog().match(name: "Zorblax factor", unit: nil)
        XCTAssertFalse(match.isAccepted)
        XCTAssertNil(match.test)
        let best = try XCTUnwrap(match.best)
        XCTAssertLessThan(best.confidence, LabMatch.acceptanceThreshold)
        XCTAssertFalse(match.runnersUp.isEmpty)
        XCTAssertLessThanOrEqual(match.runnersUp.count, 3)

        let reason = try XCTUnwrap(match.rejectionReason)
        XCTAssertTrue(reason.contains("\"Zorblax factor\""), reason)
        XCTAssertTrue(reason.contains(best.test.code), reason)
        XCTAssertTrue(reason.contains(best.test.name), reason)
        for candidate in match.runnersUp {
            XCTAssertTrue(reason.contains(candidate.test.code), reason)
        }
    }

    func testNameWithoutWordsHasNoCandidate() throws {
        let catalog = try embeddedLabCatalog()
        for name in ["", "  ", "Serum", "(plasma)", "---"] {
            let match = catalog.match(name: name, unit: "mg/dL")
            XCTAssertNil(match.best, name)
            XCTAssertFalse(match.isAccepted, name)
            XCTAssertNotNil(match.rejectionReason, name)
        }
    }

    func testRunnersUpAreDistinctAndOrdered() throws {
        let match = try embeddedLabCatalog().match(name: "Bilirubin", unit: "mg/dL")
        let candidates = try [XCTUnwrap(match.best)] + match.runnersUp
        XCTAssertEqual(Set(candidates.map(\.test.code)).count, candidates.count)
        XCTAssertEqual(candidates.map(\.confidence), candidates.map(\.confidence).sorted(by: >))
        XCTAssertTrue(candidates.allSatisfy { (0...1).contains($0.confidence) })
    }

    func testIncompatibleUnitLowersConfidence() throws {
        let catalog = try embeddedLabCatalog()
        let match = catalog.match(name: "Ferritin", unit: "mmHg")
        XCTAssertEqual(match.best?.test.code, "2276-4")
        XCTAssertEqual(match.best?.confidence ?? 1, 0.6, accuracy: 1e-9)
        XCTAssertFalse(match.isAccepted)
    }

    func testThresholdIsPublic() {
        XCTAssertEqual(LabMatch.acceptanceThreshold, 0.7)
    }
}
