// The values of an Observation and of its components: quantities for vital signs, and for lab results the value
// as text (numbers as written with any comparator, qualitative values as their text) with the reference range.

import Foundation
import HealthDomain

extension FHIRObservationReader {
    /// One vital-sign quantity of an Observation, or of one of its components.
    struct VitalMeasurement: Equatable {
        /// The LOINC code, used as the record's metric.
        var code: String
        var value: Double
        var unit: String
        /// The component's code, appended to the Observation id as `#code`; nil for the Observation's own value.
        var idSuffix: String?
    }

    /// One lab result of an Observation, or of one of its components.
    struct LabResult: Equatable {
        var test: String
        var code: String?
        var valueText: String
        var unit: String
        var range: ReferenceRange
        var idSuffix: String?
    }

    /// The first `referenceRange` of an Observation or component. Later ranges, which apply to other populations
    /// (`appliesTo`, `age`), are not read.
    struct ReferenceRange: Equatable {
        var low: Double?
        var high: Double?
        var text: String?
    }

    // MARK: - Vital signs

    /// Returns the quantities of a vital-sign Observation: one per usable component (a blood-pressure panel has
    /// systolic and diastolic), plus its own value when it has one or has no components. Counts or rejects the rest.
    func vitalMeasurements(
        of observation: FHIRJSON, context: FHIRResourceContext, into result: inout FHIRImport
    ) -> [VitalMeasurement] {
        var measurements: [VitalMeasurement] = []
        let components = observation["component"]?.elements ?? []
        for component in components {
            guard
                let (value, unit) = vitalQuantity(
                    of: component, what: "vital-signs component", observation: observation, context: context,
                    into: &result),
                let code = vitalCode(of: component["code"], isComponent: true, into: &result)
            else { continue }
            measurements.append(VitalMeasurement(code: code, value: value, unit: unit, idSuffix: code))
        }
        guard components.isEmpty || Self.valueElement(of: observation) != nil else { return measurements }

        guard
            let (value, unit) = vitalQuantity(
                of: observation, what: "vital-signs observation", observation: observation, context: context,
                into: &result)
        else { return measurements }
        guard let code = vitalCode(of: observation["code"], isComponent: false, into: &result) else {
            if FHIRCoding.loincCodes(of: observation["code"]).isEmpty {
                let codings = FHIRCoding.describeCodings(of: observation["code"])
                reject(
                    observation, context: context, reason: "vital sign without a LOINC code (\(codings))", into: &result
                )
            }
            return measurements
        }
        measurements.append(VitalMeasurement(code: code, value: value, unit: unit, idSuffix: nil))
        return measurements
    }

    /// Returns the LOINC code to record a vital under: the first LOINC coding, or with a catalog the first that the
    /// catalog contains. Returns nil when there is none, and counts as skipped a component without a LOINC code and a
    /// code missing from the catalog.
    private func vitalCode(of concept: FHIRJSON?, isComponent: Bool, into result: inout FHIRImport) -> String? {
        let codes = FHIRCoding.loincCodes(of: concept)
        guard let first = codes.first else {
            if isComponent {
                result.skip("vital-signs component without a LOINC code")
            }
            return nil
        }
        guard let catalog else { return first }
        if let known = codes.first(where: { catalog.metric(named: $0) != nil }) {
            return known
        }
        result.skip("vital-signs \(isComponent ? "component " : "")code \(first) is not in the vitals catalog")
        return nil
    }

    /// Returns the valueQuantity of an Observation or component as a number and unit. Other value types, missing values
    /// and censored values (with a comparator) are counted as skipped; a value that is not a number is rejected.
    private func vitalQuantity(
        of element: FHIRJSON, what: String, observation: FHIRJSON, context: FHIRResourceContext,
        into result: inout FHIRImport
    ) -> (Double, String)? {
        guard let (kind, quantity) = Self.valueElement(of: element) else {
            result.skip(Self.noValueReason(element, what: what))
            return nil
        }
        guard kind == "valueQuantity" else {
            result.skip("vital-signs value is \(kind), not a quantity")
            return nil
        }
        guard let number = quantity["value"] else {
            result.skip(Self.noValueReason(element, what: what))
            return nil
        }
        guard let value = number.doubleValue else {
            let problem = number.numberText.map { "\($0) is out of range" } ?? "is \(number.typeName), not a number"
            reject(observation, context: context, reason: "\(what): valueQuantity.value \(problem)", into: &result)
            return nil
        }
        if let comparator = quantity["comparator"]?.stringValue {
            // A vital record stores a plain number, so a censored value such as <30 cannot be stored as one.
            result.skip("vital-signs value with comparator \(comparator)")
            return nil
        }
        return (value, FHIRCoding.unit(of: quantity))
    }

    // MARK: - Laboratory

