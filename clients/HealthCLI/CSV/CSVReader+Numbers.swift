// Reading numbers from CSV cells: decimal points, or decimal commas in files delimited by `;`.

extension CSVReader {
    /// Parses a number cell; nil for empty text and for anything that is not a finite decimal number.
    ///
    /// Accepted: an optional sign, digits with an optional fraction, and an optional exponent (`1.5e3`), with
    /// surrounding spaces. With `decimalComma`, a comma is the decimal separator (`12,5`), dots before it may group
    /// thousands (`1.234,5`, groups of three digits), and a dot alone is still a decimal point (`12.5`).
    /// Never returns 0 for text that is not a number: `abc`, `12,5` without `decimalComma`, `nan` and `inf` give nil.
    ///
    /// NOTE: with `decimalComma`, `1.234` is read as 1.234, not 1234, because files delimited by `;` often carry
    /// decimal points too and the two readings cannot be distinguished.
    public static func parseNumber(_ text: String, decimalComma: Bool) -> Double? {
        // Fast path for the common cell, a plain number without spaces or commas: no copies.
        if let first = text.utf8.first, first != 0x20, first != 0x09, text.utf8.last != 0x20, text.utf8.last != 0x09,
            !text.utf8.contains(UInt8(ascii: ","))
        {
            guard isDecimalNumber(text.utf8), let value = Double(text), value.isFinite else { return nil }
            return value
        }

        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0x20 || last == 0x09 {
            bytes.removeLast()
        }
        let start = bytes.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? bytes.endIndex
        bytes.removeFirst(start)
        guard !bytes.isEmpty else { return nil }

        if decimalComma, let comma = bytes.firstIndex(of: UInt8(ascii: ",")) {
            guard let normalized = replacingDecimalComma(bytes, at: comma) else { return nil }
            bytes = normalized
        }
        guard isDecimalNumber(bytes), let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite
        else { return nil }
        return value
    }

    /// Removes thousands dots before the comma and turns the comma into a point. Returns nil when the digit groups
    /// are not threes or a second comma follows.
    private static func replacingDecimalComma(_ bytes: [UInt8], at comma: Int) -> [UInt8]? {
        let integerPart = bytes[..<comma]
        let fraction = bytes[(comma + 1)...]
        guard !fraction.contains(UInt8(ascii: ",")), !fraction.contains(UInt8(ascii: ".")) else { return nil }

        let groups = integerPart.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if groups.count > 1 {
            let digitsOfFirst = groups[0].filter { $0 >= 0x30 && $0 <= 0x39 }.count
            guard digitsOfFirst >= 1, digitsOfFirst <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                return nil
            }
        }
        return groups.flatMap { $0 } + [UInt8(ascii: ".")] + fraction
    }

    /// Returns whether the bytes are `[+-] digits [. digits] [(e|E) [+-] digits]` with at least one mantissa digit.
    private static func isDecimalNumber(_ bytes: some Sequence<UInt8>) -> Bool {
        let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        let isSign: (UInt8?) -> Bool = { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        var iterator = bytes.makeIterator()
        var byte = iterator.next()
        if isSign(byte) {
            byte = iterator.next()
        }

        var mantissaDigits = 0
        while let digit = byte, isDigit(digit) {
            mantissaDigits += 1
            byte = iterator.next()
        }
        if byte == UInt8(ascii: ".") {
            byte = iterator.next()
            while let digit = byte, isDigit(digit) {
                mantissaDigits += 1
                byte = iterator.next()
            }
        }
        guard mantissaDigits > 0 else { return false }

        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            byte = iterator.next()
            if isSign(byte) {
                byte = iterator.next()
            }
            var exponentDigits = 0
            while let digit = byte, isDigit(digit) {
                exponentDigits += 1
                byte = iterator.next()
            }
            guard exponentDigits > 0 else { return false }
        }
        return byte == nil
    }
}
