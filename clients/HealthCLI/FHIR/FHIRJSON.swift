// A parsed JSON value as the FHIR importer reads it. Numbers keep their text as written, because FHIR decimals
// carry their precision (`0.50` and `0.5` are different results), and lab values are stored as printed.

/// One JSON value of a FHIR resource.
enum FHIRJSON: Equatable, Sendable {
    case object([String: FHIRJSON])
    case array([FHIRJSON])
    case string(String)
    /// The number literal exactly as written in the file, such as `6.30` or `1e3`.
    case number(String)
    case bool(Bool)
    case null

    /// The member `key` of an object; nil for a missing member and for any value that is not an object.
    subscript(key: String) -> FHIRJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The elements of an array; empty for anything else, since FHIR repeats every list element as an array.
    var elements: [FHIRJSON] {
        guard case .array(let items) = self else { return [] }
        return items
    }

    var numberText: String? {
        guard case .number(let text) = self else { return nil }
        return text
    }

    /// The value of a number as a Double; nil for other values and for numbers beyond the range of a Double.
    var doubleValue: Double? {
        guard case .number(let text) = self, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The name of the JSON type, for messages such as `valueQuantity.value is a string, not a number`.
    var typeName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}
