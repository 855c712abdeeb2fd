// Rows of Cronometer's "Biometrics" export: vital signs that the user logged or a connected device sent.

import HealthDomain

/// `Day,Time,Group,Metric,Unit,Amount`.
///
/// - Metrics that match a vital sign of the vitals catalog become vital records with that short name; the unit
///   is passed on as written (`mg/dL`, `bpm`, `lbs`), and the server converts it. A device in parentheses after
///   the name (`Heart Rate (Garmin)`) is ignored for the match.
/// - Other metrics (`Insulin`, `Sleep (Garmin)`, ...) are skipped and counted by name in `skippedMetrics`.
/// - Times as in the servings export: 12- or 24-hour, local, empty means local noon. `Group` is not used.
/// - The source record id is `<day>T<HH:MM>|<metric>|<n>`, with the metric as written.
struct CronometerBiometricsParser: NutritionRowParser {
    /// Cronometer metric names, lowercased and without a device suffix, to vitals catalog short names.
    // NOTE: only `Blood Glucose` and `Heart Rate (Garmin)` occur in the sample exports. The other spellings are
    // guesses that no real export has confirmed.
    static let metrics: [String: String] = [
        "blood glucose": "blood_glucose",
        "heart rate": "heart_rate",
        "resting heart rate": "resting_heart_rate",
        "heart rate variability": "heart_rate_variability",
        "weight": "body_weight",
        "body weight": "body_weight",
        "height": "height",
        "body fat": "body_fat",
        "body temperature": "body_temperature",
        "systolic blood pressure": "systolic_blood_pressure",
        "diastolic blood pressure": "diastolic_blood_pressure",
        "oxygen saturation": "oxygen_saturation",
        "blood oxygen": "oxygen_saturation",
        "respiratory rate": "respiratory_rate",
        "bmi": "bmi",
    ]

    private let header: CSVHeader
    private let source: String
    private var keys = SourceRecordKeys()

    init(header: CSVHeader, source: String) {
        self.header = header
        self.source = source
    }

    /// Returns the vitals catalog short name for a Cronometer metric name, or nil when no vital sign matches.
    static func vitalMetric(for name: String) -> String? {
        let key = name.lowercased()
        if let metric = metrics[key] {
            return metric
        }
        // `Heart Rate (Garmin)`: the part in parentheses names the device that sent the value.
        guard key.hasSuffix(")"), let open = key.lastIndex(of: "(") else { return nil }
        return metrics[CSVHeader.trimmed(key[..<open])]
    }

    mutating func parse(_ row: CSVRow, decimalComma: Bool, report: inout NutritionImportReport) -> ParsedRow {
        let metricName = header.value(of: "Metric", in: row) ?? ""
        guard let metric = Self.vitalMetric(for: metricName) else {
            report.skippedMetrics[metricName, default: 0] += 1
            return .counted
        }
        let time: LocalDateTime
        switch LocalDateTime.parse(
            date: header.value(of: "Day", in: row) ?? "", time: header.value(of: "Time", in: row) ?? "")
        {
        case .success(let parsed): time = parsed
        case .failure(let rejection): return .rejected(rejection)
        }
        let amountText = header.value(of: "Amount", in: row) ?? ""
        guard let value = CSVReader.parseNumber(amountText, decimalComma: decimalComma) else {
            return .rejected(RowRejection("invalid amount '\(amountText)' for \(metricName): expected a number"))
        }

        let record = VitalRecord(
            metric: metric, value: value, unit: header.value(of: "Unit", in: row) ?? "", startMs: time.wallClockMs,
            offsetMinutes: nil, source: source, sourceRecordId: keys.id(for: [time.keyText, metricName]))
        return .record(.vital(record))
    }
}
