// The lookup structures behind LabCatalog.match, built once from the catalog's tests. They are the exact keys of
// every alias, the vocabulary of alias words with their weights, each alias as word ids and letter trigrams, and
// posting lists from words and trigrams to the aliases that contain them. Building them also finds aliases that
// two tests share.

/// Precomputed, read-only structures for matching test names.
struct LabMatchIndex: Sendable {
    /// One name or synonym of a test, as word ids with their weights.
    struct Alias: Sendable {
        let test: Int
        let words: [Int32]
        let weights: [Double]
        let totalWeight: Double
        let trigramCount: Int
    }

    /// Words that describe a method or add nothing, such as "total", "level", "LC/MS", and "mass" and "volume" from
    /// LOINC names like "Glucose [Mass/volume]". They weigh a quarter of a normal word, and keys without them find
    /// "Testosterone, Total, LC/MS" under "testosterone". A word's normal weight is 1 + ln(tests / tests using it).
    static let weakWords: Set<String> = [
        "total", "level", "value", "result", "quantitative", "random", "test", "assay", "screen", "automated", "auto",
        "activity", "nih", "lc", "ms", "msms", "lcms", "hplc", "tms", "ria", "icma", "cia", "clia",
        "ecl", "eclia", "eia", "elisa", "ia", "immunoassay", "turbidimetric", "turb", "nephelometric", "ise",
        "enzymatic", "colorimetric", "measurement", "timepoint", "reflex", "repeat", "confirmation", "volume", "mass",
        "presence",
    ]

    /// Keys of the whole alias: its words in order, and its distinct words sorted.
    let exactKeys: [String: [Int]]
    /// The same keys with weak words removed.
    let methodFreeKeys: [String: [Int]]
    let aliases: [Alias]
    let vocabulary: [String: Int32]
    let vocabularyBytes: [[UInt8]]
    let wordWeights: [Double]
    /// Word ids grouped by their first byte, for fuzzy lookups of words that are not in the vocabulary.
    let wordsByInitial: [UInt8: [Int32]]
    /// For each word id, the aliases that contain it.
    let postings: [[Int32]]
    let trigramPostings: [UInt32: [Int32]]
    /// For each word id, the tests whose aliases contain it.
    let testsOfWord: [[Int32]]
    /// For each word id, whether it is one of `weakWords`.
    let isWeak: [Bool]
    let units: [LabTestUnits]

    init(tests: [LabTest]) throws(LabCatalogError) {
        let aliasTokens = try LabMatchIndex.collectAliases(tests)
        (exactKeys, methodFreeKeys) = try LabMatchIndex.buildKeys(tests: tests, aliases: aliasTokens)

        let (words, testsPerWord) = LabMatchIndex.buildVocabulary(aliasTokens)
        var vocabulary: [String: Int32] = [:]
        for (index, word) in words.enumerated() { vocabulary[word] = Int32(index) }
        let testCount = Double(max(tests.count, 1))
        let wordWeights = words.indices.map { index -> Double in
            let idf = LabMatchIndex.naturalLog(testCount / Double(testsPerWord[index].count)) + 1
            return LabMatchIndex.weakWords.contains(words[index]) ? idf * 0.25 : idf
        }

        // Aliases as word ids, with posting lists from words and trigrams.
        var aliases: [Alias] = []
        var postings = [[Int32]](repeating: [], count: words.count)
        var trigramPostings: [UInt32: [Int32]] = [:]
        for alias in aliasTokens {
            var ids: [Int32] = []
            for token in alias.tokens where !ids.contains(vocabulary[token]!) { ids.append(vocabulary[token]!) }
            let aliasIndex = Int32(aliases.count)
            for id in ids { postings[Int(id)].append(aliasIndex) }
            let trigrams = LabMatchIndex.trigrams(of: alias.tokens)
            for trigram in trigrams { trigramPostings[trigram, default: []].append(aliasIndex) }
            let weights = ids.map { wordWeights[Int($0)] }
            aliases.append(
                Alias(
                    test: alias.test, words: ids, weights: weights, totalWeight: weights.reduce(0, +),
                    trigramCount: trigrams.count))
        }

        var wordsByInitial: [UInt8: [Int32]] = [:]
        for (index, word) in words.enumerated() {
            wordsByInitial[word.utf8.first!, default: []].append(Int32(index))
        }

        self.aliases = aliases
        self.vocabulary = vocabulary
        self.vocabularyBytes = words.map { Array($0.utf8) }
        self.wordWeights = wordWeights
        self.wordsByInitial = wordsByInitial
        self.postings = postings
        self.trigramPostings = trigramPostings
        self.testsOfWord = testsPerWord.map { $0.sorted().map(Int32.init) }
        self.isWeak = words.map { LabMatchIndex.weakWords.contains($0) }
        self.units = tests.map(LabTestUnits.init)
    }

    /// Collects the distinct alias words in order of first use, with the tests whose aliases use each word.
    private static func buildVocabulary(_ aliases: [AliasTokens]) -> (words: [String], tests: [Set<Int>]) {
        var indexOfWord: [String: Int] = [:]
        var words: [String] = []
        var testsPerWord: [Set<Int>] = []
        for alias in aliases {
            for token in alias.tokens {
                let index: Int
                if let known = indexOfWord[token] {
                    index = known
                } else {
                    index = words.count
                    indexOfWord[token] = index
                    words.append(token)
                    testsPerWord.append([])
                }
                testsPerWord[index].insert(alias.test)
            }
        }
        return (words, testsPerWord)
    }

    // MARK: - Aliases and keys

    private struct AliasTokens {
        let test: Int
        let text: String
        let tokens: [String]
    }

