// Column lookup by header name for CSV files whose columns may come in any order.

/// The header row of a CSV file, with case-insensitive lookup of column names.
public struct CSVHeader: Sendable, Equatable {
    /// The column names as written, trimmed of spaces and tabs.
    public let names: [String]
    private let indexByKey: [String: Int]

    public init(_ fields: [String]) {
        names = fields.map { CSVHeader.trimmed($0) }
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name.lowercased()] == nil {
            index[name.lowercased()] = position
        }
        indexByKey = index
    }

    /// Returns the position of the first column with this name, ignoring case and surrounding spaces; nil when absent.
    public func index(of name: String) -> Int? {
        indexByKey[CSVHeader.trimmed(name).lowercased()]
    }

    /// Returns the cell of the named column in `row`, trimmed; nil when the header has no such column. A row shorter than
    /// the header has empty cells at its end.
    public func value(of name: String, in row: CSVRow) -> String? {
        guard let index = index(of: name) else { return nil }
        return index < row.fields.count ? CSVHeader.trimmed(row.fields[index]) : ""
    }

    /// Returns `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: some StringProtocol) -> String {
        // Most cells have nothing to trim; returning them unchanged saves a copy per cell.
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        if let first = text.first, let last = text.last, !isBlank(first), !isBlank(last) {
            return String(text)
        }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }
}
