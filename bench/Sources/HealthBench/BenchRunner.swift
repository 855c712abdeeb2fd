// Runs the selected scenarios one after the other (never two at once, because on a small machine they would
// skew each other), collects their figures and writes the results files.

import Foundation
import HealthDomain

/// The entry point of the `health-bench` executable.
public enum HealthBench {
    /// Runs the command line (without the program name) and returns the exit status: 0 when every scenario
    /// ran, 1 when one failed or the results could not be written, 64 for usage errors.
    public static func main(_ arguments: [String]) -> Int32 {
        ChildRegistry.installSignalHandling()
        if arguments.first == "export-samples" {
            return SampleExport.main(Array(arguments.dropFirst()))
        }
        let options: BenchOptions
        do {
            guard let parsed = try BenchOptions.parse(arguments) else {
                print(BenchOptions.usage)
                return 0
            }
            options = parsed
        } catch {
            log("Error: \(error)\n\(BenchOptions.usage)")
            return 64
        }

        log("health-bench: \(BenchEnvironment.buildMode) build")
        if BenchEnvironment.buildMode != "release" {
            let warning = "WARNING: this is a DEBUG build; its figures are several times too slow and not "
                + "comparable. Build with `swift build -c release`."
            log(String(repeating: "!", count: 100) + "\n" + warning + "\n" + String(repeating: "!", count: 100))
            guard options.allowDebug else {
                log("Refusing to run a debug build; pass --allow-debug to run it anyway.")
                return 1
            }
        }
        do {
            let runner = try BenchRunner(options: options, arguments: arguments)
            return try runner.run() ? 0 : 1
        } catch {
            log("health-bench failed: \(error)")
            ChildRegistry.shared.killAll()
            return 1
        }
    }
}

final class BenchRunner {
    let options: BenchOptions
    let tools: Tools
    var report: BenchReport
    private var workCache: [Int: [ConnectionWork]] = [:]
    private var cachedStyle = RecordIdStyle.uuid
    private let startTime = monotonicSeconds()

    init(options: BenchOptions, arguments: [String]) throws {
        self.options = options
        tools = Tools(healthd: try BenchEnvironment.tool("healthd"), health: try BenchEnvironment.tool("health"))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        report = BenchReport(
            date: formatter.string(from: Date()), machine: BenchEnvironment.machine(),
            buildMode: BenchEnvironment.buildMode,
            command: (["health-bench"] + arguments).joined(separator: " "),
            loadAverageBefore: BenchEnvironment.loadAverage(), loadAverageAfter: 0, notes: options.notes)
    }

    /// Runs the scenarios and writes the results; returns false when a scenario failed.
    func run() throws -> Bool {
        log("machine: \(report.machine.cpus) CPUs, \(report.machine.cpuModel); load average "
            + "\(formatNumber(report.loadAverageBefore)) (figures are noisy when other processes run)")
        let steps: [(String, () throws -> Void)] = [
            ("inline", { try self.runIngestScenario(.inline) }),
            ("off", { try self.runIngestScenario(.off) }),
            ("ids", { try self.runRecordIdComparison() }),
            ("recompute", { try self.runIngestScenario(.recompute) }),
            ("bare", { try self.runBareSQLite() }),
            ("queued", { try self.runIngestScenario(.queued) }),
            ("interleaved", { try self.runInterleaved() }),
            ("import", { try self.runImport() }),
            ("queries", { try self.runQueries() }),
            ("footprint", { try self.runFootprint() }),
            ("nutrition", { try self.runNutritionAndLabs() }),
            ("postgres", { try self.runPostgres() }),
        ]
        for (name, step) in steps where options.scenarios.contains(name) {
            log("== \(name)")
            do {
                try step()
            } catch {
                log("scenario \(name) failed: \(error)")
                report.scenarios.append(
                    ScenarioResult(
                        scenario: name, title: name, status: "failed", message: "\(error)", parameters: [:],
                        figures: []))
            }
        }
        computeRatiosAndTargets()
        report.loadAverageAfter = BenchEnvironment.loadAverage()
        report.durationSeconds = monotonicSeconds() - startTime
        try writeResults()
        return !report.scenarios.contains { $0.status == "failed" }
    }

