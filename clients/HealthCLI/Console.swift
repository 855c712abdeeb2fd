// The output streams of the CLI: results go to standard output, messages and progress to standard error.
// Tests substitute a console that records both.

import Glibc

/// The CLI's output streams.
public struct Console {
    /// Writes result text (tables, JSON, CSV, summaries).
    public var writeOutput: (String) -> Void
    /// Writes messages, errors and progress.
    public var writeError: (String) -> Void
    /// Whether standard error is a terminal, so progress may redraw one line.
    public var errorIsTerminal: Bool
    /// The file descriptor that `-` reads as standard input. Tests substitute a file or pipe.
    public var inputDescriptor: Int32 = 0

    public init(writeOutput: @escaping (String) -> Void, writeError: @escaping (String) -> Void,
        errorIsTerminal: Bool) {
        self.writeOutput = writeOutput
        self.writeError = writeError
        self.errorIsTerminal = errorIsTerminal
    }

    /// Returns a console on the process's standard output and standard error.
    public static func standard() -> Console {
        Console(
            writeOutput: { writeAll($0, to: 1) }, writeError: { writeAll($0, to: 2) },
            errorIsTerminal: isatty(2) == 1)
    }

    /// Writes the whole string to `descriptor`, retrying short writes and EINTR; stops quietly on other errors
    /// (such as a closed pipe), because there is nowhere left to report them.
    private static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR {
                    continue
                }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
