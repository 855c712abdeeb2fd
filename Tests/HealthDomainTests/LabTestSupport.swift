// Helpers shared by the lab catalog tests: the embedded catalog, hand-written catalog text, the location of the
// shared data files and a CSV reader for the lab compendium files.
import Foundation
import HealthDomain
import HealthSchema
import XCTest

/// Returns the catalog compiled into HealthSchema from schema/labs-catalog.tsv, parsed once for all lab tests.
func embeddedLabCatalog(file: StaticString = #filePath, line: UInt = #line) throws -> LabCatalog {
    try LabCatalogCache.shared.catalog(file: file, line: line)
}

/// Holds the parsed embedded catalog, because parsing it in every test would dominate the suite's run time.
final class LabCatalogCache: @unchecked Sendable {
    static let shared = LabCatalogCache()
    private let lock = NSLock()
    private var parsed: LabCatalog?

    func catalog(file: StaticString, line: UInt) throws -> LabCatalog {
        lock.lock()
        defer { lock.unlock() }
        if let parsed { return parsed }
        let text = try XCTUnwrap(
            HealthSchema.file(named: "labs-catalog.tsv"), "labs-catalog.tsv is not embedded", file: file, line: line)
        let catalog = try LabCatalog(tsv: text)
        parsed = catalog
        return catalog
    }
}

/// The column header row of the catalog format.
let labCatalogHeader = "code\tname\tcategory\tunit\tlow\thigh\tgroup\tconversions\tsynonyms"

/// Builds catalog text: the column header followed by one tab-separated line per row.
func labCatalogText(_ rows: [[String]]) -> String {
    ([labCatalogHeader] + rows.map { $0.joined(separator: "\t") }).joined(separator: "\n") + "\n"
}

/// Returns the package's root folder, found from this file's path (Tests/HealthDomainTests/<file>).
func labPackageRoot(file: StaticString = #filePath) -> URL {
    URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}

/// Returns the URL of a file in the `shared/data` folder beside the package folder. The file may not exist.
func labSharedDataURL(_ relativePath: String) -> URL {
    labPackageRoot().deletingLastPathComponent().appendingPathComponent("shared/data")
        .appendingPathComponent(relativePath)
}

/// Parses CSV text into rows keyed by the header row. Accepts a UTF-8 byte-order mark, CRLF line ends,
/// quoted fields with commas, line breaks and doubled quotes.
func parseLabCSVRecords(_ text: String) -> [[String: String]] {
    let rows = parseLabCSVRows(text)
    guard let header = rows.first else { return [] }
    return rows.dropFirst().map { row in
        var record: [String: String] = [:]
        for (index, column) in header.enumerated() { record[column] = index < row.count ? row[index] : "" }
        return record
    }
}

/// Parses CSV text into rows of fields, with the same rules as `parseLabCSVRecords`.
func parseLabCSVRows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field: [UInt8] = []
    var inQuotes = false
    var bytes = Array(text.utf8)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }

    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        if inQuotes {
            if byte == UInt8(ascii: "\"") {
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                    field.append(byte)
                    index += 1
                } else {
                    inQuotes = false
                }
            } else {
                field.append(byte)
            }
        } else {
            switch byte {
            case UInt8(ascii: "\""):
                inQuotes = true
            case UInt8(ascii: ","):
                row.append(String(decoding: field, as: UTF8.self))
                field = []
            case UInt8(ascii: "\n"):
                row.append(String(decoding: field, as: UTF8.self))
                rows.append(row)
                row = []
                field = []
            case UInt8(ascii: "\r"):
                break
            default:
                field.append(byte)
            }
        }
        index += 1
    }
    if !field.isEmpty || !row.isEmpty {
        row.append(String(decoding: field, as: UTF8.self))
        rows.append(row)
    }
    return rows
}
