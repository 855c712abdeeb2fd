// The `health` command line: dispatch to subcommands, usage errors, failures and exit statuses.
//
// Exit statuses: 0 success, 1 failure (the server is unreachable, a file is unreadable or truncated, the server
// rejected the request), 64 usage error. Results go to standard output only; messages and progress go to
// standard error.

import Glibc
import HealthClient
import HealthWire

/// Entry points of the `health` executable.
public enum HealthCommand {
    public static let exitSuccess: Int32 = 0
    public static let exitFailure: Int32 = 1
    /// EX_USAGE from sysexits.h.
    public static let exitUsage: Int32 = 64

    static let overview = """
        Usage: health <command> [options]

        Commands:
          import KIND FILE... --user NAME          Import Apple Health, FHIR, lab CSV or nutrition exports
          submit --user NAME [--domain D] FILE|-   Submit vital, nutrition or lab records from newline-delimited JSON
          query --user NAME --metric NAME ...      Print rollups of a metric, nutrient (--nutrient) or lab test (--test)
          latest --user NAME [--metric NAME]...    Print the most recent value of each metric
          trigger --user NAME --domain D           Queue processing of a user's pending or failed rows, or a rebuild
          verify [--user NAME]                     Check that every rollup equals a recompute from the stored rows
          status                                   Print the server's counters
          labs catalog | labs match NAME           List the lab-test catalog, or show what a test name maps to
          generate apple-health --records N OUT.xml  Write a synthetic Apple Health export for tests and benchmarks

        Options of every command that contacts the server:
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN, else none)

        Run 'health <command> --help' for the options of one command.

        """

    /// Runs the process's command line and returns the exit status.
    public static func runMain() -> Int32 {
        var environment: [String: String] = [:]
        for name in ["HEALTH_SERVER", "HEALTH_TOKEN"] {
            if let value = getenv(name) {
                environment[name] = String(cString: value)
            }
        }
        return run(Array(CommandLine.arguments.dropFirst()), environment: environment, console: .standard())
    }

    /// Runs `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String], environment: [String: String], console: Console) -> Int32 {
        let context = CommandContext(console: console, environment: environment)
        guard let command = arguments.first else {
            console.writeError(overview)
            return exitUsage
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "--help", "-h", "help":
                console.writeOutput(overview)
                return exitSuccess
            case "import":
                return try ImportCommand.run(rest, context: context)
            case "submit":
                return try SubmitCommand.run(rest, context: context)
            case "query":
                return try QueryCommand.run(rest, context: context)
            case "latest":
                return try LatestCommand.run(rest, context: context)
            case "status":
                return try StatusCommand.run(rest, context: context)
            case "trigger":
                return try TriggerCommand.run(rest, context: context)
            case "verify":
                return try VerifyCommand.run(rest, context: context)
            case "labs":
                return try LabsCommand.run(rest, context: context)
            case "generate":
                return try GenerateCommand.run(rest, context: context)
            default:
                throw UsageError(message: "unknown command '\(command)'", usage: "health <command> [options]")
            }
        } catch let error as UsageError {
            console.writeError("Error: \(error.message)\nUsage: \(error.usage)\nRun '\(error.command) --help' for help.\n")
            return exitUsage
        } catch {
            console.writeError(describe(error) + "\n")
            return exitFailure
        }
    }

    /// Returns a one-line message for a failure.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let reply as ErrorReply:
            return "the server rejected the request: \(reply.message) (error \(reply.rawCode), \(reply.code))"
        case let error as CustomStringConvertible:
            return error.description
        default:
            return "\(error)"
        }
    }
}

/// A failure with a message for standard error; the CLI exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The context every subcommand runs in: the console, the environment and a way to connect.
struct CommandContext {
    var console: Console
    var environment: [String: String]

    /// Options that every server command accepts.
    static let serverOptions: Set<String> = ["server", "token"]

    /// Returns the server address from `--server`, else `HEALTH_SERVER`, else 127.0.0.1:7070.
    func serverAddress(_ arguments: CommandArguments) throws(UsageError) -> ServerAddress {
        if let text = arguments.value("server") {
            guard let address = ServerAddress(parsing: text) else {
                throw arguments.usageError("invalid --server '\(text)': expected HOST:PORT, such as 127.0.0.1:7070")
            }
            return address
        }
        if let text = environment["HEALTH_SERVER"], !text.isEmpty {
            guard let address = ServerAddress(parsing: text) else {
                throw arguments.usageError(
                    "invalid HEALTH_SERVER '\(text)': expected HOST:PORT, such as 127.0.0.1:7070")
            }
            return address
        }
        return .standard
    }

    /// Connects to the server the arguments name and performs Hello.
    func connect(_ arguments: CommandArguments) throws -> HealthClient {
        let address = try serverAddress(arguments)
        let token = arguments.value("token") ?? environment["HEALTH_TOKEN"] ?? ""
        return try HealthClient(address: address, clientName: "health-cli", token: token)
    }

    /// Prints the command's help to standard output when the arguments contain `--help` or `-h`.
    func printHelpIfRequested(_ arguments: [String], help: String) -> Bool {
        guard arguments.contains("--help") || arguments.contains("-h") else { return false }
        console.writeOutput(help)
        return true
    }
}