    /// Returns the results of a laboratory Observation: one per usable component, plus its own value when it has one or
    /// has no components. Counts or rejects the rest.
    func labResults(
        of observation: FHIRJSON, context: FHIRResourceContext, into result: inout FHIRImport
    ) -> [LabResult] {
        var results: [LabResult] = []
        let components = observation["component"]?.elements ?? []
        for component in components {
            let code = FHIRCoding.loincCodes(of: component["code"]).first
            guard let test = Self.testName(of: component["code"], loincCode: code) else {
                result.skip("laboratory component without a code")
                continue
            }
            guard
                let (valueText, unit) = labValue(
                    of: component, what: "laboratory component", observation: observation, context: context,
                    into: &result)
            else { continue }
            let suffix = code ?? component["code"]?["coding"]?.elements.first?["code"]?.stringValue ?? test
            results.append(
                LabResult(
                    test: test, code: code, valueText: valueText, unit: unit,
                    range: Self.referenceRange(of: component), idSuffix: suffix))
        }
        guard components.isEmpty || Self.valueElement(of: observation) != nil else { return results }

        let code = FHIRCoding.loincCodes(of: observation["code"]).first
        guard let test = Self.testName(of: observation["code"], loincCode: code) else {
            reject(
                observation, context: context, reason: "laboratory result without a code or test name", into: &result)
            return results
        }
        if let (valueText, unit) = labValue(
            of: observation, what: "laboratory result", observation: observation, context: context, into: &result)
        {
            results.append(
                LabResult(
                    test: test, code: code, valueText: valueText, unit: unit,
                    range: Self.referenceRange(of: observation), idSuffix: nil))
        }
        return results
    }

    /// Returns the value of a lab result as text, with its unit. A quantity keeps its number as written, after its
    /// comparator (`<0.5`). A coded value gives its text, else its display, else its code. A ratio is written
    /// `numerator:denominator` (`1:80`).
    ///
    /// Counts as skipped a missing value and the value types that have no single value (valueRange,
    /// valueSampledData, valuePeriod, valueTime, valueDateTime). Rejects a quantity whose value is not a number.
    private func labValue(
        of element: FHIRJSON, what: String, observation: FHIRJSON, context: FHIRResourceContext,
        into result: inout FHIRImport
    ) -> (String, String)? {
        guard let (kind, value) = Self.valueElement(of: element) else {
            result.skip(Self.noValueReason(element, what: what))
            return nil
        }
        let text: String?
        var unit = ""
        switch kind {
        case "valueQuantity":
            guard let number = value["value"] else {
                result.skip(Self.noValueReason(element, what: what))
                return nil
            }
            guard let numberText = number.numberText else {
                let reason = "\(what): valueQuantity.value is \(number.typeName), not a number"
                reject(observation, context: context, reason: reason, into: &result)
                return nil
            }
            text = (value["comparator"]?.stringValue ?? "") + numberText
            unit = FHIRCoding.unit(of: value)
        case "valueString":
            text = value.stringValue.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        case "valueCodeableConcept":
            text = FHIRCoding.name(of: value)
        case "valueInteger":
            text = value.numberText
        case "valueBoolean":
            text = value == .bool(true) ? "true" : value == .bool(false) ? "false" : nil
        case "valueRatio":
            let numerator = value["numerator"]?["value"]?.numberText
            let denominator = value["denominator"]?["value"]?.numberText
            text = numerator.flatMap { top in denominator.map { top + ":" + $0 } }
        default:
            result.skip("laboratory value is \(kind), which has no single value")
            return nil
        }
        guard let text, !text.isEmpty else {
            result.skip("\(what) with an empty or unreadable \(kind)")
            return nil
        }
        return (text, unit)
    }

    /// Returns the test name as printed: `code.text`, else the LOINC coding's display, else another coding's display or
    /// code. Zero-width characters, which some LOINC displays contain, are removed.
    static func testName(of concept: FHIRJSON?, loincCode: String?) -> String? {
        let candidates = [
            concept?["text"]?.stringValue, loincCode.flatMap { FHIRCoding.loincDisplay(of: concept, code: $0) },
            FHIRCoding.name(of: concept),
        ]
        for candidate in candidates {
            let cleaned = candidate.map(Self.removingInvisibleCharacters) ?? ""
            if !cleaned.isEmpty {
                return cleaned
            }
        }
        return nil
    }

    static func referenceRange(of element: FHIRJSON) -> ReferenceRange {
        guard let range = element["referenceRange"]?.elements.first else { return ReferenceRange() }
        return ReferenceRange(
            low: range["low"]?["value"]?.doubleValue, high: range["high"]?["value"]?.doubleValue,
            text: FHIRCoding.nonEmpty(range["text"]?.stringValue))
    }

    // MARK: - Shared

    /// Returns the `value[x]` element of an Observation or component, with its element name such as `valueQuantity`.
    static func valueElement(of element: FHIRJSON) -> (String, FHIRJSON)? {
        guard case .object(let members) = element else { return nil }
        return members.first { $0.key.hasPrefix("value") }.map { ($0.key, $0.value) }
    }

    /// `<what> without a value`, with the code of `dataAbsentReason` when the source gives one.
    static func noValueReason(_ element: FHIRJSON, what: String) -> String {
        let absent = element["dataAbsentReason"]
        guard let reason = absent?["coding"]?.elements.first?["code"]?.stringValue ?? absent?["text"]?.stringValue
        else { return "\(what) without a value" }
        return "\(what) without a value (dataAbsentReason \(reason))"
    }

    private static func removingInvisibleCharacters(_ text: String) -> String {
        let invisible: Set<Unicode.Scalar> = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}"]
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter { !invisible.contains($0) })
        return String(scalars).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
