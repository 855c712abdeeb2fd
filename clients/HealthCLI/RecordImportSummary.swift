// The report at the end of a FHIR, lab CSV or nutrition import. It shows what was read, what the server did with the
// records of each domain and of each user, and what was left out and why.

import HealthDomain

/// A row, resource or record that was not imported, with where it is and why.
struct ImportIssue: Equatable, Sendable {
    var location: RecordLocation
    var reason: String
}

/// One user an import submitted to, with the records read for it and the server's counts.
struct ImportedUser: Equatable, Sendable {
    var user: String
    /// The patient id of a lab file with several patients, or nil when the file's rows all went to `--user`.
    var patient: String?
    var records: Int
    var submit = SubmitTotals()
}

struct RecordImportSummary {
    /// The import kind as typed, such as `fhir` or `cronometer`.
    var kind: String
    var files: [String]
    var user: String
    var dryRun: Bool
    /// The detected or given nutrition export format, such as `cronometer-servings`, or nil for other kinds.
    var format: String?
    /// The domains this kind imports, in display order. Each is shown even when no record of it was read.
    var domains: [HealthDataDomain]
    /// Counts of what the files held, in display order, such as `observations` or `rows`.
    var inputCounts: [(name: String, count: Int)] = []
    /// Records read per domain, whatever the server did with them.
    var recordsRead: [HealthDataDomain: Int] = [:]
    var submitByDomain: [HealthDataDomain: SubmitTotals] = [:]
    /// Users submitted to, in the order of their first record. Empty unless the kind reports users.
    var users: [ImportedUser] = []
    var rejections: [ImportIssue] = []
    /// Things left out on purpose, counted by reason.
    var skipped: [String: Int] = [:]
    /// Rows left out on purpose, with their lines, or nil when the kind reports none.
    var skippedRows: [ImportIssue]?
    /// Column headers not imported, with their number of non-empty cells, or nil when the kind has no columns.
    var skippedColumns: [String: Int]?
    /// Records read per domain and code (LOINC for FHIR), or nil when the kind does not count them.
    var codes: [HealthDataDomain: [String: Int]]?
    /// FHIR resources other than Observation, by resource type, or nil for other kinds.
    var otherResources: [String: Int]?
    /// Records imported with a caveat, counted by kind, such as a time taken from `issued`.
    var caveats: [String: Int] = [:]
    /// Problems that make the command exit with status 1, such as a file that could not be read.
    var warnings: [String] = []
    var seconds = 0.0

    init(kind: String, files: [String], user: String, dryRun: Bool, domains: [HealthDataDomain]) {
        self.kind = kind
        self.files = files
        self.user = user
        self.dryRun = dryRun
        self.domains = domains
    }

    var totalRecordsRead: Int { recordsRead.values.reduce(0, +) }

    /// The submit totals summed over the domains.
    var totals: SubmitTotals {
        var sum = SubmitTotals()
        for totals in submitByDomain.values {
            sum.sent += totals.sent
            sum.accepted += totals.accepted
            sum.updated += totals.updated
            sum.unchanged += totals.unchanged
            sum.pending += totals.pending
            sum.failed += totals.failed
        }
        return sum
    }

    // MARK: - Text

    func renderText() -> String {
        var lines: [(String, String)] = [
            ("kind", kind + (format.flatMap { $0 == kind ? nil : " (\($0))" } ?? "")),
            (files.count == 1 ? "file" : "files", files.joined(separator: ", ")),
            ("user", user + (dryRun ? " (dry run: nothing sent)" : "")),
        ]
        lines += inputCounts.map { ($0.name, String($0.count)) }
        var output = ImportSummary.align(lines)

        for domain in domains {
            let totals = submitByDomain[domain] ?? SubmitTotals()
            output += ImportSummary.align([(domain.description, countsText(read: recordsRead[domain] ?? 0, totals))])
            output += failureText(totals)
        }
        output += usersText()
        output += issuesText("rejected", rejections)

        output += ImportSummary.align([("skipped", String(skipped.values.reduce(0, +)))])
        output += ImportSummary.countLines(skipped)
        if let skippedRows, !skippedRows.isEmpty {
            output += issuesText("skipped rows", skippedRows)
        }
        if let skippedColumns, !skippedColumns.isEmpty {
            output += ImportSummary.align([("skipped cols", "\(skippedColumns.count) (column: non-empty cells)")])
            output += ImportSummary.countLines(skippedColumns)
        }
        if let otherResources, !otherResources.isEmpty {
            output += ImportSummary.align([("other types", String(otherResources.values.reduce(0, +)))])
            output += ImportSummary.countLines(otherResources)
        }
        if !caveats.isEmpty {
            output += ImportSummary.align([("caveats", String(caveats.values.reduce(0, +)))])
            output += ImportSummary.countLines(caveats)
        }

        for warning in warnings {
            output += ImportSummary.align([("warning", warning)])
        }
        let rate = seconds > 0 ? Int(Double(totalRecordsRead) / seconds) : 0
        output += ImportSummary.align([("time", "\(ProgressReporter.seconds(seconds)) s (\(rate) records/s)")])
        return output
    }

    /// `12 read, 10 accepted, ...`, or `12 read` alone in a dry run.
    private func countsText(read: Int, _ totals: SubmitTotals) -> String {
        guard !dryRun else { return "\(read) read" }
        return "\(read) read, \(totals.accepted) accepted, \(totals.updated) updated, \(totals.unchanged) unchanged, "
            + "\(totals.pending) pending, \(totals.failed) failed"
    }

