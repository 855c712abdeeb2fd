// Scoring of a test name against the catalog. An exact key match scores 1 (0.96 when only weak words differ).
// Otherwise each candidate alias gets a weighted token-set similarity blended with the Dice coefficient of letter
// trigrams. In the token-set similarity rare words weigh more, and abbreviations and typos of catalog words count
// in part. The reported unit
// then scales the score: a unit of the test's canonical dimension adds 3 %, and a unit that cannot describe the
// test removes 40 %.

extension LabMatchIndex {
    /// Fit of a reported unit to a test.
    enum UnitFit {
        /// The unit has the dimension of the canonical unit.
        case native
        /// The unit converts through a catalog factor, such as mmol/L for a test kept in mg/dL.
        case convertible
        /// No unit, an unrecognized unit, or a qualitative test.
        case unknown
        /// A recognized unit that neither the canonical unit nor a factor covers.
        case incompatible

        var factor: Double {
            switch self {
            case .native: return 1.03
            case .convertible, .unknown: return 1
            case .incompatible: return 0.6
            }
        }
    }

    /// One distinct word of the submitted name: the vocabulary words it stands for, with a similarity each.
    struct InputWord {
        let matches: [(word: Int32, similarity: Double)]
        /// Weight of the word when no alias word matches it.
        let weight: Double
    }