    /// Normalizes every distinct alias of every test into tokens. A later row of a property group also gets the
    /// name and synonyms of the group's first row.
    private static func collectAliases(_ tests: [LabTest]) throws(LabCatalogError) -> [AliasTokens] {
        var primaryOfGroup: [String: Int] = [:]
        for (index, test) in tests.enumerated() {
            if let group = test.group, primaryOfGroup[group] == nil { primaryOfGroup[group] = index }
        }

        var result: [AliasTokens] = []
        for (index, test) in tests.enumerated() {
            var texts = [test.name] + test.synonyms
            if let group = test.group, let primary = primaryOfGroup[group], primary != index {
                texts += [tests[primary].name] + tests[primary].synonyms
            }
            var seen: Set<String> = []
            for text in texts {
                let tokens = LabNameNormalizer.tokens(of: text)
                guard !tokens.isEmpty else {
                    throw LabCatalogError(
                        kind: .invalidValue, line: test.line,
                        message: "synonym \"\(text)\" of \(test.code) has no words left after normalization",
                        codes: [test.code])
                }
                guard seen.insert(tokens.joined(separator: " ")).inserted else { continue }
                result.append(AliasTokens(test: index, text: text, tokens: tokens))
            }
        }
        return result
    }

    /// Builds the exact and method-free key tables. Throws when a key leads to two tests outside one property
    /// group.
    private static func buildKeys(
        tests: [LabTest], aliases: [AliasTokens]
    ) throws(LabCatalogError) -> (exact: [String: [Int]], methodFree: [String: [Int]]) {
        var exact: [String: [Int]] = [:]
        var methodFree: [String: [Int]] = [:]
        var firstAlias: [String: AliasTokens] = [:]

        func register(_ key: String, table: inout [String: [Int]], prefix: String, alias: AliasTokens)
            throws(LabCatalogError)
        {
            let ownerKey = prefix + key
            guard var owners = table[key] else {
                table[key] = [alias.test]
                firstAlias[ownerKey] = alias
                return
            }
            guard !owners.contains(alias.test) else { return }
            for other in owners where !inSameGroup(tests[other], tests[alias.test]) {
                let otherAlias = firstAlias[ownerKey]!
                let later = tests[alias.test]
                let earlier = tests[other]
                throw LabCatalogError(
                    kind: .aliasCollision, line: later.line,
                    message: "alias \"\(alias.text)\" of \(later.code) \(later.name) and alias \"\(otherAlias.text)\" "
                        + "of \(earlier.code) \(earlier.name) (line \(earlier.line)) both normalize to \"\(key)\"; "
                        + "remove it from one test or put both tests in one property group",
                    codes: [earlier.code, later.code])
            }
            owners.append(alias.test)
            table[key] = owners
        }

        for alias in aliases {
            try register(alias.tokens.joined(separator: " "), table: &exact, prefix: "e", alias: alias)
            try register(sortedKey(alias.tokens), table: &exact, prefix: "e", alias: alias)
            let strong = alias.tokens.filter { !weakWords.contains($0) }
            guard !strong.isEmpty else { continue }
            try register(strong.joined(separator: " "), table: &methodFree, prefix: "m", alias: alias)
            try register(sortedKey(strong), table: &methodFree, prefix: "m", alias: alias)
        }
        return (exact, methodFree)
    }

    private static func inSameGroup(_ first: LabTest, _ second: LabTest) -> Bool {
        guard let group = first.group else { return false }
        return group == second.group
    }

    /// Returns the distinct tokens sorted and joined, so that word order does not matter.
    static func sortedKey(_ tokens: [String]) -> String {
        Set(tokens).sorted().joined(separator: " ")
    }

    // MARK: - Trigrams and logarithm

    /// Returns the letter trigrams of each token padded with `^` and `$`, as packed integers, without duplicates.
    static func trigrams(of tokens: [String]) -> Set<UInt32> {
        var result: Set<UInt32> = []
        for token in tokens {
            let bytes = [UInt8(ascii: "^")] + Array(token.utf8) + [UInt8(ascii: "$")]
            guard bytes.count >= 3 else { continue }
            for start in 0...(bytes.count - 3) {
                result.insert(UInt32(bytes[start]) << 16 | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]))
            }
        }
        return result
    }

    /// Computes the natural logarithm of a positive finite `x` from its binary exponent and an atanh series for the
    /// mantissa, because HealthDomain does not link the C math library.
    static func naturalLog(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "naturalLog needs a positive finite argument")
        let exponent = Double(x.exponent)
        let mantissa = x.significand  // in [1, 2)
        let ratio = (mantissa - 1) / (mantissa + 1)
        let square = ratio * ratio
        var term = ratio
        var sum = 0.0
        var denominator = 1.0
        for _ in 0..<30 {
            sum += term / denominator
            term *= square
            denominator += 2
        }
        return 2 * sum + exponent * 0.693_147_180_559_945_3
    }
}

/// The parsed canonical and conversion units of one test, for judging whether a reported unit fits it.
struct LabTestUnits: Sendable {
    let canonical: LabUnit?
    let canonicalSpelling: String
    let conversions: [LabUnit]
    let conversionSpellings: [String]
    let isQualitative: Bool

    init(_ test: LabTest) {
        canonical = LabUnit.parse(test.unit)
        canonicalSpelling = LabUnit.clean(test.unit)
        conversions = test.conversions.compactMap { LabUnit.parse($0.unit) }
        conversionSpellings = test.conversions.map { LabUnit.clean($0.unit) }
        isQualitative = test.unit.isEmpty
    }
}
