// Access to the embedded schema/ files: numbered SQL migrations and catalogs (see EmbeddedSchema, generated).

/// One numbered SQL migration from schema/, such as `0001_vitals.sql`.
public struct Migration: Sendable {
    /// The number before the first underscore; migrations apply in ascending order.
    public let id: Int
    /// The file name without number and extension, such as `vitals`.
    public let name: String
    public let sql: String
}

public enum HealthSchema {
    /// The migrations in ascending id order.
    public static let migrations: [Migration] = EmbeddedSchema.files.compactMap { fileName, text in
        guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_"),
            let id = Int(fileName[..<underscore])
        else { return nil }
        let name = fileName[fileName.index(after: underscore)...].dropLast(4)
        return Migration(id: id, name: String(name), sql: text)
    }.sorted { $0.id < $1.id }

    /// The text of a data file under schema/, such as `vitals-catalog.tsv`, or nil when no such file was embedded.
    public static func file(named name: String) -> String? {
        EmbeddedSchema.files[name]
    }
}
