// `health labs`: the lab-test catalog embedded in the CLI, listed, and the matcher that maps free-text test names
// onto it, run locally. No server is contacted.

import HealthDomain

enum LabsCommand {
    static let usage =
        "health labs catalog [--format table|json] | health labs match NAME|- [--unit UNIT] [--format table|json]"

    static let help = """
        Usage: health labs catalog [--format table|json]
               health labs match NAME [--unit UNIT] [--format table|json]
               health labs match - < NAMES.tsv

        Works on the lab-test catalog built into this program (schema/labs-catalog.tsv); no server is contacted.

        catalog  lists every test: LOINC code, canonical name, category and canonical unit. JSON output is an
                 array of objects with the keys code, name, category and unit.

        match    shows what a test name as printed on a report maps to: the best test's code and canonical name,
                 the confidence from 0 to 1, whether it reaches the acceptance threshold of \(threshold), and up
                 to three runner-up candidates. The unit, when given, decides between tests of the same analyte
                 in different units (HbA1c in % or mmol/mol). With '-' as NAME, each line of standard input is
                 NAME or NAME<TAB>UNIT, and each non-blank line gives one JSON object on its own output line.
                 JSON keys: name, unit, code, test, confidence, accepted, candidates (an array of objects with
                 code, test and confidence); code, test and confidence are null when no test resembles the
                 name. Confidences are rounded to 3 decimals.

        Options:
          --unit UNIT          match: the unit printed with the result, such as mg/dL
          --format FORMAT      table (default) or json

        """

    static let threshold = NumberFormatting.plain(LabMatch.acceptanceThreshold)

    static let catalogSpec = CommandSpec(
        name: "health labs catalog", usage: "health labs catalog [--format table|json]", options: ["format"])

    static let matchSpec = CommandSpec(
        name: "health labs match", usage: "health labs match NAME|- [--unit UNIT] [--format table|json]",
        options: ["unit", "format"])

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        guard let action = rawArguments.first, !action.hasPrefix("-") else {
            if context.printHelpIfRequested(rawArguments, help: help) {
                return HealthCommand.exitSuccess
            }
            throw UsageError(
                message: "missing the action: expected catalog or match", usage: usage, command: "health labs")
        }
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let rest = Array(rawArguments.dropFirst())
        switch action {
        case "catalog":
            return try runCatalog(CommandArguments(rest, spec: catalogSpec), context: context)
        case "match":
            return try runMatch(CommandArguments(rest, spec: matchSpec), context: context)
        default:
            throw UsageError(
                message: "unknown action '\(action)': expected catalog or match", usage: usage, command: "health labs")
        }
    }

    // MARK: - catalog

    static func runCatalog(_ arguments: CommandArguments, context: CommandContext) throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw arguments.usageError("unexpected argument '\(arguments.positionals[0])'")
        }
        let format = try arguments.format(allowed: ["table", "json"], standard: "table")
        let catalog = try EmbeddedCatalogs.labs()
        context.console.writeOutput(renderCatalog(catalog.tests, format: format))
        return HealthCommand.exitSuccess
    }

    static func renderCatalog(_ tests: [LabTest], format: String) -> String {
        var table = OutputTable(columns: ["code", "name", "category", "unit"], numericColumns: [])
        for test in tests {
            var row = OutputRow()
            row.add(test.code)
            row.add(test.name)
            row.add(test.category)
            row.add(test.unit)
            table.rows.append(row)
        }
        return table.render(format: format)
    }

    // MARK: - match

    static func runMatch(_ arguments: CommandArguments, context: CommandContext) throws -> Int32 {
        guard let name = arguments.positionals.first else {
            throw arguments.usageError("missing the test name (use '-' to read names from standard input)")
        }
        guard arguments.positionals.count == 1 else {
            throw arguments.usageError(
                "unexpected argument '\(arguments.positionals[1])'; quote a test name that contains spaces")
        }
        let format = try arguments.format(allowed: ["table", "json"], standard: "table")
        if name == "-" {
            if arguments.value("unit") != nil {
                throw arguments.usageError("--unit does not apply to '-': give each unit after a tab on its line")
            }
            if arguments.value("format") == "table" {
                throw arguments.usageError("'-' writes one JSON object per line; leave out --format table")
            }
            let catalog = try EmbeddedCatalogs.labs()
            try matchLines(catalog: catalog, context: context)
            return HealthCommand.exitSuccess
        }

        let catalog = try EmbeddedCatalogs.labs()
        let match = catalog.match(name: name, unit: arguments.value("unit").flatMap(nonEmpty))
        context.console.writeOutput(format == "json" ? matchJSON(match) + "\n" : matchText(match))
        return HealthCommand.exitSuccess
    }

    /// Reads `name<TAB>unit` lines from standard input and writes one JSON object per non-blank line.
    static func matchLines(catalog: LabCatalog, context: CommandContext) throws {
        let input = try LineReader(path: "-", standardInput: context.console.inputDescriptor)
        defer { input.close() }
        var output = ""
        while let (_, bytes) = try input.nextLine() {
            let line = String(decoding: bytes, as: UTF8.self)
            guard line.contains(where: { $0 != " " && $0 != "\t" }) else { continue }
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            let name = CSVHeader.trimmed(parts[0])
            let unit = parts.count > 1 ? nonEmpty(CSVHeader.trimmed(parts[1])) : nil
            output += matchJSON(catalog.match(name: name, unit: unit)) + "\n"
            if output.utf8.count >= 1 << 16 {
                context.console.writeOutput(output)
                output = ""
            }
        }
        context.console.writeOutput(output)
    }

    static func matchJSON(_ match: LabMatch) -> String {
        let string = NumberFormatting.jsonString
        let candidates = match.runnersUp.map {
            "{\"code\": \(string($0.test.code)), \"test\": \(string($0.test.name)), "
                + "\"confidence\": \(confidence($0.confidence))}"
        }
        let fields = [
            ("name", string(match.name)),
            ("unit", match.unit.map(string) ?? "null"),
            ("code", match.best.map { string($0.test.code) } ?? "null"),
            ("test", match.best.map { string($0.test.name) } ?? "null"),
            ("confidence", match.best.map { confidence($0.confidence) } ?? "null"),
            ("accepted", match.isAccepted ? "true" : "false"),
            ("candidates", "[" + candidates.joined(separator: ", ") + "]"),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    static func matchText(_ match: LabMatch) -> String {
        var lines: [(String, String)] = [("name", match.name), ("unit", match.unit ?? "(none)")]
        if let best = match.best {
            lines += [("code", best.test.code), ("test", best.test.name), ("confidence", confidence(best.confidence))]
        } else {
            lines += [("code", "(none: no catalog test resembles the name)")]
        }
        lines.append(("accepted", match.isAccepted ? "yes" : "no (below \(threshold))"))
        var output = ImportSummary.align(lines)
        guard !match.runnersUp.isEmpty else { return output }
        output += "runners-up\n"
        var table = TextTable(headers: ["  confidence", "code", "test"], numericColumns: [0])
        table.rows = match.runnersUp.map { [confidence($0.confidence), $0.test.code, $0.test.name] }
        output += table.render()
        return output
    }

    /// Returns the confidence rounded to 3 decimals, as JSON and table text.
    static func confidence(_ value: Double) -> String {
        NumberFormatting.plain((value * 1000).rounded() / 1000)
    }

    private static func nonEmpty(_ text: String) -> String? {
        text.isEmpty ? nil : text
    }
}
