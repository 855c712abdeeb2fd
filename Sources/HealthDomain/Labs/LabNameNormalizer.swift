// Normalization of free-text lab test names into comparable word tokens. Catalog names and synonyms go through the
// same steps as report names, so a rule here never needs a matching synonym in the catalog. The first step handles
// invisible characters, odd spaces, Greek letters, accents, superscripts and units printed inside names. Then come
// word splitting, British spellings, plurals and abbreviations per word, and phrases such as "red blood cell",
// "HDL-C" and roman numerals. The last step removes specimen and filler words.

enum LabNameNormalizer {
    /// Returns the normalized word tokens of a test name in their original order, or none when nothing meaningful
    /// is left.
    static func tokens(of text: String) -> [String] {
        let cleaned = cleanCharacters(text)
        var words: [String] = []
        for rawWord in cleaned.split(separator: " ") {
            for piece in splitLettersAndDigits(String(rawWord)) {
                words.append(contentsOf: canonicalWords(piece))
            }
        }
        words = applyPhrases(words)
        return removeFillerWords(words)
    }

    // MARK: - Characters

    /// Lowercase ASCII letters and digits separated by spaces, with "," standing for a comma, colon, semicolon or
    /// bracket. Unit expressions such as `mg/dL` inside a name are removed, except `mmol/mol`, which marks an IFCC
    /// HbA1c result and becomes the word `ifcc`.
    static func cleanCharacters(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output: [UInt8] = []
        output.reserveCapacity(scalars.count + 8)
        var wordStart = 0
        var index = 0

        func append(_ string: String) {
            output.append(contentsOf: Array(string.utf8))
        }

        while index < scalars.count {
            let scalar = scalars[index]
            let value = scalar.value
            if isLetterOrDigit(value) {
                if output.isEmpty || !isLetterOrDigitByte(output[output.count - 1]) { wordStart = output.count }
                output.append(asciiLowercase(UInt8(value)))
                index += 1
                continue
            }
            switch scalar {
            case "/":
                if let skip = removeUnit(in: &output, wordStart: wordStart, scalars: scalars, slashIndex: index) {
                    index = skip
                    continue
                }
                output.append(32)
            case "%":
                append(" percent ")
            case "#":
                // "#1" numbers a repeated specimen, while a lone "#" means an absolute count, as in "Lymph #".
                if index + 1 < scalars.count, isDigit(scalars[index + 1].value) {
                    index += 1
                    while index < scalars.count, isDigit(scalars[index].value) { index += 1 }
                    continue
                }
                append(" absolute ")
            case "&":
                append(" and ")
            case "'", "\u{2019}", "\u{2018}", "`", "\u{00B4}":
                break
            case "(":
                // A letter in parentheses inside a word is an optional spelling: "homocyst(e)ine".
                if let closing = inlineParenthesisEnd(scalars, openIndex: index) {
                    for inner in (index + 1)..<closing {
                        output.append(asciiLowercase(UInt8(scalars[inner].value)))
                    }
                    index = closing + 1
                    continue
                }
                append(" , ")
            case ",", ";", ":", ")", "[", "]":
                // Kept as a word of its own so that "Vitamin D, 25-Hydroxy" does not join "D" and "25".
                append(" , ")
            default:
                if let replacement = replacement(for: value) {
                    if !replacement.isEmpty, isLetterOrDigitByte(replacement.utf8.first!),
                        output.isEmpty || !isLetterOrDigitByte(output[output.count - 1])
                    {
                        wordStart = output.count
                    }
                    append(replacement)
                } else if value >= 0x80 && scalar.properties.isAlphabetic {
                    append(" ")
                    append(String(scalar).lowercased())
                    append(" ")
                } else {
                    output.append(32)
                }
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Removes a unit such as `mg/dL` whose numerator was just written, returning the index after its
    /// denominator, or nil when the text around the slash is not a unit.
    private static func removeUnit(
        in output: inout [UInt8], wordStart: Int, scalars: [Unicode.Scalar], slashIndex: Int
    ) -> Int? {
        guard let last = output.last, isLetterOrDigitByte(last) else { return nil }
        let numerator = String(decoding: output[wordStart...], as: UTF8.self)
        guard unitNumerators.contains(numerator) else { return nil }

        var end = slashIndex + 1
        var denominator = ""
        while end < scalars.count, isLetterOrDigit(scalars[end].value) {
            denominator.unicodeScalars.append(Unicode.Scalar(asciiLowercase(UInt8(scalars[end].value))))
            end += 1
        }
        guard unitDenominators.contains(denominator) else { return nil }

        output.removeSubrange(wordStart...)
        if numerator == "mmol" && denominator == "mol" { output.append(contentsOf: Array(" ifcc ".utf8)) }
        output.append(32)
        return end
    }

    /// Returns the index of the `)` that closes a parenthesis of one to three letters between letters, or nil.
    private static func inlineParenthesisEnd(_ scalars: [Unicode.Scalar], openIndex: Int) -> Int? {
        guard openIndex > 0, isLetter(scalars[openIndex - 1].value) else { return nil }
        var closing = openIndex + 1
        while closing < scalars.count, closing <= openIndex + 3, isLetter(scalars[closing].value) { closing += 1 }
        guard closing < scalars.count, closing > openIndex + 1, scalars[closing] == ")",
            closing + 1 < scalars.count, isLetter(scalars[closing + 1].value)
        else { return nil }
        return closing
    }

    /// Returns the ASCII text that stands for a non-ASCII or punctuation character, "" to drop it, or nil when the
    /// character separates words.
    private static func replacement(for value: UInt32) -> String? {
        switch value {
        case 0x200B...0x200F, 0x2060, 0xFEFF, 0x00AD:
            return ""
        case 0x03B1, 0x0391:
            return " alpha "
        case 0x03B2, 0x0392, 0x03D0:
            return " beta "
        case 0x03B3, 0x0393:
            return " gamma "
        case 0x03B4, 0x0394:
            return " delta "
        case 0x03BA, 0x039A:
            return " kappa "
        case 0x03BB, 0x039B:
            return " lambda "
        case 0x00B5, 0x03BC:
            return "micro"
        case 0x00B9:
            return "1"
        case 0x00B2:
            return "2"
        case 0x00B3:
            return "3"
        case 0x2070, 0x2080:
            return "0"
        case 0x2074...0x2079:
            return String(value - 0x2070)
        case 0x2081...0x2089:
            return String(value - 0x2080)
        default:
            return latinFolding[value]
        }
    }

    private static let latinFolding: [UInt32: String] = {
        var table: [UInt32: String] = [:]
        let groups: [(String, String)] = [
            ("ÀÁÂÃÄÅàáâãäåĀāĂăĄą", "a"), ("ÇçĆćČč", "c"), ("ÈÉÊËèéêëĒēĖėĘęĚě", "e"), ("ÌÍÎÏìíîïĪīĮį", "i"),
            ("Ññ", "n"), ("ÒÓÔÕÖØòóôõöøŌō", "o"), ("ÙÚÛÜùúûüŪūŮů", "u"), ("ÝýÿŸ", "y"), ("ŠšŚś", "s"),
            ("ŽžŹźŻż", "z"), ("Łł", "l"),
        ]
        for (letters, ascii) in groups {
            for scalar in letters.unicodeScalars { table[scalar.value] = ascii }
        }
        table[0x00C6] = "ae"
        table[0x00E6] = "ae"
        table[0x0152] = "oe"
        table[0x0153] = "oe"
        table[0x00DF] = "ss"
        return table
    }()

    private static let unitNumerators: Set<String> = [
        "mg", "g", "ug", "mcg", "ng", "pg", "mmol", "umol", "nmol", "pmol", "meq", "iu", "miu", "uiu", "u", "mu",
        "ku", "kiu",
    ]

    private static let unitDenominators: Set<String> = [
        "dl", "l", "ml", "ul", "mcl", "mol", "g", "kg", "d", "day", "24h", "24hr", "mmol",
    ]

    // MARK: - Words

    /// Splits `testosterone1`, `beta2` and `25oh` into their letter and digit parts, but keeps short codes such as
    /// `b12`, `t4`, `a1c`, `ca125` and `hba1c` whole.
    static func splitLettersAndDigits(_ word: String) -> [String] {
        let bytes = Array(word.utf8)
        guard bytes.contains(where: isDigitByte), bytes.contains(where: { !isDigitByte($0) }) else { return [word] }

        var pieces: [String] = []
        var start = 0
        var index = 1
        while index <= bytes.count {
            if index < bytes.count {
                let previousIsDigit = isDigitByte(bytes[index - 1])
                let currentIsDigit = isDigitByte(bytes[index])
                if previousIsDigit != currentIsDigit && shouldSplit(bytes, runStart: start, boundary: index) {
                    pieces.append(String(decoding: bytes[start..<index], as: UTF8.self))
                    start = index
                }
            } else {
                pieces.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            index += 1
        }
        return pieces
    }

    /// Decides whether a word splits at `boundary`, where the piece that starts at `runStart` ends. It splits after a
    /// piece of four or more letters followed by digits, and after leading digits followed by two or more letters.
    private static func shouldSplit(_ bytes: [UInt8], runStart: Int, boundary: Int) -> Bool {
        if !isDigitByte(bytes[boundary - 1]) {
            return boundary - runStart >= 4
        }
        guard runStart == 0 else { return false }
        var letters = 0
        var index = boundary
        while index < bytes.count, !isDigitByte(bytes[index]) {
            letters += 1
            index += 1
        }
        return letters >= 2
    }

    /// Rewrites one word: British spellings, compound spellings, plurals and abbreviations.
    static func canonicalWords(_ word: String) -> [String] {
        var word = americanSpelling(word)
        if let compound = compoundWords[word] { return compound }
        if let hours = hourWords(word) { return hours }
        let length = word.utf8.count
        if length >= 6, word.hasPrefix("non"), !nonWords.contains(word) {
            return ["non"] + canonicalWords(String(word.dropFirst(3)))
        }
        for prefix in ["dihydroxy", "hydroxy"] where length >= prefix.utf8.count + 3 && word.hasPrefix(prefix) {
            return [prefix] + canonicalWords(String(word.dropFirst(prefix.utf8.count)))
        }
        word = singular(word)
        if let expansion = abbreviations[word] { return expansion }
        return [word]
    }

    /// `2h`, `24hr` and `48hrs` as the number and the word `hour`.
    private static func hourWords(_ word: String) -> [String]? {
        let bytes = word.utf8
        guard let first = bytes.first, isDigitByte(first) else { return nil }
        let digitCount = bytes.prefix(while: isDigitByte).count
        guard digitCount < bytes.count else { return nil }
        let suffix = String(decoding: bytes.dropFirst(digitCount), as: UTF8.self)
        guard hourSuffixes.contains(suffix) else { return nil }
        return [String(decoding: bytes.prefix(digitCount), as: UTF8.self), "hour"]
    }

    private static let hourSuffixes: Set<String> = ["h", "hr", "hrs", "hour", "hours"]

    private static func americanSpelling(_ word: String) -> String {
        var bytes = Array(word.utf8)
        var changed = false
        for (british, american) in britishInfixes {
            changed = replaceFirst(&bytes, british, american) || changed
        }
        for (british, american) in britishPrefixes where bytes.starts(with: british) {
            bytes.replaceSubrange(0..<british.count, with: american)
            changed = true
            break
        }
        for (british, american) in britishSuffixes
        where bytes.count >= 7 && bytes.suffix(british.count).elementsEqual(british) {
            bytes.replaceSubrange((bytes.count - british.count)..., with: american)
            changed = true
            break
        }
        let result = changed ? String(decoding: bytes, as: UTF8.self) : word
        return britishWords[result] ?? result
    }

    /// Replaces the first occurrence of `target` in `bytes` and returns whether there was one.
    private static func replaceFirst(_ bytes: inout [UInt8], _ target: [UInt8], _ replacement: [UInt8]) -> Bool {
        guard bytes.count >= target.count else { return false }
        for start in 0...(bytes.count - target.count) where bytes[start] == target[0] {
            if bytes[start..<(start + target.count)].elementsEqual(target) {
                bytes.replaceSubrange(start..<(start + target.count), with: replacement)
                return true
            }
        }
        return false
    }

    /// Returns the singular of a plural word such as `neutrophils`, `lymphs` or `antibodies`. Words of three
    /// letters or fewer and words ending in `ss`, `us` or `is` stay as they are.
    private static func singular(_ word: String) -> String {
        let bytes = word.utf8
        guard bytes.count >= 4, bytes.last == UInt8(ascii: "s") else { return word }
        let beforeLast = bytes[bytes.index(bytes.endIndex, offsetBy: -2)]
        guard beforeLast != UInt8(ascii: "s"), beforeLast != UInt8(ascii: "u"), beforeLast != UInt8(ascii: "i") else {
            return word
        }
        if bytes.count >= 5 && word.hasSuffix("ies") { return word.dropLast(3) + "y" }
        return String(word.dropLast())
    }

    private static let britishInfixes: [([UInt8], [UInt8])] = [
        (Array("haem".utf8), Array("hem".utf8)), (Array("sulph".utf8), Array("sulf".utf8)),
        (Array("aemia".utf8), Array("emia".utf8)),
    ]

    private static let britishPrefixes: [([UInt8], [UInt8])] = [
        ("oestr", "estr"), ("oedem", "edem"), ("leuco", "leuko"), ("caerul", "cerul"), ("foet", "fet"),
        ("paed", "ped"), ("faec", "fec"), ("coeliac", "celiac"), ("oesoph", "esoph"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static let britishSuffixes: [([UInt8], [UInt8])] = [
        ("trophin", "tropin"), ("trophic", "tropic"), ("isation", "ization"), ("ising", "izing"), ("ised", "ized"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static let britishWords: [String: String] = [
        "tumour": "tumor", "colour": "color", "litre": "liter", "litres": "liters", "aluminium": "aluminum",
        "glycosylated": "glycated", "glycosolated": "glycated", "anaemia": "anemia",
    ]

    /// Words that start with "non" but are not "non" + another word.
    private static let nonWords: Set<String> = ["nonane", "nonanoic"]

    /// Whole words that stand for several words.
    private static let compoundWords: [String: [String]] = [
        "hba1c": ["hemoglobin", "a1c"], "hgba1c": ["hemoglobin", "a1c"], "hba1": ["hemoglobin", "a1"],
        "ft4": ["free", "t4"], "ft3": ["free", "t3"], "hs": ["high", "sensitivity"],
        "hscrp": ["high", "sensitivity", "crp"], "dheas": ["dhea", "sulfate"], "apoa": ["apo", "a"],
        "apob": ["apo", "b"], "vitd": ["vitamin", "d"], "hydroxyvitamin": ["hydroxy", "vitamin"],
        "dihydroxyvitamin": ["dihydroxy", "vitamin"],
    ]

    /// Abbreviations and variant spellings, looked up after the plural is removed.
    private static let abbreviations: [String: [String]] = {
        var table: [String: [String]] = [:]
        let groups: [(String, [String])] = [
            ("hemoglobin", ["hgb", "hb"]), ("hematocrit", ["hct"]), ("cholesterol", ["chol", "choles", "cholest"]),
            ("triglyceride", ["trig", "trigly", "triglyc"]),
            ("lymphocyte", ["lymph", "lym", "lympho", "lymphocyt"]), ("monocyte", ["mono", "monocyt"]),
            ("eosinophil", ["eo", "eos", "eosin", "eosino"]), ("basophil", ["baso"]),
            ("neutrophil", ["neut", "neutro", "neutrophile"]), ("granulocyte", ["gran"]),
            ("platelet", ["plt", "plat"]), ("reticulocyte", ["retic"]), ("absolute", ["abs", "absol", "abso"]),
            ("antibody", ["ab"]), ("antigen", ["ag"]), ("bilirubin", ["bili"]),
            ("creatinine", ["creat", "creatinin", "crea", "cr", "crt"]), ("protein", ["prot"]),
            ("albumin", ["alb"]), ("globulin", ["glob"]), ("glucose", ["glu", "gluc"]), ("alkaline", ["alk"]),
            ("vitamin", ["vit"]), ("saturation", ["sat"]), ("total", ["tot", "ttl"]),
            ("calculated", ["calc", "calcd", "calculation"]), ("estimated", ["est", "estim"]),
            ("average", ["avg"]), ("concentration", ["conc"]), ("hour", ["hr", "hrs"]),
            ("sedimentation", ["sed"]), ("direct", ["dir"]), ("indirect", ["indir", "ind"]),
            ("quantitative", ["quant", "qn", "qnt", "quan"]), ("qualitative", ["qual", "ql"]),
            ("high", ["highly"]), ("sensitivity", ["sensitive", "sens"]), ("sulfate", ["so4"]),
            ("microalbumin", ["microalb"]), ("percent", ["pct"]), ("molar", ["mole"]), ("hydroxy", ["oh"]),
            ("level", ["lvl"]), ("urine", ["ur"]),
        ]
        for (word, variants) in groups {
            for variant in variants { table[variant] = [word] }
        }
        return table
    }()

    // MARK: - Phrases

    private static func applyPhrases(_ words: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(words.count)
        var index = 0
        while index < words.count {
            let word = words[index]
            let next = index + 1 < words.count ? words[index + 1] : nil
            let afterNext = index + 2 < words.count ? words[index + 2] : nil

            // "red blood cell", "red cell", "white blood cell", "white cell" are the RBC and WBC counts.
            if word == "red" || word == "white", next == "blood" || next == "cell" {
                result.append(word == "red" ? "rbc" : "wbc")
                index += (next == "blood" && afterNext == "cell") ? 3 : 2
                continue
            }

            // "HDL-C" and "LDL-C" are the cholesterol in those lipoproteins.
            if word == "c", let previous = result.last, lipoproteinWords.contains(previous) {
                result.append("cholesterol")
                index += 1
                continue
            }
            if let previous = result.last, previous == "dhea", word == "s" {
                result.append("sulfate")
                index += 1
                continue
            }

            let number = romanNumerals[word] ?? word

            // A short letter code followed by a number is one code: "CA 125", "T-4", "IL-6", "Apo A-I". A number
            // before "hydroxy" is a position instead, as in "Vitamin D 25-OH".
            if let previous = result.last, isDigits(number), number.utf8.count <= 3, previous.utf8.count <= 3,
                isLetters(previous), !fillerWords.contains(previous), !positionWords.contains(next ?? "")
            {
                result[result.count - 1] = previous + number
                index += 1
                continue
            }
            result.append(number)
            index += 1
        }
        return result
    }

    private static let lipoproteinWords: Set<String> = ["hdl", "ldl", "vldl"]

    /// Words after which a number is a chemical position, not part of a code.
    private static let positionWords: Set<String> = ["hydroxy", "dihydroxy"]

    private static let romanNumerals: [String: String] = [
        "i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
        "x": "10", "xi": "11", "xii": "12", "xiii": "13",
    ]

    // MARK: - Specimen and filler words

    /// Removes specimen names (serum, plasma, blood), specimen letters at the end ("Glucose, S") and filler words.
    /// "Blood" stays where it is the analyte, as in "urine blood" or "occult blood".
    private static func removeFillerWords(_ words: [String]) -> [String] {
        let bloodIsAnalyte = words.contains { bloodContextWords.contains($0) }
        var result = words.filter { word in
            if fillerWords.contains(word) || specimenWords.contains(word) { return false }
            if bloodWords.contains(word) { return bloodIsAnalyte }
            return true
        }

        while result.count > 1, let last = result.last, trailingSpecimenLetters.contains(last) {
            let previous = result[result.count - 2]
            if last == "s" && previous == "protein" { break }
            if last == "p" && particleWords.contains(previous) { break }
            result.removeLast()
        }
        if result.count > 1, let last = result.last, last == "u" || last == "urn" {
            result[result.count - 1] = "urine"
        }
        return result
    }

    private static let fillerWords: Set<String> = [
        "of", "in", "by", "the", "for", "or", "and", "with", "w", "per", "if", "on", "at", "to", "from", "as", "an",
        "vs", "via", ",",
    ]

    private static let specimenWords: Set<String> = [
        "serum", "sera", "plasma", "ser", "plas", "venous", "arterial", "capillary", "specimen", "sample",
    ]

    private static let bloodWords: Set<String> = ["blood", "bld", "wb", "whole"]

    private static let bloodContextWords: Set<String> = [
        "urine", "occult", "dipstick", "ua", "urinalysis", "stool", "fecal", "feces",
    ]

    private static let trailingSpecimenLetters: Set<String> = ["s", "p", "pl", "bl"]

    /// Words after which a final "p" is part of the name: "LDL-P" (particle number), "Protein P".
    private static let particleWords: Set<String> = ["ldl", "hdl", "protein"]

    // MARK: - Character classes

    private static func isLetterOrDigit(_ value: UInt32) -> Bool {
        (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || isDigit(value)
    }

    private static func isLetter(_ value: UInt32) -> Bool {
        (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
    }

    private static func isDigit(_ value: UInt32) -> Bool {
        value >= 0x30 && value <= 0x39
    }

    private static func isLetterOrDigitByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || isDigitByte(byte)
    }

    private static func isDigitByte(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
    }

    private static func isDigits(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy(isDigitByte)
    }

    private static func isLetters(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }
    }
}