    /// Weight of a submitted word that is not in the vocabulary. Weak words weigh 0.25. Codes and words of up to
    /// three letters ("E005", "RDL", "ES") weigh 0.5, because they usually label a lab or a method. Longer words
    /// ("dander", "solubility") weigh 2, because they usually name a different test. For comparison, a catalog
    /// word that an eighth of the tests use ("urine") weighs about 3.1.
    static func unknownWordWeight(_ word: String) -> Double {
        if weakWords.contains(word) { return 0.25 }
        let bytes = word.utf8
        if bytes.count <= 3 || bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) { return 0.5 }
        return 2
    }

    /// Share of the score that comes from the trigram Dice coefficient. The rest comes from word similarity.
    static let trigramShare = 0.2
    /// Aliases added as candidates for their trigram overlap alone, so that a name with few or no known words
    /// still gets candidates to report.
    static let trigramCandidateCount = 5
    /// Word-based candidate count below which the trigram candidates are added.
    static let trigramCandidateThreshold = 10

    /// Test indices with scores, best first. Ties keep catalog order, so a group's first row wins without a unit.
    func rank(name: String, unit: String?) -> [(test: Int, score: Double)] {
        let tokens = LabNameNormalizer.tokens(of: name)
        guard !tokens.isEmpty else { return [] }
        var scores = fuzzyScores(tokens)

        if let hits = exactKeys[tokens.joined(separator: " ")] ?? exactKeys[LabMatchIndex.sortedKey(tokens)] {
            for test in hits { scores[test] = 1 }
        } else {
            let strong = tokens.filter { !LabMatchIndex.weakWords.contains($0) }
            if !strong.isEmpty,
                let hits = methodFreeKeys[strong.joined(separator: " ")]
                    ?? methodFreeKeys[LabMatchIndex.sortedKey(strong)]
            {
                for test in hits { scores[test] = max(scores[test], 0.96) }
            }
        }

        let fit = UnitContext(unit)
        var ranked: [(test: Int, score: Double)] = []
        for (test, score) in scores.enumerated() where score > 0 {
            ranked.append((test, score * fit.fit(units[test]).factor))
        }
        return ranked.sorted { $0.score != $1.score ? $0.score > $1.score : $0.test < $1.test }
    }

    // MARK: - Fuzzy scores

    /// Scores every candidate alias and returns the best score of each test, indexed by test, with 0 for tests
    /// that share nothing with the name.
    private func fuzzyScores(_ tokens: [String]) -> [Double] {
        var distinct: [String] = []
        for token in tokens where !distinct.contains(token) { distinct.append(token) }
        let inputs = distinct.map(analyze)
        let sameTestBits = sameTestMatchBits(inputs)

        let inputTrigrams = LabMatchIndex.trigrams(of: distinct)
        var sharedTrigrams = [Int32](repeating: 0, count: aliases.count)
        for trigram in inputTrigrams {
            for alias in trigramPostings[trigram] ?? [] { sharedTrigrams[Int(alias)] += 1 }
        }

        // Candidates: aliases that contain a submitted word other than a weak one, and the best trigram overlaps.
        var isCandidate = [Bool](repeating: false, count: aliases.count)
        var candidates: [Int32] = []
        for input in inputs {
            for match in input.matches where !isWeak[Int(match.word)] {
                for alias in postings[Int(match.word)] where !isCandidate[Int(alias)] {
                    isCandidate[Int(alias)] = true
                    candidates.append(alias)
                }
            }
        }
        if candidates.count < LabMatchIndex.trigramCandidateThreshold {
            for alias in topTrigramAliases(sharedTrigrams, inputCount: inputTrigrams.count)
            where !isCandidate[Int(alias)] {
                isCandidate[Int(alias)] = true
                candidates.append(alias)
            }
        }

        var scores = [Double](repeating: 0, count: units.count)
        for candidate in candidates {
            let alias = aliases[Int(candidate)]
            let wordScore = wordSimilarity(alias, inputs, sameTestBits: sameTestBits[alias.test])
            let trigramScore =
                2 * Double(sharedTrigrams[Int(candidate)]) / Double(alias.trigramCount + inputTrigrams.count)
            let score = (1 - LabMatchIndex.trigramShare) * wordScore + LabMatchIndex.trigramShare * trigramScore
            scores[alias.test] = max(scores[alias.test], score)
        }
        return scores
    }

    /// For each test, one bit per (submitted word, vocabulary match) pair whose vocabulary word appears in some
    /// alias of the test. Bit `3 * i + k` stands for match `k` of submitted word `i`. Words after the tenth get no
    /// bits, so they count only against the alias they appear in.
    private func sameTestMatchBits(_ inputs: [InputWord]) -> [UInt32] {
        var bits = [UInt32](repeating: 0, count: units.count)
        for (inputIndex, input) in inputs.prefix(10).enumerated() {
            for (matchIndex, match) in input.matches.enumerated() {
                let bit = UInt32(1) << UInt32(3 * inputIndex + matchIndex)
                for test in testsOfWord[Int(match.word)] { bits[Int(test)] |= bit }
            }
        }
        return bits
    }

    /// Weighted similarity of the alias words and the submitted words, from 0 to 1. A submitted word found in
    /// another alias of the same test counts at 90 %, so "IgA, Immunoglobulin A" fits the test of "IgA" and
    /// "immunoglobulin A".
    private func wordSimilarity(_ alias: Alias, _ inputs: [InputWord], sameTestBits: UInt32) -> Double {
        var matchedAlias = 0.0
        for (position, word) in alias.words.enumerated() {
            var best = 0.0
            for input in inputs {
                for match in input.matches where match.word == word && match.similarity > best {
                    best = match.similarity
                }
            }
            matchedAlias += alias.weights[position] * best
        }

        var matchedInput = 0.0
        var inputWeight = 0.0
        for (inputIndex, input) in inputs.enumerated() {
            var bestSimilarity = 0.0
            var weight = input.weight
            for (matchIndex, match) in input.matches.enumerated() {
                var similarity = 0.0
                if alias.words.contains(match.word) {
                    similarity = match.similarity
                } else if inputIndex < 10, sameTestBits & (UInt32(1) << UInt32(3 * inputIndex + matchIndex)) != 0 {
                    similarity = match.similarity * 0.9
                }
                if similarity > bestSimilarity {
                    bestSimilarity = similarity
                    weight = wordWeights[Int(match.word)]
                }
            }
            matchedInput += bestSimilarity * weight
            inputWeight += weight
        }
        return (matchedAlias + matchedInput) / (alias.totalWeight + inputWeight)
    }

    private func topTrigramAliases(_ shared: [Int32], inputCount: Int) -> [Int32] {
        var best: [(alias: Int32, dice: Double)] = []
        for (index, count) in shared.enumerated() where count > 0 {
            let dice = 2 * Double(count) / Double(aliases[index].trigramCount + inputCount)
            guard best.count < LabMatchIndex.trigramCandidateCount || dice > best[best.count - 1].dice else {
                continue
            }
            best.append((Int32(index), dice))
            best.sort { $0.dice > $1.dice }
            if best.count > LabMatchIndex.trigramCandidateCount { best.removeLast() }
        }
        return best.map(\.alias)
    }

    // MARK: - Words outside the vocabulary

    /// Finds the vocabulary words a submitted word stands for. A known word stands for itself. Otherwise it stands
    /// for catalog words it abbreviates ("testost"), that abbreviate it, or that it misspells ("distrubution").
    private func analyze(_ token: String) -> InputWord {
        if let id = vocabulary[token] {
            return InputWord(matches: [(id, 1)], weight: wordWeights[Int(id)])
        }
        let bytes = Array(token.utf8)
        var matches: [(word: Int32, similarity: Double)] = []
        for id in wordsByInitial[bytes[0]] ?? [] {
            let similarity = LabMatchIndex.wordSimilarity(bytes, vocabularyBytes[Int(id)])
            if similarity >= 0.75 { matches.append((id, similarity)) }
        }
        matches.sort { $0.similarity > $1.similarity }
        return InputWord(matches: Array(matches.prefix(3)), weight: LabMatchIndex.unknownWordWeight(token))
    }

    /// Rates how close a word outside the vocabulary is to a vocabulary word. When one is a prefix of the other,
    /// the score is 0.75 to 0.95, higher for longer shared prefixes. One edit in words of five letters or more
    /// scores 0.9, two edits in words of nine or more score 0.8, and anything else scores 0.
    static func wordSimilarity(_ word: [UInt8], _ known: [UInt8]) -> Double {
        let shorter = min(word.count, known.count)
        let longer = max(word.count, known.count)
        if word.count < known.count, word.count >= 3, known.starts(with: word) {
            return 0.75 + 0.2 * Double(shorter) / Double(longer)
        }
        if known.count < word.count, known.count >= 4, word.starts(with: known) {
            return 0.75 + 0.2 * Double(shorter) / Double(longer)
        }
        // A misspelling rarely changes the first two letters; requiring them keeps the edit-distance work small.
        guard shorter >= 5, longer - shorter <= 2, word[1] == known[1] else { return 0 }
        let distance = editDistance(word, known, limit: 2)
        if distance == 1 { return 0.9 }
        if distance == 2 && shorter >= 9 { return 0.8 }
        return 0
    }

    /// Optimal string alignment distance (edits, counting a swap of neighbors as one), or `limit + 1` when larger.
    static func editDistance(_ first: [UInt8], _ second: [UInt8], limit: Int) -> Int {
        if abs(first.count - second.count) > limit { return limit + 1 }
        var beforePrevious = [Int](repeating: 0, count: second.count + 1)
        var previous = Array(0...second.count)
        var current = [Int](repeating: 0, count: second.count + 1)
        for i in 1...first.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...second.count {
                let cost = first[i - 1] == second[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, first[i - 1] == second[j - 2], first[i - 2] == second[j - 1] {
                    value = min(value, beforePrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return min(previous[second.count], limit + 1)
    }

    // MARK: - Units

    /// A reported unit, parsed once per match.
    struct UnitContext {
        let spelling: String
        let parsed: LabUnit?

        init(_ unit: String?) {
            spelling = unit.map(LabUnit.clean) ?? ""
            parsed = spelling.isEmpty ? nil : LabUnit.parse(unit!)
        }

        func fit(_ test: LabTestUnits) -> UnitFit {
            if test.isQualitative || spelling.isEmpty { return .unknown }
            if spelling == test.canonicalSpelling { return .native }
            if test.conversionSpellings.contains(spelling) { return .convertible }
            guard let parsed else { return .unknown }
            if test.canonical?.dimension == parsed.dimension { return .native }
            if test.conversions.contains(where: { $0.dimension == parsed.dimension }) { return .convertible }
            return .incompatible
        }
    }
}
