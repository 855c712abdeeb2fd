// The report at the end of an import: what was read, what the server did with it, and what was left out.

/// A record rejected before submitting, with the file it came from.
struct LocalRejection: Equatable, Sendable {
    var file: String
    var record: RejectedRecord
}

struct ImportSummary {
    var files: [String] = []
    var user = ""
    /// Whether the records were only parsed, never sent.
    var dryRun = false
    var recordsRead = 0
    /// Correlation records that repeated a top-level record and were read once.
    var duplicates = 0
    /// Skipped elements and non-quantity Records, by type or element name.
    var skipped: [String: Int] = [:]
    var rejected = 0
    var rejectionCounts: [String: Int] = [:]
    var rejectionExamples: [LocalRejection] = []
    var submit = SubmitTotals()
    var removedControlCharacters = 0
    /// Problems that did not stop the import, such as a truncated file.
    var warnings: [String] = []
    var seconds = 0.0

    /// Examples of each list shown in the text form; the JSON form has all that were kept.
    static let textExampleLimit = 20

    mutating func add(_ reader: AppleHealthReader, file: String) {
        recordsRead += reader.recordCount
        duplicates += reader.duplicateCount
        rejected += reader.rejectedCount
        removedControlCharacters += reader.removedControlCharacters
        for (name, count) in reader.skippedCounts {
            skipped[name, default: 0] += count
        }
        for (kind, count) in reader.rejectionCounts {
            rejectionCounts[kind, default: 0] += count
        }
        rejectionExamples += reader.rejectionExamples.map { LocalRejection(file: file, record: $0) }
    }

    // MARK: - Text

    func renderText() -> String {
        var lines: [(String, String)] = [
            ("files", files.joined(separator: ", ")),
            ("user", user + (dryRun ? " (dry run: nothing sent)" : "")),
            ("records read", String(recordsRead)),
        ]
        if !dryRun {
            lines += [
                ("accepted", String(submit.accepted)), ("updated", String(submit.updated)),
                ("unchanged", String(submit.unchanged)), ("pending", String(submit.pending)),
                ("failed", String(submit.failed)),
            ]
        }
        var output = ImportSummary.align(lines)
        output += ImportSummary.countLines(submit.failureCounts)
        output += submit.failureExamples.prefix(ImportSummary.textExampleLimit).map {
            "      \($0.location.file) \($0.location.position): \($0.reason)\n"
        }.joined()

        output += ImportSummary.align([("rejected", String(rejected))])
        output += ImportSummary.countLines(rejectionCounts)
        output += rejectionExamples.prefix(ImportSummary.textExampleLimit).map {
            "      \($0.file) line \($0.record.line): \($0.record.reason)\n"
        }.joined()

        output += ImportSummary.align([("duplicates", String(duplicates) + " (Correlation copies of records, read once)")])
        output += ImportSummary.align([("skipped", String(skipped.values.reduce(0, +)))])
        output += ImportSummary.countLines(skipped)
        if removedControlCharacters > 0 {
            output += ImportSummary.align([("control chars", "\(removedControlCharacters) removed")])
        }
        for warning in warnings {
            output += ImportSummary.align([("warning", warning)])
        }
        let rate = seconds > 0 ? Int(Double(recordsRead) / seconds) : 0
        output += ImportSummary.align([("time", "\(ProgressReporter.seconds(seconds)) s (\(rate) records/s)")])
        return output
    }

    static func align(_ lines: [(String, String)]) -> String {
        lines.map { $0.0 + String(repeating: " ", count: max(1, 14 - $0.0.count)) + $0.1 + "\n" }.joined()
    }

    /// `  count  name` lines, largest count first, then by name.
    static func countLines(_ counts: [String: Int]) -> String {
        let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let width = sorted.map { String($0.value).count }.max() ?? 0
        return sorted.map { name, count in
            let number = String(count)
            return "  " + String(repeating: " ", count: width - number.count) + number + "  " + name + "\n"
        }.joined()
    }

    // MARK: - JSON

    func renderJSON() -> String {
        let string = NumberFormatting.jsonString
        var fields: [(String, String)] = [
            ("files", "[" + files.map(string).joined(separator: ", ") + "]"),
            ("user", string(user)),
            ("dry_run", dryRun ? "true" : "false"),
            ("records_read", String(recordsRead)),
            ("accepted", String(submit.accepted)),
            ("updated", String(submit.updated)),
            ("unchanged", String(submit.unchanged)),
            ("pending", String(submit.pending)),
            ("failed", String(submit.failed)),
            ("failed_by_reason", ImportSummary.jsonCounts(submit.failureCounts)),
        ]
        let failures = submit.failureExamples.map {
            "{\"file\": \(string($0.location.file)), \"line\": \($0.location.line.map(String.init) ?? "null"), "
                + "\"reason\": \(string($0.reason))}"
        }
        let rejections = rejectionExamples.map {
            "{\"file\": \(string($0.file)), \"line\": \($0.record.line), \"reason\": \(string($0.record.reason))}"
        }
        fields += [
            ("failures", ImportSummary.jsonArray(failures)),
            ("rejected", String(rejected)),
            ("rejected_by_reason", ImportSummary.jsonCounts(rejectionCounts)),
            ("rejections", ImportSummary.jsonArray(rejections)),
            ("duplicates", String(duplicates)),
            ("skipped", ImportSummary.jsonCounts(skipped)),
            ("control_characters_removed", String(removedControlCharacters)),
            ("warnings", "[" + warnings.map(string).joined(separator: ", ") + "]"),
            ("seconds", NumberFormatting.json((seconds * 1000).rounded() / 1000) ?? "0"),
        ]
        return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    static func jsonCounts(_ counts: [String: Int]) -> String {
        guard !counts.isEmpty else { return "{}" }
        let sorted = counts.sorted { $0.key < $1.key }
        return "{" + sorted.map { "\(NumberFormatting.jsonString($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
    }

    static func jsonArray(_ items: [String]) -> String {
        items.isEmpty ? "[]" : "[\n    " + items.joined(separator: ",\n    ") + "\n  ]"
    }
}
