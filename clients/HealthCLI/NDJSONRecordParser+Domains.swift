// Parsing of the nutrition and lab lines that `health submit --domain nutrition|labs` reads, one object per line:
//
//     {"time": "2024-05-01T08:15:00+02:00", "meal": "breakfast", "food": "Porridge", "amount": "1 bowl",
//      "nutrients": {"energy": 300, "protein": 10.5}, "source": "my-app", "id": "p-1", "version": 1}
//
//     {"test": "HbA1c", "code": "4548-4", "value": "5.4", "unit": "%", "low": 4, "high": 5.6,
//      "time": "2024-05-01T08:30:00-04:00", "report": "r-17", "source": "clinic", "id": "r-17-1"}
//
// As for vitals, an unknown field fails the line.

import HealthDomain

extension NDJSONRecordParser {
    static let nutritionFields = ["time", "meal", "food", "amount", "nutrients", "source", "id", "version"]
    static let labFields = [
        "test", "code", "value", "unit", "low", "high", "range", "time", "report", "source", "id", "version",
    ]

    /// Parses one nutrition line; `time`, `food` and `nutrients` are required.
    static func parseNutrition(_ line: some StringProtocol) -> Result<NutritionRecord, LineJSONError> {
        parse(line, fields: nutritionFields, makeRecord: makeNutritionRecord)
    }

    /// Parses one lab line; `test`, `value`, `unit` and `time` are required.
    static func parseLab(_ line: some StringProtocol) -> Result<LabRecord, LineJSONError> {
        parse(line, fields: labFields, makeRecord: makeLabRecord)
    }

    // MARK: - Nutrition

    private static func makeNutritionRecord(_ object: [String: LineJSONValue]) throws(LineJSONError)
        -> NutritionRecord
    {
        let time = try timestamp(object, "time")
        let food = try string(object, "food", required: true) ?? ""
        guard !food.isEmpty else { throw LineJSONError("field \"food\" must not be empty") }
        let nutrients = try nutrientAmounts(object["nutrients"])
        return NutritionRecord(
            eatenMs: time.utcMs, offsetMinutes: time.offsetMinutes,
            meal: try string(object, "meal", required: false) ?? "",
            food: food, amount: try string(object, "amount", required: false) ?? "", nutrients: nutrients,
            source: try string(object, "source", required: false) ?? "",
            sourceRecordId: try string(object, "id", required: false), version: try version(object))
    }

    /// Reads `nutrients`: an object of name to amount (`{"protein": 12.5}`, in the name's unit or the catalog's
    /// canonical one) or an array of `{"nutrient": ..., "value": ..., "unit": ...}` objects with an optional unit.
    private static func nutrientAmounts(_ value: LineJSONValue?) throws(LineJSONError) -> [NutrientAmount] {
        let amounts: [NutrientAmount]
        switch value {
        case nil, .null?:
            throw LineJSONError("missing field \"nutrients\"")
        case .object(let members)?:
            amounts = try members.map { member throws(LineJSONError) in
                guard case .number(let number) = member.value else {
                    throw LineJSONError("nutrient \"\(member.name)\" must have a number as its amount")
                }
                return NutrientAmount(nutrient: member.name, value: number, unit: "")
            }
        case .array(let items)?:
            amounts = try items.enumerated().map { index, element throws(LineJSONError) in
                try nutrientAmount(element, position: index + 1)
            }
        default:
            throw LineJSONError(
                "field \"nutrients\" must be an object such as {\"protein\": 12.5} or an array of "
                    + "{\"nutrient\", \"value\", \"unit\"} objects")
        }
        guard !amounts.isEmpty else { throw LineJSONError("field \"nutrients\" must hold at least one nutrient") }
        return amounts
    }

    private static func nutrientAmount(_ value: LineJSONValue, position: Int) throws(LineJSONError) -> NutrientAmount {
        let label = "nutrients item \(position)"
        guard case .object(let members) = value else {
            throw LineJSONError("\(label) must be an object with nutrient, value and an optional unit")
        }
        let fields = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0.value) })
        if let unknown = fields.keys.sorted().first(where: { !["nutrient", "value", "unit"].contains($0) }) {
            throw LineJSONError("\(label) has the unknown field \"\(unknown)\" (expected nutrient, value, unit)")
        }
        guard case .string(let name)? = fields["nutrient"], !name.isEmpty else {
            throw LineJSONError("\(label) needs \"nutrient\", a non-empty string")
        }
        guard case .number(let number)? = fields["value"] else {
            throw LineJSONError("\(label) (\(name)) needs \"value\", a number")
        }
        var unit = ""
        switch fields["unit"] {
        case nil, .null?:
            break
        case .string(let text)?:
            unit = text
        default:
            throw LineJSONError("\(label) (\(name)): \"unit\" must be a string")
        }
        return NutrientAmount(nutrient: name, value: number, unit: unit)
    }

    // MARK: - Labs

    private static func makeLabRecord(_ object: [String: LineJSONValue]) throws(LineJSONError) -> LabRecord {
        let test = try string(object, "test", required: true) ?? ""
        guard !test.isEmpty else { throw LineJSONError("field \"test\" must not be empty") }
        let valueText: String
        switch object["value"] {
        case .string(let text)?:
            guard !text.isEmpty else { throw LineJSONError("field \"value\" must not be empty") }
            valueText = text
        case .number(let number)?:
            valueText = NumberFormatting.plain(number)
        case nil, .null?:
            throw LineJSONError("missing field \"value\"")
        default:
            throw LineJSONError("field \"value\" must be a string such as \"<0.5\" or a number")
        }
        let unit = try string(object, "unit", required: true) ?? ""
        let time = try timestamp(object, "time")
        return LabRecord(
            test: test, code: try string(object, "code", required: false), valueText: valueText, unit: unit,
            referenceLow: try number(object, "low"), referenceHigh: try number(object, "high"),
            referenceText: try string(object, "range", required: false), collectedMs: time.utcMs,
            offsetMinutes: time.offsetMinutes, reportId: try string(object, "report", required: false),
            source: try string(object, "source", required: false) ?? "",
            sourceRecordId: try string(object, "id", required: false), version: try version(object))
    }

    /// Returns the optional number field `name`.
    private static func number(_ object: [String: LineJSONValue], _ name: String) throws(LineJSONError) -> Double? {
        switch object[name] {
        case nil, .null?:
            return nil
        case .number(let value)?:
            return value
        default:
            throw LineJSONError("field \"\(name)\" must be a number; give a printed range as \"range\"")
        }
    }
}