    private func failureText(_ totals: SubmitTotals) -> String {
        var output = ImportSummary.countLines(totals.failureCounts)
        output += totals.failureExamples.prefix(ImportSummary.textExampleLimit).map {
            "      \($0.location.file) \($0.location.position): \($0.reason)\n"
        }.joined()
        return output
    }

    private func usersText() -> String {
        guard !users.isEmpty else { return "" }
        var output = ImportSummary.align([("users", String(users.count))])
        let width = users.map(\.user.count).max() ?? 0
        for user in users {
            let padding = String(repeating: " ", count: width - user.user.count)
            output += "  \(user.user)\(padding)  \(countsText(read: user.records, user.submit))\n"
        }
        return output
    }

    /// Returns a count line, then the first issues with their file and position, then how many more there are.
    private func issuesText(_ label: String, _ issues: [ImportIssue]) -> String {
        var output = ImportSummary.align([(label, String(issues.count))])
        output += issues.prefix(ImportSummary.textExampleLimit).map {
            "      \($0.location.file) \($0.location.position): \($0.reason)\n"
        }.joined()
        if issues.count > ImportSummary.textExampleLimit {
            output += "      ... and \(issues.count - ImportSummary.textExampleLimit) more (--format json lists all)\n"
        }
        return output
    }

    // MARK: - JSON

    func renderJSON() -> String {
        let string = NumberFormatting.jsonString
        let totals = self.totals
        var fields: [(String, String)] = [
            ("kind", string(kind)),
            ("files", "[" + files.map(string).joined(separator: ", ") + "]"),
            ("user", string(user)),
            ("dry_run", dryRun ? "true" : "false"),
        ]
        if let format {
            fields.append(("format", string(format)))
        }

        fields += [
            ("read", "{" + inputCounts.map { "\(string($0.name)): \($0.count)" }.joined(separator: ", ") + "}"),
            ("records_read", String(totalRecordsRead)),
            ("accepted", String(totals.accepted)),
            ("updated", String(totals.updated)),
            ("unchanged", String(totals.unchanged)),
            ("pending", String(totals.pending)),
            ("failed", String(totals.failed)),
            ("domains", domainsJSON()),
        ]
        if !users.isEmpty {
            fields.append(("users", ImportSummary.jsonArray(users.map(userJSON))))
        }

        fields += [
            ("rejected", String(rejections.count)),
            ("rejections", ImportSummary.jsonArray(rejections.map(issueJSON))),
            ("skipped", ImportSummary.jsonCounts(skipped)),
        ]

        if let skippedRows {
            fields.append(("skipped_rows", ImportSummary.jsonArray(skippedRows.map(issueJSON))))
        }
        if let skippedColumns {
            fields.append(("skipped_columns", ImportSummary.jsonCounts(skippedColumns)))
        }
        if let codes {
            let byDomain = domains.map { "\(string($0.description)): \(ImportSummary.jsonCounts(codes[$0] ?? [:]))" }
            fields.append(("codes", "{" + byDomain.joined(separator: ", ") + "}"))
        }
        if let otherResources {
            fields.append(("other_resources", ImportSummary.jsonCounts(otherResources)))
        }

        fields += [
            ("caveats", ImportSummary.jsonCounts(caveats)),
            ("warnings", "[" + warnings.map(string).joined(separator: ", ") + "]"),
            ("seconds", NumberFormatting.json((seconds * 1000).rounded() / 1000) ?? "0"),
        ]
        return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    private func domainsJSON() -> String {
        let objects = domains.map { domain -> String in
            let totals = submitByDomain[domain] ?? SubmitTotals()
            let failures = totals.failureExamples.map {
                issueJSON(ImportIssue(location: $0.location, reason: $0.reason))
            }
            let fields = [
                ("records", String(recordsRead[domain] ?? 0)),
                ("accepted", String(totals.accepted)),
                ("updated", String(totals.updated)),
                ("unchanged", String(totals.unchanged)),
                ("pending", String(totals.pending)),
                ("failed", String(totals.failed)),
                ("failed_by_reason", ImportSummary.jsonCounts(totals.failureCounts)),
                ("failures", failures.isEmpty ? "[]" : "[" + failures.joined(separator: ", ") + "]"),
            ]
            let body = fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
            return "\"\(domain.description)\": {\(body)}"
        }
        return objects.isEmpty ? "{}" : "{\n    " + objects.joined(separator: ",\n    ") + "\n  }"
    }

    private func userJSON(_ user: ImportedUser) -> String {
        let string = NumberFormatting.jsonString
        let fields = [
            ("user", string(user.user)),
            ("patient", user.patient.map(string) ?? "null"),
            ("records", String(user.records)),
            ("accepted", String(user.submit.accepted)),
            ("updated", String(user.submit.updated)),
            ("unchanged", String(user.submit.unchanged)),
            ("pending", String(user.submit.pending)),
            ("failed", String(user.submit.failed)),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    private func issueJSON(_ issue: ImportIssue) -> String {
        let string = NumberFormatting.jsonString
        return
            "{\"file\": \(string(issue.location.file)), \"line\": \(issue.location.line.map(String.init) ?? "null"), "
            + "\"location\": \(string(issue.location.position)), \"reason\": \(string(issue.reason))}"
    }
}
