// Hand-written parsing of `--name value`, `--name=value`, flags and positional arguments.

/// A mistake in the command line; the CLI prints it with a usage hint and exits with status 64.
struct UsageError: Error, Equatable {
    var message: String
    /// The usage line of the command the mistake was made in.
    var usage: String
    /// The command whose help to point to, such as `health query`; `health` for the overview.
    var command = "health"
}

/// The options and flags one subcommand accepts.
struct CommandSpec {
    /// The command as the user types it, such as `health query`.
    var name: String
    var usage: String
    /// Options that take a value, without the leading `--`.
    var options: Set<String>
    /// Options that take no value.
    var flags: Set<String> = []
    /// Options that may be given more than once.
    var repeatable: Set<String> = []
}

/// The parsed command line of one subcommand.
struct CommandArguments {
    let spec: CommandSpec
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// Parses `arguments` (after the subcommand's name). `--` ends the options and `-` is a positional.
    init(_ arguments: [String], spec: CommandSpec) throws(UsageError) {
        self.spec = spec
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("--") {
                if !optionsEnded && argument.hasPrefix("-") && argument != "-" {
                    throw usageError("unknown option '\(argument)'")
                }
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }

            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if spec.flags.contains(name) {
                guard inlineValue == nil else { throw usageError("option --\(name) takes no value") }
                flags.insert(name)
            } else if spec.options.contains(name) {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw usageError("option --\(name) requires a value") }
                    value = arguments[index]
                    index += 1
                }
                if values[name] != nil && !spec.repeatable.contains(name) {
                    throw usageError("option --\(name) is given more than once")
                }
                values[name, default: []].append(value)
            } else {
                throw usageError("unknown option '--\(name)' for '\(spec.name)'")
            }
        }
    }

    func usageError(_ message: String) -> UsageError {
        UsageError(message: message, usage: spec.usage, command: spec.name)
    }

    /// Returns the option's value, or nil when it was not given.
    func value(_ name: String) -> String? {
        values[name]?.last
    }

    /// Returns every value of a repeatable option, in order.
    func allValues(_ name: String) -> [String] {
        values[name] ?? []
    }

    func required(_ name: String) throws(UsageError) -> String {
        guard let value = value(name) else { throw usageError("missing required option --\(name)") }
        guard !value.isEmpty else { throw usageError("option --\(name) must not be empty") }
        return value
    }

    func has(_ flag: String) -> Bool {
        flags.contains(flag)
    }

    /// Returns the option's value as a whole number from 1 to `maximum`, or `standard` when it is not given.
    func positiveInteger(_ name: String, standard: Int, maximum: Int) throws(UsageError) -> Int {
        guard let text = value(name) else { return standard }
        guard let number = Int(text), number >= 1, number <= maximum else {
            throw usageError("invalid --\(name) '\(text)': expected a whole number from 1 to \(maximum)")
        }
        return number
    }

    /// Returns the value of `--format` checked against `allowed`, or `standard` when it is not given.
    func format(allowed: [String], standard: String) throws(UsageError) -> String {
        let format = value("format") ?? standard
        guard allowed.contains(format) else {
            throw usageError("invalid --format '\(format)': expected \(allowed.joined(separator: ", "))")
        }
        return format
    }
}
