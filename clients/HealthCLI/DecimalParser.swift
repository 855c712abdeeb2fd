// Parsing of decimal numbers such as `72`, `-0.5`, `0.00288` or `1.2e3` from bytes, without building a String
// for the common case.

enum DecimalParser {
    /// Exact powers of ten up to 1e22, the largest that a Double holds exactly.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent {
            value *= 10
        }
        return value
    }

    /// The finite value of `[sign] digits [. digits] [e [sign] digits]` (surrounding spaces allowed), correctly
    /// rounded. Nil for anything else, including `nan`, `inf`, hex, a decimal comma and values that overflow.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var start = 0
        var end = bytes.count
        while start < end && bytes[start] == 0x20 {
            start += 1
        }
        while end > start && bytes[end - 1] == 0x20 {
            end -= 1
        }
        guard start < end else { return nil }

        var index = start
        let negative = bytes[index] == 0x2D
        if negative || bytes[index] == 0x2B {
            index += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digitCount = 0
        var decimalExponent = 0
        var sawPoint = false
        while index < end {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                digitCount += 1
                if mantissa != 0 || byte != 0x30 {
                    significantDigits += 1
                }
                if significantDigits <= 19 {
                    mantissa = mantissa &* 10 &+ UInt64(byte - 0x30)
                    if sawPoint {
                        decimalExponent -= 1
                    }
                } else if !sawPoint {
                    decimalExponent += 1
                }
            } else if byte == 0x2E && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard digitCount > 0 else { return nil }

        if index < end && (bytes[index] == 0x65 || bytes[index] == 0x45) {
            guard let exponent = parseExponent(bytes, from: index + 1, end: end) else { return nil }
            decimalExponent += exponent
            index = end
        }
        guard index == end else { return nil }

        if significantDigits <= 15 && abs(decimalExponent) <= 22 {
            // Both operands are exact, so one IEEE operation gives the correctly rounded result.
            let magnitude = decimalExponent < 0
                ? Double(mantissa) / powersOfTen[-decimalExponent]
                : Double(mantissa) * powersOfTen[decimalExponent]
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func parseExponent(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int? {
        var index = start
        guard index < end else { return nil }
        let negative = bytes[index] == 0x2D
        if negative || bytes[index] == 0x2B {
            index += 1
        }
        guard index < end else { return nil }
        var value = 0
        while index < end {
            let byte = bytes[index]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = min(value * 10 + Int(byte - 0x30), 100_000)
            index += 1
        }
        return negative ? -value : value
    }
}
