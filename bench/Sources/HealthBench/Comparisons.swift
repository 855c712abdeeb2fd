// The ratios between scenarios, the checks against the performance targets, and the optional PostgreSQL run.

import Foundation

extension BenchRunner {
    /// Scenario results of an ingest variant by connection count.
    private func ingestRate(_ scenario: String, connections: Int) -> Double? {
        report.scenarios.first {
            $0.scenario == scenario && $0.status == "ok" && $0.parameters["connections"] == String(connections)
        }?.figure("samples/s")?.median
    }

    private func scenarioFigure(_ scenario: String, title: String? = nil, _ figure: String) -> Double? {
        report.scenarios.first { $0.scenario == scenario && $0.status == "ok" && (title == nil || $0.title == title) }?
            .figure(figure)?.median
    }

    func computeRatiosAndTargets() {
        for connections in options.connections {
            guard let inline = ingestRate("inline", connections: connections) else { continue }
            if let off = ingestRate("off", connections: connections) {
                report.ratios.append(
                    Ratio(
                        name: "inline / rollups off, \(connections) conn.", value: inline / off,
                        explanation: "median samples/s of scenario 1 over scenario 2 (server, --rollups off)"))
            }
            if let recompute = ingestRate("recompute", connections: connections) {
                report.ratios.append(
                    Ratio(
                        name: "inline / recompute, \(connections) conn.", value: inline / recompute,
                        explanation: "median samples/s of scenario 1 over scenario 3"))
            }
            if let bare = scenarioFigure("bare", "samples/s") {
                report.ratios.append(
                    Ratio(
                        name: "inline / bare SQLite, \(connections) conn.", value: inline / bare,
                        explanation: "median samples/s of scenario 1 over the in-process insert loop"))
            }
            if let postgres = scenarioFigure("postgres", "samples/s") {
                report.ratios.append(
                    Ratio(
                        name: "inline / PostgreSQL, \(connections) conn.", value: inline / postgres,
                        explanation: "median samples/s of scenario 1 over bench/postgres/run.sh"))
            }
        }
        addTargets()
    }

    private func addTargets() {
        func check(_ target: String, _ value: Double?, _ text: (Double) -> String, _ met: (Double) -> Bool) {
            guard let value else { return }
            report.targets.append(TargetCheck(target: target, measured: text(value), met: met(value)))
        }
        let reference = options.connections.contains(4) ? 4 : options.connections[0]
        if let inline = ingestRate("inline", connections: reference) {
            check("inline ingest >= 60% of rollups off (\(reference) conn.)",
                ingestRate("off", connections: reference).map { inline / $0 },
                { "\(formatNumber($0 * 100, digits: 0))%" }, { $0 >= 0.6 })
            check("inline ingest >= 3x recompute (\(reference) conn.)",
                ingestRate("recompute", connections: reference).map { inline / $0 },
                { "\(formatNumber($0, digits: 2))x" }, { $0 >= 3 })
        }
        check("inline ingest >= 200,000 samples/s over RPC, 4 conn.", ingestRate("inline", connections: 4),
            { "\(formatNumber($0)) samples/s" }, { $0 >= 200_000 })
        check("interleaved arrival >= 25,000 samples/s", scenarioFigure("interleaved", "samples/s"),
            { "\(formatNumber($0)) samples/s" }, { $0 >= 25_000 })
        check("daily stats for a year, p99 < 1 ms idle",
            scenarioFigure("queries", title: "6. query daily stats, 1 year, idle", "latency p99"),
            { "\(formatNumber($0, digits: 3)) ms" }, { $0 < 1 })
        if options.importRecords == 1_000_000 {
            check("1M-record import < 15 s end to end", scenarioFigure("import", "wall time"),
                { "\(formatNumber($0)) s" }, { $0 < 15 })
        } else if let rate = scenarioFigure("import", "records/s end to end") {
            report.targets.append(
                TargetCheck(
                    target: "1M-record import < 15 s end to end",
                    measured: "\(formatNumber(rate)) records/s on \(options.importRecords) records "
                        + "(\(formatNumber(1e6 / rate)) s per million if the rate held; run --full to measure)",
                    met: nil))
        }
        check("idle server CPU over 10 s = 0", scenarioFigure("footprint", "CPU time while idle after load"),
            { "\(formatNumber($0, digits: 3)) s" }, { $0 == 0 })
    }

    // MARK: - PostgreSQL

    /// Runs bench/postgres/run.sh on the 4-connection data set, exported as CSV.
    func runPostgres() throws {
        guard FileManager.default.isReadableFile(atPath: options.postgresScript) else {
            throw BenchError("the PostgreSQL script \(options.postgresScript) is missing; run from the package root "
                + "or pass --postgres-script PATH")
        }

        let directory = try makeTemporaryDirectory("health-bench-postgres")
        defer { removeDirectory(directory) }
        let users = 4
        let csv = directory + "/samples.csv"
        try SampleExport.write(samples: options.samplesPerRun, users: users, seed: 1, to: csv)

        let outputPath = directory + "/postgres.out"
        let script = try ChildProcess(
            "/bin/bash",
            [options.postgresScript, csv, "--batch-size", String(options.batchSize), "--repeats",
             String(options.repeats)],
            stdout: outputPath, stderr: directory + "/postgres.log")
        let limit = 900 + timeLimit(samples: options.samplesPerRun) * Double(options.repeats + 1)
        guard script.wait(timeout: limit) != nil else {
            // The script stops its PostgreSQL server by pid on SIGTERM.
            script.stop(grace: 30)
            throw BenchError("bench/postgres/run.sh did not finish within \(Int(limit)) s")
        }

        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard script.exitCode == 0 else {
            let errors = (try? String(contentsOfFile: directory + "/postgres.log", encoding: .utf8)) ?? ""
            throw BenchError("bench/postgres/run.sh failed: \(errors.suffix(2000))")
        }
        let rates = output.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("samples_per_second ") else { return nil }
            return Double(line.split(separator: " ").last ?? "")
        }
        let version = output.split(separator: "\n").first { $0.hasPrefix("postgres_version ") }
            .map { String($0.dropFirst("postgres_version ".count)) } ?? "unknown"
        guard !rates.isEmpty else {
            throw BenchError("bench/postgres/run.sh printed no samples_per_second line: \(output.suffix(2000))")
        }

        report.scenarios.append(
            ScenarioResult(
                scenario: "postgres", title: "PostgreSQL: COPY + set-based rollup upserts", status: "ok",
                message: "PostgreSQL \(version), synchronous_commit=off; cumulative spans are not split across buckets",
                parameters: [
                    "samples": String(options.samplesPerRun), "users": String(users),
                    "rows per transaction": String(options.batchSize),
                ],
                figures: [Figure(name: "samples/s", summary: Summary(rates, unit: "samples/s"))]))
    }
}
