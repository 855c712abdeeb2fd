// The code catalogs of schema/ as the CLI embeds them: vital signs for the FHIR importer, nutrients for the
// nutrition importers, lab tests for `health labs`. Each is parsed when a command needs it.

import HealthDomain
import HealthSchema

enum EmbeddedCatalogs {
    /// Parses the vitals catalog. Throws `CommandFailure` when it is missing or invalid, which means a broken build.
    static func vitals() throws -> VitalsCatalog {
        let text = try file("vitals-catalog.tsv")
        do {
            return try VitalsCatalog(tsv: text)
        } catch {
            throw CommandFailure("the embedded vitals-catalog.tsv is invalid: \(error)")
        }
    }

    /// Parses the nutrient catalog. Throws `CommandFailure` when it is missing or invalid.
    static func nutrients() throws -> NutrientCatalog {
        let text = try file("nutrients-catalog.tsv")
        do {
            return try NutrientCatalog(tsv: text)
        } catch {
            throw CommandFailure("the embedded nutrients-catalog.tsv is invalid: \(error)")
        }
    }

    /// Parses the lab-test catalog. Throws `CommandFailure` when it is missing or invalid.
    static func labs() throws -> LabCatalog {
        let text = try file("labs-catalog.tsv")
        do {
            return try LabCatalog(tsv: text)
        } catch {
            throw CommandFailure("the embedded labs-catalog.tsv is invalid: \(error)")
        }
    }

    private static func file(_ name: String) throws -> String {
        guard let text = HealthSchema.file(named: name) else {
            throw CommandFailure("\(name) is not embedded in this build; rebuild with schema/\(name) present")
        }
        return text
    }
}
