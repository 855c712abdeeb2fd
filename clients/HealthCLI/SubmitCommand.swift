// `health submit`: vital, nutrition or lab records from newline-delimited JSON, in pipelined batches.

import Glibc
import HealthDomain
import HealthWire

enum SubmitCommand {
    static let usage =
        "health submit --user NAME [--domain vitals|nutrition|labs] [--batch-size N] [--format text|json] FILE|-"

    static let help = """
        Usage: \(usage)

        Submits records from FILE, or from standard input when FILE is '-'. Each line holds one JSON object of
        the domain's fields. Blank lines are skipped; an unknown field makes the line invalid. Every domain
        accepts these optional fields: source (the app or device), id (the source's record id: submitting the
        same source and id again replaces the record instead of adding one) and version (a whole number; a
        lower version than the stored one is ignored). Times are RFC 3339; without an offset the server uses
        the user's time zone, and a date alone is local noon.

        vitals (default):

          {"metric": "heart_rate", "value": 72, "unit": "count/min", "start": "2024-01-15T07:30:00-05:00"}

          Required: metric (short name, LOINC code or HealthKit identifier), value (a number), unit, start.
          Optional: end (for samples that span time, such as steps).

        nutrition:

          {"time": "2024-05-01T08:15:00+02:00", "meal": "breakfast", "food": "Porridge", "amount": "1 bowl",
           "nutrients": {"energy": 300, "protein": 10.5}}

          Required: time (when the food was eaten), food (its name), nutrients. nutrients is an object of
          nutrient name to amount, in the unit the name states in parentheses ("sodium (g)") or else in the
          catalog's canonical unit (kcal for energy, g for protein, mg for sodium), or an array of objects
          {"nutrient": "sodium", "value": 1.2, "unit": "g"} whose unit is optional. Optional: meal (breakfast,
          lunch, dinner, snack, or a name of your own), amount (the serving as text).

        labs:

          {"test": "HbA1c", "value": "5.4", "unit": "%", "low": 4, "high": 5.6, "time": "2024-05-01T08:30:00Z"}

          Required: test (the name as printed), value (as printed, such as "5.4", "<0.5" or "negative"; a
          number is kept in its shortest form, so give a string to keep the printed form), unit (may be empty
          for a qualitative result), time (of specimen collection). Optional: code (LOINC), low and high (the
          reference limits, numbers), range (the reference range as printed, such as "negative"), report (the
          report id).

        Options:
          --user NAME          the user to submit for (created on first submit)
          --domain DOMAIN      vitals (default), nutrition or labs
          --batch-size N       records per submit (default 5000)
          --format FORMAT      text (default) or json
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        Prints the accepted, updated, unchanged and failed counts and every failure with its line number:
        lines that are not valid records, and records the server stored as failed. The exit status is 0 when
        the file was read and submitted, even if some records failed.

        """

    static let spec = CommandSpec(
        name: "health submit", usage: usage,
        options: CommandContext.serverOptions.union(["user", "domain", "batch-size", "format"]))

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let user = try arguments.required("user")
        let domainName = arguments.value("domain") ?? "vitals"
        guard let domain = HealthDataDomain(name: domainName) else {
            throw arguments.usageError("invalid --domain '\(domainName)': expected vitals, nutrition or labs")
        }
        let batchSize = try arguments.positiveInteger("batch-size", standard: 5000, maximum: 100_000)
        let format = try arguments.format(allowed: ["text", "json"], standard: "text")
        guard arguments.positionals.count == 1, let path = arguments.positionals.first else {
            throw arguments.usageError(
                arguments.positionals.isEmpty
                    ? "missing the input file (use '-' for standard input)" : "give exactly one input file")
        }

        let input = try LineReader(path: path, standardInput: context.console.inputDescriptor)
        defer { input.close() }
        let client = try context.connect(arguments)
        defer { client.close() }
        let pipeline = SubmitPipeline(client: client, user: user)
        let lines = SubmitLines(input: input, path: path, pipeline: pipeline, batchSize: batchSize)

