// The three code catalogs a store categorizes with: vitals metrics, nutrients and lab tests. The writer and every
// reader of one database should use the same catalogs.

import HealthDomain
import HealthSchema

/// The catalogs of the three domains.
public struct StoreCatalogs: Sendable {
    public var vitals: VitalsCatalog
    public var nutrients: NutrientCatalog
    public var labs: LabCatalog

    public init(vitals: VitalsCatalog, nutrients: NutrientCatalog, labs: LabCatalog) {
        self.vitals = vitals
        self.nutrients = nutrients
        self.labs = labs
    }

    /// Uses `vitals` with the nutrient and lab catalogs embedded from schema/. Throws as `embedded()` does.
    public init(vitals: VitalsCatalog) throws {
        self.init(
            vitals: vitals, nutrients: try StoreCatalogs.embeddedNutrients.get(),
            labs: try StoreCatalogs.embeddedLabs.get())
    }

    /// Loads all three catalogs from the files embedded from schema/ (`vitals-catalog.tsv`,
    /// `nutrients-catalog.tsv`, `labs-catalog.tsv`). The nutrient and lab catalogs are parsed once per process.
    ///
    /// Throws `.incompatibleSchema` when the build embeds no such file, and the catalog's own parse error
    /// (`CatalogError`, `LabCatalogError`) when a file is malformed.
    public static func embedded() throws -> StoreCatalogs {
        let vitals = try VitalsCatalog(tsv: try embeddedText("vitals-catalog.tsv"))
        return try StoreCatalogs(vitals: vitals)
    }

    private static let embeddedNutrients = Result {
        try NutrientCatalog(tsv: try embeddedText("nutrients-catalog.tsv"))
    }
    private static let embeddedLabs = Result { try LabCatalog(tsv: try embeddedText("labs-catalog.tsv")) }

    private static func embeddedText(_ name: String) throws -> String {
        guard let text = HealthSchema.file(named: name) else {
            throw StoreError(
                code: .incompatibleSchema, message: "this build embeds no schema/\(name); rebuild the package")
        }
        return text
    }
}
