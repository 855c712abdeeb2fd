// Helpers that every nutrition row parser uses: local dates and clock times, meal names, and stable source record
// ids for exports that carry none.

import Foundation
import HealthDomain

/// A local date and time of day without a UTC offset, as nutrition apps export them.
struct LocalDateTime: Equatable {
    static let millisecondsPerDay: Int64 = 86_400_000
    static let noon = 12 * 3_600_000

    var date: CivilDate
    /// Milliseconds after local midnight.
    var millisecondsOfDay: Int
    /// False when the source gave a date alone and the time is local noon by convention.
    var hasClockTime = true

    /// The wall-clock time read as if it were UTC, which is how records without an offset carry their time.
    var wallClockMs: Int64 {
        date.daysSinceEpoch * Self.millisecondsPerDay + Int64(millisecondsOfDay)
    }

    /// `YYYY-MM-DDTHH:MM`, with `:SS` when the seconds are not 0; `YYYY-MM-DD` alone without a clock time.
    var keyText: String {
        guard hasClockTime else { return date.description }
        let seconds = millisecondsOfDay / 1000
        var text = date.description + "T" + Self.twoDigits(seconds / 3600) + ":" + Self.twoDigits(seconds / 60 % 60)
        if seconds % 60 != 0 {
            text += ":" + Self.twoDigits(seconds % 60)
        }
        return text
    }

    /// Parses a date cell and a time cell; an empty time cell means local noon. Returns the reason when either
    /// cell cannot be read.
    static func parse(date dateText: String, time timeText: String) -> Result<LocalDateTime, RowRejection> {
        guard let date = CivilDate(parsing: dateText) else {
            return .failure(RowRejection("invalid date '\(dateText)': expected YYYY-MM-DD"))
        }
        guard !timeText.isEmpty else {
            return .success(LocalDateTime(date: date, millisecondsOfDay: noon, hasClockTime: false))
        }
        guard let milliseconds = parseClockTime(timeText) else {
            return .failure(
                RowRejection("invalid time '\(timeText)': expected a 24-hour time such as 05:17 or a 12-hour time "
                    + "such as 9:51 AM"))
        }
        return .success(LocalDateTime(date: date, millisecondsOfDay: milliseconds))
    }

    /// Milliseconds after midnight of `H:MM`, `HH:MM` or `HH:MM:SS` (24-hour), or the same followed by `AM` or `PM`
    /// in any case (12-hour: hours 1 to 12, `12:00 AM` is midnight). Nil for anything else.
    static func parseClockTime(_ text: String) -> Int? {
        var clock = Substring(text)
        var meridiem: String?
        let upper = text.uppercased()
        if upper.hasSuffix("AM") || upper.hasSuffix("PM") {
            meridiem = String(upper.suffix(2))
            clock = clock.dropLast(2)
            while clock.last == " " {
                clock = clock.dropLast()
            }
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count <= 2, parts.dropFirst().allSatisfy({ $0.count == 2 }),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            var hour = Int(parts[0]), let minute = Int(parts[1]), minute < 60
        else { return nil }
        let second = parts.count == 3 ? Int(parts[2]) ?? 60 : 0
        guard second < 60 else { return nil }

        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem == "PM" ? 12 : 0)
        } else {
            guard hour < 24 else { return nil }
        }
        return ((hour * 60 + minute) * 60 + second) * 1000
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}

/// The reason a row is rejected.
struct RowRejection: Error, Equatable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

enum MealName {
    /// Returns the standard meal for the usual group names (`Breakfast`, `Lunch`, `Dinner`, `Snack`, `Snacks`, in any
    /// case). Any other name, such as Cronometer's `Drinks`, is returned as written.
    static func normalized(_ group: String) -> String {
        switch group.lowercased() {
        case "breakfast": return "breakfast"
        case "lunch": return "lunch"
        case "dinner": return "dinner"
        case "snack", "snacks": return "snack"
        default: return group
        }
    }
}

/// Builds source record ids from the fields that identify a row, numbering rows with equal fields in file order,
/// so that importing the same file again gives the same ids.
struct SourceRecordKeys {
    private var occurrences: [String: Int] = [:]

    /// Returns the fields joined with `|`, then `|` and the number of earlier rows with the same fields, such as
    /// `2022-11-03T09:52|Breakfast|Hass Avocado|0`. A `|` or `\` inside a field is escaped with `\`.
    mutating func id(for fields: [String]) -> String {
        let key = fields.map(Self.escaped).joined(separator: "|")
        let occurrence = occurrences[key, default: 0]
        occurrences[key] = occurrence + 1
        return key + "|" + String(occurrence)
    }

    private static func escaped(_ field: String) -> String {
        guard field.contains("|") || field.contains("\\") else { return field }
        return field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
    }
}
