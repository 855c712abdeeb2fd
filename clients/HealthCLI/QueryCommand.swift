// `health query`: rollups of a vital sign, nutrients or a lab test per bucket between two local dates.

import HealthDomain
import HealthWire

enum QueryCommand {
    static let usage =
        "health query --user NAME (--metric NAME | --nutrient NAME... | --test NAME) [--domain vitals|nutrition|labs] "
        + "[--granularity UNIT] [--by-meal] --from YYYY-MM-DD --to YYYY-MM-DD [--format table|json|csv]"

    static let help = """
        Usage: \(usage)

        Prints the rollup statistics of every bucket that has data between two local dates (both inclusive).
        Buckets are in the local time of each sample.

        Options:
          --user NAME          the user whose data to read
          --domain DOMAIN      vitals (default), nutrition or labs; --nutrient implies nutrition and --test labs
          --metric NAME        vitals: catalog short name (heart_rate), LOINC code (8867-4) or HealthKit identifier
          --nutrient NAME      nutrition: catalog short name (protein) or alias; may be repeated
          --test NAME          labs: LOINC code (4548-4) or a test name the catalog matches (HbA1c)
          --granularity UNIT   vitals: hour, day (default), week (ISO weeks, labelled by their Monday) or month;
                               nutrition: day (default), week or month; labs: day (default), month, quarter or year
          --by-meal            nutrition by day only: one row per day and meal
          --from YYYY-MM-DD    first local date
          --to YYYY-MM-DD      last local date
          --format FORMAT      table (default), json or csv
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        Vitals columns: bucket, count, sum, min, max, avg, stddev (population), first and last (the values of
        the earliest and latest sample), unit.

        Nutrition columns: bucket, total (the nutrient's sum over the bucket), entries (food entries holding the
        nutrient), days (days with such entries), daily_avg (total / days), unit. --by-meal adds meal after
        bucket; several --nutrient options add nutrient before bucket.

        Labs columns: bucket, count (every result), sum, min, max, avg, stddev, first, last (over the plain
        numeric results only; empty or null when there is none), unit, abnormal (results flagged low or
        high), censored (results with a comparator such as <0.5) and qualitative (text results such as
        negative). Bucket labels are YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY.

        Numbers are rounded to 12 significant digits. JSON output is an array of objects with exactly the
        columns as keys; a statistic that is undefined is null.

        """

    static let spec = CommandSpec(
        name: "health query", usage: usage,
        options: CommandContext.serverOptions.union([
            "user", "domain", "metric", "nutrient", "test", "granularity", "from", "to", "format",
        ]),
        flags: ["by-meal"], repeatable: ["nutrient"])

    /// The granularities each domain keeps rollups for.
    static let granularities: [HealthDataDomain: [Granularity]] = [
        .vitals: [.hour, .day, .week, .month],
        .nutrition: [.day, .week, .month],
        .labs: [.day, .month, .quarter, .year],
    ]

    /// The option naming the codes of each domain.
    static let codeOptions: [(option: String, domain: HealthDataDomain)] = [
        ("metric", .vitals), ("nutrient", .nutrition), ("test", .labs),
    ]

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let query = try makeQuery(arguments)
        let format = try arguments.format(allowed: ["table", "json", "csv"], standard: "table")

        let client = try context.connect(arguments)
        defer { client.close() }
        let reply = try client.query(query)
        context.console.writeOutput(render(reply.series, query: query, format: format))
        return HealthCommand.exitSuccess
    }

    /// Renders a reply in the columns of the query's domain.
    static func render(_ series: [RollupSeries], query: Query, format: String) -> String {
        switch query.domain {
        case .vitals:
            return QueryOutput.render(series, format: format)
        case .nutrition:
            return NutritionQueryOutput.render(
                series, format: format, byMeal: query.byMeal, showNutrient: query.codes.count > 1)
        case .labs:
            return LabsQueryOutput.render(series, format: format)
        }
    }

    static func makeQuery(_ arguments: CommandArguments) throws(UsageError) -> Query {
        guard arguments.positionals.isEmpty else {
            throw arguments.usageError("unexpected argument '\(arguments.positionals[0])'")
        }
        let user = try arguments.required("user")
        let domain = try domain(arguments)
        let codeOption = codeOptions.first { $0.domain == domain }!.option
        _ = try arguments.required(codeOption)
        let codes = arguments.allValues(codeOption)
        if codes.contains(where: \.isEmpty) {
            throw arguments.usageError("option --\(codeOption) must not be empty")
        }

        let allowed = granularities[domain] ?? []
        let granularityName = arguments.value("granularity") ?? "day"
        guard let granularity = Granularity(name: granularityName), allowed.contains(granularity) else {
            throw arguments.usageError(
                "invalid --granularity '\(granularityName)': expected \(listing(allowed.map(\.description)))"
                    + (domain == .vitals ? "" : " for \(domain)"))
        }
        let byMeal = arguments.has("by-meal")
        if byMeal && domain != .nutrition {
            throw arguments.usageError("--by-meal applies to nutrition queries only (--nutrient)")
        }
        if byMeal && granularity != .day {
            throw arguments.usageError("--by-meal needs --granularity day, because meals are kept per day")
        }
        let from = try date(arguments, "from")
        let to = try date(arguments, "to")
        guard from <= to else {
            throw arguments.usageError("--from \(from) is after --to \(to)")
        }
        return Query(
            user: user, domain: domain, codes: codes, granularity: granularity, from: from, to: to, byMeal: byMeal)
    }

    /// Returns the domain from `--domain`, else the one the code option implies, else vitals. Rejects a code option
    /// of another domain and two code options together.
    static func domain(_ arguments: CommandArguments) throws(UsageError) -> HealthDataDomain {
        let present = codeOptions.filter { arguments.value($0.option) != nil }
        guard present.count <= 1 else {
            throw arguments.usageError(
                "--\(present[0].option) and --\(present[1].option) cannot be combined: a query reads one domain")
        }
        var domain = present.first?.domain ?? .vitals
        if let name = arguments.value("domain") {
            guard let named = HealthDataDomain(name: name) else {
                throw arguments.usageError("invalid --domain '\(name)': expected vitals, nutrition or labs")
            }
            if let option = present.first, option.domain != named {
                let expected = codeOptions.first { $0.domain == named }!.option
                throw arguments.usageError(
                    "--\(option.option) does not apply to --domain \(named): name the codes with --\(expected)")
            }
            domain = named
        }
        return domain
    }

    /// `a, b or c`.
    static func listing(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + items.last!
    }

    private static func date(_ arguments: CommandArguments, _ name: String) throws(UsageError) -> CivilDate {
        let text = try arguments.required(name)
        guard let date = CivilDate(parsing: text) else {
            throw arguments.usageError("invalid --\(name) '\(text)': expected a date as YYYY-MM-DD")
        }
        return date
    }
}
