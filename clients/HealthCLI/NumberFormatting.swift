// Number formatting of the CLI: values are rounded to 12 significant digits, then printed in the shortest form
// that reads back as that rounded value, without a trailing `.0`.
//
// Twelve digits keep far more precision than any vital sign has while hiding the noise that summing decimal
// fractions leaves in a Double (136.10000000000002 prints as 136.1; 5/3 prints as 1.66666666667).

import Foundation

enum NumberFormatting {
    /// Returns the number as JSON text, or nil for NaN and infinities, which JSON cannot represent.
    static func json(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let rounded = Double(String(format: "%.12g", value)) ?? value
        var text = rounded == 0 ? "0" : rounded.description
        if text.hasSuffix(".0") {
            text.removeLast(2)
        }
        return text
    }

    /// Returns the number for tables and CSV: like `json`, with an empty text for NaN and infinities.
    static func plain(_ value: Double) -> String {
        json(value) ?? ""
    }

    /// `text` as a JSON string literal with quotes and escapes.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// `text` as a CSV field, quoted when it contains a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A text table with aligned columns: text columns left-aligned, numeric columns right-aligned.
struct TextTable {
    var headers: [String]
    /// Columns whose cells are right-aligned.
    var numericColumns: Set<Int>
    var rows: [[String]] = []

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        var output = ""
        for row in [headers] + rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                let isLast = column == row.count - 1
                if numericColumns.contains(column) {
                    line += padding + cell
                } else {
                    line += isLast ? cell : cell + padding
                }
                if !isLast {
                    line += "  "
                }
            }
            output += line + "\n"
        }
        return output
    }
}
