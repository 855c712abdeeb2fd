// Reading of FHIR CodeableConcepts, Quantities and references: the small data types that Observations and
// DiagnosticReports are built from.

enum FHIRCoding {
    static let loincSystem = "http://loinc.org"
    static let ucumSystem = "http://unitsofmeasure.org"
    /// The R4 system of Observation.category codes, and the one that DSTU2 and STU3 used.
    static let observationCategorySystems: Set<String> = [
        "http://terminology.hl7.org/CodeSystem/observation-category", "http://hl7.org/fhir/observation-category",
    ]
    /// The R4 system of HL7 v2 table 0074 (diagnostic service section), used in DiagnosticReport.category.
    static let diagnosticServiceSectionSystem = "http://terminology.hl7.org/CodeSystem/v2-0074"
    /// Sections of v2 table 0074 that are laboratory work: blood gases, blood bank, chemistry, cytogenetics,
    /// genetics, hematology, immunology, laboratory, microbiology, mycobacteriology, mycology, outside lab,
    /// serology, toxicology, urinalysis and virology.
    static let laboratorySections: Set<String> = [
        "BG", "BLB", "CH", "CG", "GE", "HM", "IMM", "LAB", "MB", "MCB", "MYC", "OSL", "SR", "TX", "URN", "VR",
    ]

    /// Returns the LOINC codes of a CodeableConcept's codings, in the order given.
    static func loincCodes(of concept: FHIRJSON?) -> [String] {
        concept?["coding"]?.elements.compactMap { coding in
            guard coding["system"]?.stringValue == loincSystem, let code = coding["code"]?.stringValue,
                !code.isEmpty
            else { return nil }
            return code
        } ?? []
    }

    /// Returns the display of the LOINC coding with `code`, when it has one.
    static func loincDisplay(of concept: FHIRJSON?, code: String) -> String? {
        concept?["coding"]?.elements.first {
            $0["system"]?.stringValue == loincSystem && $0["code"]?.stringValue == code
        }?["display"]?.stringValue
    }

    /// Returns a readable name of a CodeableConcept: its text, else the first coding's display, else its code.
    static func name(of concept: FHIRJSON?) -> String? {
        if let text = nonEmpty(concept?["text"]?.stringValue) {
            return text
        }
        let codings = concept?["coding"]?.elements ?? []
        if let display = codings.lazy.compactMap({ nonEmpty($0["display"]?.stringValue) }).first {
            return display
        }
        return codings.lazy.compactMap { nonEmpty($0["code"]?.stringValue) }.first
    }

    /// Returns the `system|code` pairs of a CodeableConcept, for messages about codes the importer cannot use.
    static func describeCodings(of concept: FHIRJSON?) -> String {
        let pairs = (concept?["coding"]?.elements ?? []).map {
            ($0["system"]?.stringValue ?? "(no system)") + "|" + ($0["code"]?.stringValue ?? "(no code)")
        }
        return pairs.isEmpty ? "no codings" : pairs.joined(separator: ", ")
    }

    /// Returns the unit of a Quantity: the UCUM `code` when the system is UCUM, else the `unit` text, else any `code`.
    static func unit(of quantity: FHIRJSON) -> String {
        let code = nonEmpty(quantity["code"]?.stringValue)
        if quantity["system"]?.stringValue == ucumSystem, let code {
            return code
        }
        return nonEmpty(quantity["unit"]?.stringValue) ?? code ?? ""
    }

    /// Returns the keys under which a reference may name a resource: `Type/id` and its fullUrl.
    static func referenceKeys(resourceType: String, id: String?, fullUrl: String?) -> [String] {
        var keys: [String] = []
        if let id = nonEmpty(id) {
            keys.append(resourceType + "/" + id)
        }
        if let fullUrl = nonEmpty(fullUrl) {
            keys.append(fullUrl)
        }
        return keys
    }

    /// The keys a reference string matches: the reference without a `/_history/...` version, and for an absolute
    /// URL also its `Type/id` tail, since a relative reference and a fullUrl name the same resource.
    static func keys(ofReference reference: String) -> [String] {
        var base = reference
        if let history = base.range(of: "/_history/") {
            base = String(base[..<history.lowerBound])
        }
        var keys = [base]
        if base.hasPrefix("http://") || base.hasPrefix("https://") {
            let parts = base.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count >= 2 {
                keys.append(parts[parts.count - 2] + "/" + parts[parts.count - 1])
            }
        }
        return keys
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
