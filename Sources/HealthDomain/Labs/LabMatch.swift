// The outcome of matching a free-text test name (and unit) against the lab catalog.

/// A catalog test with the confidence, from 0 to 1, that a name refers to it.
public struct LabCandidate: Sendable, Equatable {
    public let test: LabTest
    public let confidence: Double

    public init(test: LabTest, confidence: Double) {
        self.test = test
        self.confidence = confidence
    }
}

/// The result of `LabCatalog.match(name:unit:)`: the best candidate, up to three runners-up, and whether the best
/// candidate is good enough to categorize the result.
public struct LabMatch: Sendable, Equatable {
    /// Confidence at or above which a match is accepted. Exact and synonym matches score 1, or 0.96 when only weak
    /// words such as "total" or "LC/MS" differ. Fuzzy matches score by weighted word overlap and letter trigrams.
    /// A unit that cannot describe the test multiplies the score by 0.6. At this threshold 99.1 % of the LabCorp
    /// compendium rows and 96.9 % of the ARUP report rows whose codes are in the catalog match correctly
    /// (LabMatcherAccuracyTests).
    public static let acceptanceThreshold = 0.7

    /// The name as submitted.
    public let name: String
    /// The unit as submitted, or nil.
    public let unit: String?
    /// The highest-scoring test. Nil when nothing is left of the name after normalization or no catalog test
    /// shares a word or a letter trigram with it.
    public let best: LabCandidate?
    /// The next-best tests, highest first, at most three, none of them the best test.
    public let runnersUp: [LabCandidate]

    public init(name: String, unit: String?, best: LabCandidate?, runnersUp: [LabCandidate]) {
        self.name = name
        self.unit = unit
        self.best = best
        self.runnersUp = runnersUp
    }

    /// Whether the best candidate reaches `acceptanceThreshold`.
    public var isAccepted: Bool {
        guard let best else { return false }
        return best.confidence >= LabMatch.acceptanceThreshold
    }

    /// The matched test when the match is accepted, else nil.
    public var test: LabTest? { isAccepted ? best?.test : nil }

    /// Reason for the rejection, naming the best candidates with their confidence, or nil when the match was
    /// accepted.
    public var rejectionReason: String? {
        guard !isAccepted else { return nil }
        let unitText = unit.map { " with unit \"\($0)\"" } ?? ""
        guard let best else {
            return "no catalog test resembles \"\(name)\"\(unitText); add the name as a synonym to the labs catalog"
        }
        let candidates = ([best] + runnersUp).map { candidate in
            "\(candidate.test.code) \(candidate.test.name) (\(LabMatch.formatConfidence(candidate.confidence)))"
        }
        return "\"\(name)\"\(unitText) matches no catalog test with confidence "
            + "\(LabMatch.formatConfidence(LabMatch.acceptanceThreshold)) or more; best candidates: "
            + candidates.joined(separator: ", ")
    }

    /// `value` with two decimals, such as `0.68`.
    static func formatConfidence(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