    /// Runs `body` once as a discarded warm-up and then `options.repeats` times; returns the measured results.
    func repeated<T>(_ label: String, _ body: (_ repeatIndex: Int) throws -> T) throws -> [T] {
        var results: [T] = []
        for index in 0...options.repeats {
            let result = try body(index)
            log("  \(label) \(index == 0 ? "warm-up" : "run \(index)") done")
            if index > 0 { results.append(result) }
        }
        return results
    }

    /// Builds each connection's submits: its own user's stream of `samplesPerRun / connections` samples, cut
    /// into submits. The record ids follow `--record-ids` unless `ids` is given.
    func ingestWork(connections: Int, ids: RecordIdStyle? = nil) -> [ConnectionWork] {
        let style = ids ?? options.recordIds
        if let cached = workCache[connections], cachedStyle == style { return cached }
        let perConnection = options.samplesPerRun / connections
        let work = (0..<connections).map { index in
            let user = "bench-user-\(index)"
            let stream = SampleStreams.records(userIndex: index, count: perConnection, ids: style)
            return ConnectionWork(
                submits: SampleStreams.batches(stream, size: options.batchSize).map { (user, $0) })
        }
        workCache = [connections: work]
        cachedStyle = style
        return work
    }

    /// Returns a time limit for a phase that moves `samples` samples, generous enough for a slow debug build.
    func timeLimit(samples: Int) -> Double {
        max(120, Double(samples) / 2_000)
    }

    // MARK: - Results

    private func writeResults() throws {
        let directory = options.resultsDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let day = String(report.date.prefix(10))
        let base = "\(directory)/\(day)-\(options.label)"
        let markdown = report.renderMarkdown()
        try markdown.write(toFile: base + ".md", atomically: true, encoding: .utf8)
        try report.renderJSON().write(to: URL(fileURLWithPath: base + ".json"))
        print(markdown)
        guard !options.isPartial else {
            log("results written to \(base).md and \(base).json; latest.md is kept because --only ran a subset")
            return
        }
        try markdown.write(toFile: "\(directory)/latest.md", atomically: true, encoding: .utf8)
        try report.renderJSON().write(to: URL(fileURLWithPath: "\(directory)/latest.json"))
        log("results written to \(base).md and \(base).json (also \(directory)/latest.md)")
    }

    /// The outcome of the rollup check on the run that made one, as a note for the report.
    private func verifyNote(_ runs: [IngestMeasurement]) -> String? {
        guard let mismatches = runs.compactMap(\.verifyMismatches).first else { return nil }
        return mismatches.isEmpty
            ? "rollups verified equal to a recompute after the first run"
            : "\(mismatches.count) rollup rows differ from a recompute"
    }

    /// Scenario 7: nutrition entries and lab results with their rollups, inline, over 4 connections.
    func runNutritionAndLabs() throws {
        let connections = 4
        let count = max(options.samplesPerRun / 4, 4_000)
        for domain in ["nutrition", "labs"] {
            let work = (0..<connections).map { index in
                let user = "bench-\(domain)-\(index)"
                let records = domain == "nutrition"
                    ? DomainStreams.nutrition(userIndex: index, count: count / connections)
                    : DomainStreams.labs(userIndex: index, count: count / connections)
                return ConnectionWork(submits: [], domainSubmits: records.map { (user, $0) })
            }
            let runs = try repeated(domain) { repeatIndex in
                try measureIngest(.inline, work: work, label: domain, verify: repeatIndex == 1)
            }
            let unit = domain == "nutrition" ? "entries/s" : "results/s"
            report.scenarios.append(
                ScenarioResult(
                    scenario: "nutrition", title: "7. \(domain) ingest, inline rollups", status: "ok",
                    message: runs.compactMap { $0.run.firstError }.first ?? verifyNote(runs),
                    parameters: [
                        "records": String(count), "connections": String(connections),
                        "batch": String(DomainStreams.batchSize), "in flight": String(options.inFlight),
                    ],
                    figures: [
                        Figure(name: unit, summary: Summary(runs.map { $0.run.samplesPerSecond }, unit: unit)),
                        Figure(name: "submit latency p50", summary: Summary(runs.map { $0.latency.p50 }, unit: "ms")),
                        Figure(name: "submit latency p99", summary: Summary(runs.map { $0.latency.p99 }, unit: "ms")),
                    ]))
        }
    }
}
