// The results of one benchmark run: every figure with its repeats, rendered as a Markdown table and as JSON.

import Foundation

struct BenchReport: Codable {
    var date: String
    var machine: MachineInfo
    var buildMode: String
    var command: String
    /// The 1-minute load average before and after the run; other processes inflate it and skew the figures.
    var loadAverageBefore: Double
    var loadAverageAfter: Double
    var durationSeconds: Double = 0
    var scenarios: [ScenarioResult] = []
    var ratios: [Ratio] = []
    var targets: [TargetCheck] = []
    var notes: [String] = []
}

struct ScenarioResult: Codable {
    /// Scenario name as `--only` takes it.
    var scenario: String
    var title: String
    /// "ok", "not available yet" or "failed".
    var status: String
    var message: String?
    /// Sizes and settings, such as connections and samples per run.
    var parameters: [String: String]
    var figures: [Figure]

    func figure(_ name: String) -> Summary? {
        figures.first { $0.name == name }?.summary
    }
}

struct Figure: Codable {
    var name: String
    var summary: Summary
}

struct Ratio: Codable {
    var name: String
    var value: Double
    var explanation: String
}

struct TargetCheck: Codable {
    var target: String
    var measured: String
    var met: Bool?
}

extension BenchReport {
    func renderMarkdown() -> String {
        var lines: [String] = []
        lines.append("# health-bench results, \(date)")
        lines.append("")
        lines.append("| | |")
        lines.append("|---|---|")
        lines.append("| date | \(date) |")
        lines.append("| machine | \(machine.cpus) CPUs, \(machine.cpuModel), \(formatNumber(machine.memoryGiB)) GiB "
            + "memory, Linux \(machine.kernel) |")
        lines.append("| SQLite | \(machine.sqliteVersion) |")
        lines.append("| build | \(buildMode) |")
        lines.append("| command | `\(command)` |")
        lines.append("| load average (1 min) | \(formatNumber(loadAverageBefore)) before, "
            + "\(formatNumber(loadAverageAfter)) after |")
        lines.append("| duration | \(formatNumber(durationSeconds, digits: 0)) s |")
        lines.append("")
        lines.append("Each figure is the median of the measured repeats, with their minimum and maximum; a warm-up "
            + "run before them is discarded. Latencies are per submit of the stated batch size, from send to "
            + "decoded reply, with the stated number of submits in flight per connection.")
        lines.append("")

        if !targets.isEmpty {
            lines.append("## Targets")
            lines.append("")
            lines.append("| target | measured | met |")
            lines.append("|---|---|---|")
            for check in targets {
                let met = check.met.map { $0 ? "yes" : "**no**" } ?? "n/a"
                lines.append("| \(check.target) | \(check.measured) | \(met) |")
            }
            lines.append("")
        }

        if !ratios.isEmpty {
            lines.append("## Ratios")
            lines.append("")
            lines.append("| ratio | value | how |")
            lines.append("|---|---|---|")
            for ratio in ratios {
                lines.append("| \(ratio.name) | \(formatNumber(ratio.value, digits: 2)) | \(ratio.explanation) |")
            }
            lines.append("")
        }

        lines.append("## Figures")
        lines.append("")
        lines.append("| scenario | settings | figure | median | min – max | unit |")
        lines.append("|---|---|---|---|---|---|")
        for result in scenarios {
            let settings = result.parameters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")
            if result.status != "ok" {
                lines.append("| \(result.title) | \(settings) | \(result.status) | | | \(cell(result.message ?? "")) |")
                continue
            }
            for figure in result.figures {
                let summary = figure.summary
                lines.append("| \(result.title) | \(settings) | \(figure.name) | \(formatNumber(summary.median)) | "
                    + "\(formatNumber(summary.min)) – \(formatNumber(summary.max)) | \(summary.unit) |")
            }
            if let message = result.message {
                lines.append("| \(result.title) | | note | | | \(cell(message)) |")
            }
        }
        lines.append("")
        if !notes.isEmpty {
            lines.append("## Notes")
            lines.append("")
            for note in notes {
                lines.append("- \(note)")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// Text fit for one table cell: one line, at most 300 characters, pipes escaped.
    private func cell(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let short = line.count > 300 ? line.prefix(300) + "…" : Substring(line)
        return short.replacingOccurrences(of: "|", with: "\\|")
    }

    func renderJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}
