// Rules that the nutrition and labs writers and readers share: their rollup tables, the time checks of an entry
// or result, and how failure reasons are summarized.

import Foundation
import HealthDomain

enum NutritionRules {
    /// The granularities that nutrition keeps rollups for, in the order of their tables. Day comes first,
    /// because week and month count their days from the day rows.
    static let granularities: [Granularity] = [.day, .week, .month]

    /// The meals whose spelling is normalized to lowercase; other meal names are kept as given.
    static let standardMeals = ["breakfast", "lunch", "dinner", "snack"]

    /// Returns the rollup table of a granularity, or nil when nutrition keeps no rollups for it.
    static func rollupTable(_ granularity: Granularity) -> String? {
        switch granularity {
        case .day: return "nutrition_day"
        case .week: return "nutrition_week"
        case .month: return "nutrition_month"
        case .hour, .quarter, .year: return nil
        }
    }

    /// Returns the meal as categorized rows store it: trimmed, and lowercased when it is one of `standardMeals`.
    static func normalizedMeal(_ meal: String) -> String {
        let trimmed = meal.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        return standardMeals.contains(lowered) ? lowered : trimmed
    }

    /// Sorts meals as queries return them: the standard meals in the order of a day, then the others by name.
    static func mealOrder(_ left: String, _ right: String) -> Bool {
        let leftIndex = standardMeals.firstIndex(of: left) ?? standardMeals.count
        let rightIndex = standardMeals.firstIndex(of: right) ?? standardMeals.count
        return leftIndex != rightIndex ? leftIndex < rightIndex : left < right
    }
}

enum LabRules {
    /// The granularities that labs keep rollups for, in the order of their tables.
    static let granularities: [Granularity] = [.day, .month, .quarter, .year]

    /// Returns the rollup table of a granularity, or nil when labs keep no rollups for it.
    static func rollupTable(_ granularity: Granularity) -> String? {
        switch granularity {
        case .day: return "labs_day"
        case .month: return "labs_month"
        case .quarter: return "labs_quarter"
        case .year: return "labs_year"
        case .hour, .week: return nil
        }
    }
}

enum DomainRules {
    /// Checks the time of an instant record (a meal eaten, a specimen collected) and returns why it is invalid,
    /// or nil when it is valid. `field` names the time in the reason, such as `eaten time`.
    static func timeFailure(_ field: String, utcMs: Int64, offsetMinutes: Int) -> String? {
        if utcMs < VitalsRules.earliestMs || utcMs >= VitalsRules.endOfLatestYearMs {
            return "\(field) is outside the years 1900 to 2200"
        }
        let maximum = VitalsRules.maximumOffsetMinutes
        if abs(offsetMinutes) > maximum {
            return "UTC offset of \(offsetMinutes) minutes is outside -\(maximum) to +\(maximum) minutes"
        }
        return nil
    }

    /// The maximum number of reasons a summary lists; the others are only counted.
    static let maximumListedReasons = 5

    /// Joins reasons with "; ", listing at most `maximumListedReasons` and counting the others.
    static func summarize(_ reasons: [String]) -> String {
        var text = reasons.prefix(maximumListedReasons).joined(separator: "; ")
        if reasons.count > maximumListedReasons {
            text += "; and \(reasons.count - maximumListedReasons) more"
        }
        return text
    }

    /// Local milliseconds (UTC plus the offset) of an instant.
    static func localMs(utcMs: Int64, offsetMinutes: Int) -> Int64 {
        utcMs + Int64(offsetMinutes) * 60_000
    }
}
