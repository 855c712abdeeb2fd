// The error thrown when the lab catalog text is malformed or ambiguous.

/// A problem in the lab catalog text, with the line it was found on.
public struct LabCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The column header is missing or names other columns.
        case invalidHeader
        /// A row has the wrong number of columns or an empty required field.
        case malformedRow
        /// A code is not a LOINC code with a correct check digit.
        case invalidCode
        case duplicateCode
        /// A unit, number or conversion cannot be read.
        case invalidValue
        /// Aliases of two tests normalize to the same words, and the tests are not in one property group.
        case aliasCollision
        /// Two tests of one property group have canonical units of the same dimension.
        case ambiguousGroup
    }

    public let kind: Kind
    /// The 1-based line of the catalog text where the problem was found.
    public let line: Int
    public let message: String
    /// The LOINC codes involved: both tests of an alias collision or an ambiguous group, else the row's code.
    public let codes: [String]

    public init(kind: Kind, line: Int, message: String, codes: [String] = []) {
        self.kind = kind
        self.line = line
        self.message = message
        self.codes = codes
    }

    public var description: String { "labs catalog line \(line): \(message)" }
}
