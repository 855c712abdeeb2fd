// Reduction of the unit strings that lab reports print to a dimension and a scale. The strings are UCUM codes and
// their common spellings, such as `mg/dL`, `x10E3/uL`, `mcg/L`, `m[IU]/mL` and `mg/24 hr`. With the dimension,
// units of one dimension convert by their prefixes, and the matcher can tell a percentage from a count or a mass
// from a substance concentration.

/// A parsed unit: its dimension (such as `mass/volume`) and the factor from the unit to the dimension's base unit
/// (g/L for `mass/volume`, so mg/dL has scale 0.01).
struct LabUnit: Sendable, Equatable {
    let dimension: String
    let scale: Double

    /// Parses the unit that `text` spells. Returns nil when the text is empty or not a unit this parser recognizes.
    static func parse(_ text: String) -> LabUnit? {
        let cleaned = clean(text)
        guard !cleaned.isEmpty else { return nil }
        if let special = specialUnits[cleaned] { return special }
        if cleaned.hasPrefix("%") { return LabUnit(dimension: "fraction", scale: 1) }
        if cleaned.hasPrefix("ml/min/1.73") || cleaned == "ml/min/bsa" {
            return LabUnit(dimension: "filtration-rate", scale: 1)
        }
        if let count = parseCount(cleaned) { return count }
        return parseQuotient(cleaned)
    }

