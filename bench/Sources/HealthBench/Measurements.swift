// Summaries of repeated measurements: the median of the repeats with their minimum and maximum, and latency
// percentiles within one run.

/// One figure measured in several repeats (the warm-up run is not among them).
struct Summary: Codable {
    var unit: String
    var median: Double
    var min: Double
    var max: Double
    /// Every repeat's value, in run order.
    var runs: [Double]

    init(_ runs: [Double], unit: String) {
        self.unit = unit
        self.runs = runs
        let sorted = runs.sorted()
        median = sorted.isEmpty ? .nan : percentile(sorted, 50)
        min = sorted.first ?? .nan
        max = sorted.last ?? .nan
    }
}

/// Returns the p-th percentile (0 to 100) of ascending `sorted`, interpolating between the nearest ranks.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = p / 100 * Double(sorted.count - 1)
    let low = Int(rank.rounded(.down))
    let high = Swift.min(low + 1, sorted.count - 1)
    return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
}

/// Latencies of one run in milliseconds, summarized.
struct LatencyPercentiles {
    var p50: Double
    var p99: Double
    var count: Int

    init(nanoseconds: [UInt64]) {
        let sorted = nanoseconds.map { Double($0) / 1e6 }.sorted()
        p50 = percentile(sorted, 50)
        p99 = percentile(sorted, 99)
        count = sorted.count
    }
}

/// Formats a number for the Markdown table: thousands separated, at most `digits` decimals, and three
/// significant digits for small values.
func formatNumber(_ value: Double, digits: Int = 1) -> String {
    guard value.isFinite else { return "n/a" }
    if abs(value) >= 1000 {
        let rounded = Int(value.rounded())
        let text = String(abs(rounded))
        var grouped = ""
        for (index, character) in text.enumerated() {
            if index > 0 && (text.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (rounded < 0 ? "-" : "") + grouped
    }
    var decimals = digits
    if abs(value) < 10 && value != 0 { decimals = Swift.max(digits, 2) }
    if abs(value) < 0.1 && value != 0 { decimals = Swift.max(digits, 3) }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (value * scale).rounded() / scale
    var text = String(scaled)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}