        let result: SubmitResult
        switch domain {
        case .vitals:
            result = try lines.submit(parse: NDJSONRecordParser.parse, wrap: SubmitRecords.vitals)
        case .nutrition:
            result = try lines.submit(parse: NDJSONRecordParser.parseNutrition, wrap: SubmitRecords.nutrition)
        case .labs:
            result = try lines.submit(parse: NDJSONRecordParser.parseLab, wrap: SubmitRecords.labs)
        }
        context.console.writeOutput(format == "json" ? result.renderJSON() : result.renderText())
        return HealthCommand.exitSuccess
    }
}

/// Reads the lines of one input, parses them into records of one domain and submits them in batches.
struct SubmitLines {
    let input: LineReader
    let path: String
    let pipeline: SubmitPipeline
    let batchSize: Int

    func submit<Record>(
        parse: (String) -> Result<Record, LineJSONError>, wrap: ([Record]) -> SubmitRecords
    ) throws -> SubmitResult {
        var result = SubmitResult()
        var records: [Record] = []
        var locations: [RecordLocation] = []
        while let (lineNumber, line) = try input.nextLine() {
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            result.lines += 1
            switch parse(String(decoding: line, as: UTF8.self)) {
            case .success(let record):
                records.append(record)
                locations.append(RecordLocation(file: path, line: lineNumber))
            case .failure(let error):
                result.invalidLines.append(LineFailure(line: lineNumber, reason: error.description))
            }
            if records.count >= batchSize {
                try pipeline.submit(wrap(records), locations: locations)
                records.removeAll(keepingCapacity: true)
                locations.removeAll(keepingCapacity: true)
            }
        }
        try pipeline.submit(wrap(records), locations: locations)
        try pipeline.finish()
        result.totals = pipeline.totals
        return result
    }
}

/// The outcome of one `health submit`: lines read, invalid lines and the server's counts.
struct SubmitResult {
    /// Non-blank lines read.
    var lines = 0
    var invalidLines: [LineFailure] = []
    var totals = SubmitTotals()

    var failed: Int { invalidLines.count + totals.failed }

    /// Invalid lines and server failures by line number.
    var failures: [LineFailure] {
        let server = totals.failureExamples.map { LineFailure(line: $0.location.line ?? 0, reason: $0.reason) }
        return (invalidLines + server).sorted { $0.line < $1.line }
    }

    func renderText() -> String {
        var output = "accepted \(totals.accepted), updated \(totals.updated), unchanged \(totals.unchanged)"
        if totals.pending > 0 {
            output += ", pending \(totals.pending)"
        }
        output += ", failed \(failed)\n"
        for failure in failures {
            output += "line \(failure.line): \(failure.reason)\n"
        }
        return output
    }

    func renderJSON() -> String {
        let items = failures.map {
            "    {\"line\": \($0.line), \"reason\": \(NumberFormatting.jsonString($0.reason))}"
        }
        return """
            {
              "lines": \(lines),
              "accepted": \(totals.accepted),
              "updated": \(totals.updated),
              "unchanged": \(totals.unchanged),
              "pending": \(totals.pending),
              "failed": \(failed),
              "failures": \(items.isEmpty ? "[]" : "[\n" + items.joined(separator: ",\n") + "\n  ]")
            }

            """
    }
}

/// Reads a file or standard input line by line, in constant memory apart from the longest line.
final class LineReader {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var lineNumber = 0
    private let path: String

    /// Opens `path`, or `standardInput` for `-`. Throws `CommandFailure` when the file cannot be opened.
    init(path: String, standardInput: Int32 = 0) throws {
        self.path = path
        if path == "-" {
            descriptor = standardInput
            ownsDescriptor = false
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            ownsDescriptor = true
            guard descriptor >= 0 else {
                throw CommandFailure("cannot open \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    func close() {
        if ownsDescriptor {
            Glibc.close(descriptor)
        }
    }

    /// Returns the next line without its line break (LF or CR LF) and its 1-based number, or nil at the end.
    func nextLine() throws -> (Int, ArraySlice<UInt8>)? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return (lineNumber, line.last == 0x0D ? line.dropLast() : line)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return (lineNumber, line.last == 0x0D ? line.dropLast() : line)
            }
            try readMore()
        }
    }

    private func readMore() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR {
                continue
            }
            guard count >= 0 else {
                throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[0..<count])
            }
            return
        }
    }
}