    /// `text` lowercased, with the micro sign spelled `u`, annotations such as `{creat}` or `FEU` removed and no
    /// spaces, so that `mcg/mL FEU`, `ug/mL` and `µg/mL` all read `ug/ml`. The body surface annotation of a GFR
    /// unit stays as `1.73`: `mL/min/{1.73_m2}` reads `ml/min/1.73`.
    static func clean(_ text: String) -> String {
        var words: [[UInt8]] = [[]]
        var braceText: [UInt8] = []
        var insideBraces = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x7B:  // {
                insideBraces = true
                braceText = []
            case 0x7D:  // }
                insideBraces = false
                if braceText.starts(with: Array("1.73".utf8)) { words[words.count - 1] += Array("1.73".utf8) }
            case 0xB5, 0x3BC:  // micro sign, Greek mu
                words[words.count - 1].append(UInt8(ascii: "u"))
            case 0x20, 0x09, 0xA0:
                if !insideBraces { words.append([]) }
            default:
                guard value < 0x80 else { continue }
                var byte = UInt8(value)
                if byte >= 0x41 && byte <= 0x5A { byte += 32 }
                if insideBraces {
                    braceText.append(byte)
                } else {
                    words[words.count - 1].append(byte)
                }
            }
        }

        words.removeAll { $0.isEmpty || annotationWords.contains($0) }
        // A unit that is only an annotation, such as `{ratio}` or `{INR}`, keeps the annotation as its name.
        if words.isEmpty { words = [braceText] }

        var joined = Array(words.joined())
        for (spelling, replacement) in spellingReplacements {
            replaceAll(&joined, spelling, replacement)
        }
        return String(decoding: joined, as: UTF8.self)
    }

    private static func replaceAll(_ bytes: inout [UInt8], _ target: [UInt8], _ replacement: [UInt8]) {
        var start = 0
        while start + target.count <= bytes.count {
            if bytes[start] == target[0] && bytes[start..<(start + target.count)].elementsEqual(target) {
                bytes.replaceSubrange(start..<(start + target.count), with: replacement)
                start += replacement.count
            } else {
                start += 1
            }
        }
    }

    // MARK: - Counts

    /// Counts per volume: `10*3/uL`, `x10E9/L`, `K/uL`, `M/uL`, `thou/mm3`, `/uL`, `cells/uL`.
    private static func parseCount(_ text: String) -> LabUnit? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let liters = volumeLiters[String(parts[1])] else { return nil }
        var numerator = String(parts[0].filter { $0 != "(" && $0 != ")" })
        if numerator.hasPrefix("x") { numerator.removeFirst() }

        let multiplier: Double
        if let named = countMultipliers[numerator] {
            multiplier = named
        } else if numerator.hasPrefix("10") {
            var exponentText = numerator.dropFirst(2)
            if let first = exponentText.first, "^*e".contains(first) { exponentText = exponentText.dropFirst() }
            guard let exponent = Int(exponentText), (0...15).contains(exponent) else { return nil }
            multiplier = power10(exponent)
        } else {
            return nil
        }
        return LabUnit(dimension: "count/volume", scale: multiplier / liters)
    }

    // MARK: - Quotients of prefixed atoms

    /// Parses a quotient such as `mg/dl`, `mmol/l`, `u/l`, `mg/d` or `ng/ml/h` whose parts are SI-prefixed atoms.
    private static func parseQuotient(_ text: String) -> LabUnit? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var dimensions: [String] = []
        var scale = 1.0
        for (position, part) in parts.enumerated() {
            guard let atom = parseAtom(String(part)) else { return nil }
            dimensions.append(atom.kind)
            scale = position == 0 ? atom.scale : scale / atom.scale
        }
        return LabUnit(dimension: dimensions.joined(separator: "/"), scale: scale)
    }

    /// Parses one prefixed atom such as `mg`, `dl`, `uiu`, `mmol` or `d`.
    private static func parseAtom(_ text: String) -> (kind: String, scale: Double)? {
        if let time = timeAtoms[text] { return ("time", time) }
        for (atom, kind, base) in atoms where text.hasSuffix(atom) {
            let prefix = String(text.dropLast(atom.count))
            guard let factor = prefixes[prefix] else { continue }
            return (kind, factor * base)
        }
        return nil
    }

    private static func power10(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    // MARK: - Tables

    /// Units matched whole after cleaning.
    private static let specialUnits: [String: LabUnit] = {
        var table: [String: LabUnit] = [:]
        for name in ["percent", "pct", "/100wbc", "/100wbcs", "/100leukocytes", "/100"] {
            table[name] = LabUnit(dimension: "fraction", scale: 1)
        }
        table["l/l"] = LabUnit(dimension: "fraction", scale: 100)
        for name in ["1", "ratio", "inr", "index", "score", "sg", "calc", "(calc)", "units", "unit"] {
            table[name] = LabUnit(dimension: "ratio", scale: 1)
        }
        for name in ["s", "sec", "secs", "second", "seconds"] {
            table[name] = LabUnit(dimension: "time", scale: 1)
        }
        table["min"] = LabUnit(dimension: "time", scale: 60)
        for name in ["mm/h", "mm/hr", "mm/hour", "mm/1h", "mm/60min"] {
            table[name] = LabUnit(dimension: "sedimentation-rate", scale: 1)
        }
        for name in ["ph", "phunits", "phunit"] {
            table[name] = LabUnit(dimension: "ph", scale: 1)
        }
        for name in ["/hpf", "hpf", "cells/hpf", "/hpf(cells)", "perhpf"] {
            table[name] = LabUnit(dimension: "per-hpf", scale: 1)
        }
        for name in ["/lpf", "lpf", "perlpf"] {
            table[name] = LabUnit(dimension: "per-lpf", scale: 1)
        }
        table["mmhg"] = LabUnit(dimension: "pressure", scale: 1)
        table["kpa"] = LabUnit(dimension: "pressure", scale: 7.50062)
        table["fl"] = LabUnit(dimension: "volume", scale: 1e-15)
        table["um3"] = LabUnit(dimension: "volume", scale: 1e-15)
        table["pg"] = LabUnit(dimension: "mass", scale: 1e-12)
        table["pg/cell"] = LabUnit(dimension: "mass", scale: 1e-12)
        return table
    }()

    /// Words after the unit that name what was measured or how, not the unit itself.
    private static let annotationWords: Set<[UInt8]> = Set(
        ["feu", "ddu", "creat", "creatinine", "crt", "cr", "of", "total", "hb", "hgb", "sat", "saturation"].map {
            Array($0.utf8)
        })

    /// Spellings rewritten to the forms the parser reads, applied in this order.
    private static let spellingReplacements: [([UInt8], [UInt8])] = [
        ("[iu]", "iu"), ("[hpf]", "hpf"), ("[lpf]", "lpf"), ("[hg]", "hg"), ("[ph]", "ph"),
        ("mcg", "ug"), ("mcl", "ul"), ("mcmol", "umol"), ("mciu", "uiu"), ("mcu", "uu"),
        ("units/", "u/"), ("unit/", "u/"), ("mg%", "mg/dl"), ("gm/", "g/"), ("mosmol", "mosm"), ("osmol", "osm"),
        ("cumm", "ul"), ("mm3", "ul"), ("cmm", "ul"),
        ("/24hrs", "/d"), ("/24hr", "/d"), ("/24h", "/d"), ("/day", "/d"),
        ("/hrs", "/h"), ("/hr", "/h"), ("/hour", "/h"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static let prefixes: [String: Double] = [
        "": 1, "k": 1e3, "d": 1e-1, "c": 1e-2, "m": 1e-3, "u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15,
    ]

    /// Atoms tried longest first, so that `mmol` reads as milli-mol and `miu` as milli-IU.
    private static let atoms: [(String, String, Double)] = [
        ("mol", "substance", 1), ("osm", "osmoles", 1), ("kat", "units", 60_000_000), ("eq", "equivalents", 1),
        ("iu", "units", 1), ("g", "mass", 1), ("l", "volume", 1), ("u", "units", 1),
    ]

    /// Time denominators, in seconds.
    private static let timeAtoms: [String: Double] = [
        "s": 1, "min": 60, "h": 3600, "d": 86_400, "wk": 604_800,
    ]

    private static let countMultipliers: [String: Double] = [
        "": 1, "cells": 1, "cell": 1, "k": 1e3, "thou": 1e3, "thousand": 1e3, "m": 1e6, "mil": 1e6, "mill": 1e6,
        "million": 1e6, "t": 1e12,
    ]

    private static let volumeLiters: [String: Double] = [
        "ul": 1e-6, "nl": 1e-9, "ml": 1e-3, "dl": 1e-1, "l": 1,
    ]
}
