// Helpers shared by the HealthCLI tests: feeding XML in chunks, building timestamps, and running the CLI with a
// recording console.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

/// The outcome of reading one document with AppleHealthReader.
struct ReadResult {
    var records: [VitalRecord]
    var lines: [Int]
    var reader: AppleHealthReader
    /// What `finish()` reported; nil for a complete document.
    var problem: String?
}

/// Reads `document` fed in chunks of `chunkSize` bytes (the whole document when nil).
func readExport(_ document: String, chunkSize: Int? = nil) throws -> ReadResult {
    try readExport(Array(document.utf8), chunkSize: chunkSize)
}

func readExport(_ bytes: [UInt8], chunkSize: Int? = nil) throws -> ReadResult {
    var reader = AppleHealthReader()
    var records: [VitalRecord] = []
    var lines: [Int] = []
    let size = max(1, chunkSize ?? bytes.count)
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + size)
        try reader.feed(Array(bytes[offset..<end]))
        let taken = reader.takeRecords()
        records += taken.records
        lines += taken.lines
        offset = end
    }
    let problem = reader.finish()
    return ReadResult(records: records, lines: lines, reader: reader, problem: problem)
}

/// UTC milliseconds of a local date and time at `offsetMinutes`.
func utcMs(_ date: String, _ hour: Int, _ minute: Int, _ second: Int, offset offsetMinutes: Int) -> Int64 {
    let day = CivilDate(parsing: date)!.daysSinceEpoch
    let local = day * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000)
    return local - Int64(offsetMinutes) * 60_000
}

/// Everything a CLI run wrote, with its exit status.
struct CLIRun {
    var status: Int32
    var output: String
    var error: String
}

/// Collects console output; a class so the console's closures can append to it.
final class OutputRecorder: @unchecked Sendable {
    var output = ""
    var error = ""
}

/// Runs the CLI in-process with a recording console.
func runCLI(_ arguments: [String], environment: [String: String] = [:], terminal: Bool = false) -> CLIRun {
    let recorder = OutputRecorder()
    let console = Console(
        writeOutput: { recorder.output += $0 }, writeError: { recorder.error += $0 }, errorIsTerminal: terminal)
    let status = HealthCommand.run(arguments, environment: environment, console: console)
    return CLIRun(status: status, output: recorder.output, error: recorder.error)
}

/// Returns a path in a fresh temporary directory that is removed when the test ends.
func temporaryPath(_ test: XCTestCase, _ name: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("health-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory.appendingPathComponent(name).path
}
