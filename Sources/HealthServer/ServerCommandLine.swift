// The `healthd` command line: options, usage text, and the run with signal-driven shutdown.

import Foundation
import Glibc
import HealthStore

public enum ServerCommandLine {
    public static let usage = """
        usage: healthd [--db PATH] [--listen HOST:PORT] [options]

        Serves the health-data store over TCP.

        options:
          --db PATH                  SQLite database file, created when missing (default: health.db)
          --listen HOST:PORT         address to listen on (default: 127.0.0.1:7070; port 0 picks a free port)
          --port-file PATH           write the bound port to PATH once listening
          --processing inline|queued default processing of submits (default: inline)
          --rollups MODE             how rollups are kept: incremental (default), off (raw and categorized rows
                                     only, the benchmark ceiling) or recompute (recompute every touched bucket
                                     from its rows after each submit, for benchmark comparisons)
          --no-rollups               the same as --rollups off
          --max-frame-bytes N        largest accepted frame, in bytes (default: 16777216)
          --max-decompressed-bytes N largest accepted payload after decompression, in bytes (default: 67108864)
          --log-level LEVEL          trace, debug, info, warning or error (default: info)
          -h, --help                 show this help
        """

    /// A command-line mistake, shown with the usage hint; exit status 64.
    public struct UsageError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Parses the arguments after the program name; nil for `--help`.
    public static func parse(_ arguments: [String]) throws -> ServerConfiguration? {
        var configuration = ServerConfiguration()
        var remaining = arguments[...]
        while let option = remaining.popFirst() {
            func value() throws -> String {
                guard let next = remaining.popFirst() else { throw UsageError(message: "\(option) needs a value") }
                return next
            }
            switch option {
            case "-h", "--help": return nil
            case "--db": configuration.databasePath = try value()
            case "--listen":
                let text = try value()
                guard let address = ListenAddress(parsing: text) else {
                    throw UsageError(message: "invalid --listen value '\(text)'; expected HOST:PORT such as 127.0.0.1:7070")
                }
                configuration.listen = address
            case "--port-file": configuration.portFile = try value()
            case "--processing":
                switch try value() {
                case "inline": configuration.queuedByDefault = false
                case "queued": configuration.queuedByDefault = true
                case let other: throw UsageError(message: "invalid --processing value '\(other)'; use inline or queued")
                }
            case "--no-rollups": configuration.rollupMode = .off
            case "--rollups":
                let text = try value()
                guard let mode = RollupMode(rawValue: text) else {
                    throw UsageError(message: "invalid --rollups value '\(text)'; use incremental, off or recompute")
                }
                configuration.rollupMode = mode
            case "--max-frame-bytes": configuration.limits.maxFrameBytes = try positiveInteger(option, try value())
            case "--max-decompressed-bytes":
                configuration.limits.maxDecompressedBytes = try positiveInteger(option, try value())
            case "--log-level":
                let text = try value()
                guard let level = Logger.Level(name: text) else {
                    throw UsageError(message: "invalid --log-level '\(text)'; use trace, debug, info, warning or error")
                }
                configuration.logLevel = level
            default:
                throw UsageError(message: "unknown option '\(option)'")
            }
        }
        return configuration
    }

    private static func positiveInteger(_ option: String, _ text: String) throws -> Int {
        guard let number = Int(text), number > 0 else {
            throw UsageError(message: "invalid \(option) value '\(text)'; expected a positive integer")
        }
        return number
    }

    /// Runs `healthd` with the given arguments and returns the exit status: 0 after a clean shutdown on SIGINT or
    /// SIGTERM, 64 for usage errors, 1 when the server could not start.
    public static func main(_ arguments: [String]) -> Int32 {
        let configuration: ServerConfiguration
        do {
            guard let parsed = try parse(arguments) else {
                print(usage)
                return 0
            }
            configuration = parsed
        } catch {
            writeError("Error: \(error)\n\(usage)\n")
            return 64
        }

        // Block the stop signals in every thread, and take them on one thread with sigwait.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        let server: Server
        do {
            server = try Server(configuration: configuration)
        } catch {
            writeError("healthd: could not start: \(error)\n")
            return 1
        }
        let waiter = Thread {
            var received: Int32 = 0
            var waitSet = sigset_t()
            sigemptyset(&waitSet)
            sigaddset(&waitSet, SIGINT)
            sigaddset(&waitSet, SIGTERM)
            sigwait(&waitSet, &received)
            server.stop()
        }
        waiter.start()
        server.run()
        return 0
    }

    static func writeError(_ text: String) {
        text.withCString { pointer in
            _ = write(2, pointer, strlen(pointer))
        }
    }
}
