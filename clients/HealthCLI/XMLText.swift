// Decoding of XML attribute values and of decimal numbers, straight from bytes.

enum XMLText {
    /// Returns whether the value contains a reference or literal whitespace that `decodeAttributeValue` would change.
    static func needsDecoding(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for index in range {
            let byte = bytes[index]
            if byte == 0x26 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                return true
            }
        }
        return false
    }

    /// Appends the attribute value in `range` to `output` with references replaced and literal tabs and line
    /// breaks turned into spaces, as XML attribute-value normalization requires.
    ///
    /// Character references to characters XML forbids (such as `&#1;`) are dropped; references to surrogates
    /// or beyond U+10FFFF become U+FFFD. An `&` that starts no known reference stays as it is.
    static func decodeAttributeValue(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into output: inout [UInt8]
    ) {
        guard needsDecoding(bytes, range) else {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            return
        }
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == 0x09 || byte == 0x0A || byte == 0x0D {
                // A CR LF pair is one line break, so it becomes one space.
                if byte == 0x0D && index + 1 < range.upperBound && bytes[index + 1] == 0x0A {
                    index += 1
                }
                output.append(0x20)
                index += 1
            } else if byte == 0x26, let (length, scalar) = reference(bytes, at: index, end: range.upperBound) {
                if let scalar {
                    appendUTF8(scalar, to: &output)
                }
                index += length
            } else {
                output.append(byte)
                index += 1
            }
        }
    }

    /// Parses the reference at `start`, which contains `&`. Returns its length and the scalar it stands for, nil
    /// for a dropped forbidden character; returns nil when the text is no reference.
    private static func reference(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> (Int, UInt32?)? {
        var semicolon = start + 1
        while semicolon < end && semicolon - start <= 10 && bytes[semicolon] != 0x3B {
            semicolon += 1
        }
        guard semicolon < end, bytes[semicolon] == 0x3B, semicolon > start + 1 else { return nil }
        let length = semicolon - start + 1
        let name = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<semicolon])

        if name[0] == 0x23 {  // "#"
            guard let codePoint = numericReference(name) else { return nil }
            return (length, checkedScalar(codePoint))
        }
        switch String(decoding: name, as: UTF8.self) {
        case "lt": return (length, 0x3C)
        case "gt": return (length, 0x3E)
        case "amp": return (length, 0x26)
        case "quot": return (length, 0x22)
        case "apos": return (length, 0x27)
        default: return nil
        }
    }

    /// Returns the code point of `#123` or `#x7B`, or nil when the digits are missing or invalid.
    private static func numericReference(_ name: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let isHex = name.count > 1 && (name[1] == 0x78 || name[1] == 0x58)
        let digits = name.dropFirst(isHex ? 2 : 1)
        guard !digits.isEmpty else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            let nibble: UInt32
            switch digit {
            case 0x30...0x39: nibble = UInt32(digit - 0x30)
            case 0x61...0x66 where isHex: nibble = UInt32(digit - 0x61 + 10)
            case 0x41...0x46 where isHex: nibble = UInt32(digit - 0x41 + 10)
            default: return nil
            }
            value = value * (isHex ? 16 : 10) + nibble
            if value > 0x10FFFF {
                return 0x110000
            }
        }
        return value
    }

    /// Returns the scalar to write for a referenced code point: nil for characters XML forbids outright, U+FFFD for
    /// surrogates, non-characters U+FFFE and U+FFFF, and values above U+10FFFF.
    private static func checkedScalar(_ codePoint: UInt32) -> UInt32? {
        switch codePoint {
        case 0x09, 0x0A, 0x0D: return codePoint
        case 0x00..<0x20: return nil
        case 0xD800...0xDFFF, 0xFFFE, 0xFFFF: return 0xFFFD
        case 0x110000...: return 0xFFFD
        default: return codePoint
        }
    }

    private static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
