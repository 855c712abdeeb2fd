// Progress lines for long imports on standard error: redrawn in place a few times per second on a terminal,
// one line per second with --progress otherwise, and a single final line when neither applies.

import Glibc

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

final class ProgressReporter {
    private let console: Console
    /// Whether intermediate lines are shown at all.
    private let isEnabled: Bool
    private let interval: Double
    private let startTime = monotonicSeconds()
    private var lastReport = 0.0
    private var drewInPlace = false

    init(console: Console, forced: Bool) {
        self.console = console
        self.isEnabled = console.errorIsTerminal || forced
        self.interval = console.errorIsTerminal ? 0.25 : 1.0
    }

    var elapsedSeconds: Double { monotonicSeconds() - startTime }

    /// Shows the state if the last line is older than the interval. `fraction` is the share of input read,
    /// when the input size is known.
    func update(records: Int, fraction: Double?) {
        guard isEnabled else { return }
        let now = monotonicSeconds()
        guard now - lastReport >= interval else { return }
        lastReport = now
        let line = describe(records: records, fraction: fraction, elapsed: now - startTime)
        if console.errorIsTerminal {
            console.writeError("\r\u{1B}[K" + line)
            drewInPlace = true
        } else {
            console.writeError(line + "\n")
        }
    }

    /// Writes the final line, always.
    func finish(records: Int) {
        let elapsed = monotonicSeconds() - startTime
        let line = "read \(records) records in \(ProgressReporter.seconds(elapsed)) s"
            + " (\(ProgressReporter.rate(records, elapsed)) records/s)"
        console.writeError((drewInPlace ? "\r\u{1B}[K" : "") + line + "\n")
    }

    private func describe(records: Int, fraction: Double?, elapsed: Double) -> String {
        var line = "read \(records) records"
        if let fraction, fraction > 0 {
            line += " (\(Int(fraction * 100))%)"
        }
        line += " in \(ProgressReporter.seconds(elapsed)) s, \(ProgressReporter.rate(records, elapsed)) records/s"
        if let fraction, fraction > 0.01, fraction < 1 {
            line += ", about \(Int((elapsed / fraction - elapsed).rounded())) s left"
        }
        return line
    }

    static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func rate(_ records: Int, _ elapsed: Double) -> Int {
        elapsed > 0 ? Int(Double(records) / elapsed) : 0
    }
}
