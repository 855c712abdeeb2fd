// The health-bench command line.

struct BenchOptions {
    static let usage = """
        usage: health-bench [--full] [options]
               health-bench export-samples --samples N [--users U] [--seed S] OUT.csv

        Runs every benchmark scenario against real healthd servers on loopback ports, each on a fresh database
        in a temporary directory, and writes a Markdown table and the raw figures as JSON to the results
        directory. The default sizes take a few minutes on a 2-core machine; --full runs the larger sizes.
        healthd and health must be built next to health-bench (swift build -c release).

        options:
          --full                 larger sizes: 1,000,000 samples per ingest run, a 1,000,000-record import
          --repeats N            measured runs per figure after the discarded warm-up run (default 3)
          --connections LIST     client connection counts, comma-separated (default 1,4,16)
          --samples N            samples per ingest run (default 200000, 1000000 with --full)
          --batch-size N         records per submit (default 1000)
          --in-flight N          pipelined submits per connection (default 4)
          --record-ids STYLE     source record ids of the synthetic samples: uuid (random, as HealthKit's;
                                 default), sequential (growing with time) or none
          --import-records N     records in the generated Apple Health export (default 200000, 1000000 with --full)
          --only LIST            run only these scenarios, comma-separated: inline, off, ids, recompute,
                                 bare, queued, interleaved, import, queries, footprint, nutrition, postgres
          --postgres             also run bench/postgres/run.sh (installs PostgreSQL with apt-get when missing)
          --postgres-script PATH the PostgreSQL script (default: bench/postgres/run.sh under the working directory)
          --results DIR          where to write the results (default: bench/results under the working directory);
                                 runs without --only also replace DIR/latest.md and DIR/latest.json
          --label TEXT           file name suffix of the results (default: quick, or full with --full)
          --note TEXT            a note for the results, such as what else ran on the machine (repeatable)
          --allow-debug          run even though this is a debug build (its figures are not comparable)
          -h, --help             show this help

        export-samples writes the benchmark's synthetic vitals as CSV (user_id, metric_id, kind, value, start_ms,
        end_ms, utc_offset_min, source, source_record_id) for the PostgreSQL comparison.
        """

    static let allScenarios: [String] = [
        "inline", "off", "ids", "recompute", "bare", "queued", "interleaved", "import", "queries", "footprint", "nutrition",
        "postgres",
    ]

    var full = false
    var repeats = 3
    var connections = [1, 4, 16]
    var samplesPerRun = 200_000
    var batchSize = 1000
    var inFlight = 4
    var recordIds = RecordIdStyle.uuid
    var importRecords = 200_000
    var scenarios = Set(allScenarios)
    /// True when `--only` picked the scenarios; such partial runs leave `latest.md` alone.
    var isPartial = false
    var postgres = false
    var postgresScript = "bench/postgres/run.sh"
    var resultsDirectory = "bench/results"
    var label = "quick"
    var allowDebug = false
    var notes: [String] = []

    /// Users and samples of the interleaved-arrival scenario, and samples per submit there.
    var interleavedUsers = 1000
    var interleavedSamples = 100_000
    var interleavedBatchSize = 5
    /// Query requests per measured repeat, and days of data behind the queries.
    var queryRequests = 2000
    var queryDays = 366

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses the arguments after the program name; nil for --help.
    static func parse(_ arguments: [String]) throws -> BenchOptions? {
        var options = BenchOptions()
        var samplesGiven = false
        var importGiven = false
        var labelGiven = false
        var remaining = arguments[...]
        while let option = remaining.popFirst() {
            func value() throws -> String {
                guard let next = remaining.popFirst() else { throw UsageError(description: "\(option) needs a value") }
                return next
            }
            func positive() throws -> Int {
                let text = try value()
                guard let number = Int(text.replacingOccurrences(of: "_", with: "")), number > 0 else {
                    throw UsageError(description: "invalid \(option) value '\(text)'; expected a positive integer")
                }
                return number
            }
            switch option {
            case "-h", "--help": return nil
            case "--full": options.full = true
            case "--repeats": options.repeats = try positive()
            case "--connections":
                let text = try value()
                let counts = text.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                guard !counts.isEmpty, counts.count == text.split(separator: ",").count else {
                    throw UsageError(description: "invalid --connections '\(text)'; expected a list such as 1,4,16")
                }
                options.connections = counts
            case "--samples":
                options.samplesPerRun = try positive()
                samplesGiven = true
            case "--batch-size": options.batchSize = try positive()
            case "--in-flight": options.inFlight = try positive()
            case "--record-ids":
                let text = try value()
                guard let style = RecordIdStyle(rawValue: text) else {
                    throw UsageError(description: "invalid --record-ids '\(text)'; use uuid, sequential or none")
                }
                options.recordIds = style
            case "--import-records":
                options.importRecords = try positive()
                importGiven = true
            case "--only":
                let text = try value()
                let names = Set(text.split(separator: ",").map(String.init))
                let unknown = names.subtracting(allScenarios)
                guard unknown.isEmpty else {
                    throw UsageError(description: "unknown scenario '\(unknown.sorted()[0])' in --only; use "
                        + allScenarios.joined(separator: ", "))
                }
                options.scenarios = names
                options.isPartial = true
            case "--postgres": options.postgres = true
            case "--postgres-script": options.postgresScript = try value()
            case "--results": options.resultsDirectory = try value()
            case "--label":
                options.label = try value()
                labelGiven = true
            case "--allow-debug": options.allowDebug = true
            case "--note": options.notes.append(try value())
            default: throw UsageError(description: "unknown option '\(option)'")
            }
        }
        if options.full {
            if !samplesGiven { options.samplesPerRun = 1_000_000 }
            if !importGiven { options.importRecords = 1_000_000 }
            if !labelGiven { options.label = "full" }
            options.interleavedUsers = 5000
            options.interleavedSamples = 250_000
            options.queryRequests = 10_000
        }
        if !options.postgres { options.scenarios.remove("postgres") }
        return options
    }
}
