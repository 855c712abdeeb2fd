// Starts the real `healthd` on a free loopback port and runs the real `health` binary, for end-to-end tests.
// Servers are stopped by their process id, also when a test fails.

import Foundation
import XCTest

/// The directory holding the built executables: the one the test bundle runs from.
let productsDirectory: URL = {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
}()

/// The package root, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Returns the shared sample data folder beside the checkout, or nil when it is absent.
func sharedDataDirectory() -> URL? {
    let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
}

func executable(_ name: String) throws -> URL {
    let url = productsDirectory.appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
        throw XCTSkip("\(name) is not built in \(productsDirectory.path); run `swift build` before the tests")
    }
    return url
}

/// Creates a scratch directory that is removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("health-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// A `healthd` process on a kernel-chosen loopback port.
final class ServerProcess {
    let process = Process()
    let port: UInt16
    let logURL: URL
    var address: String { "127.0.0.1:\(port)" }

    /// Starts healthd on `database` and waits until it listens; registers a teardown that stops it by pid.
    init(database: URL, directory: URL, extraArguments: [String] = [], test: XCTestCase) throws {
        let portFile = directory.appendingPathComponent("port-\(UUID().uuidString)")
        logURL = directory.appendingPathComponent("healthd-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = try executable("healthd")
        process.arguments = ["--db", database.path, "--listen", "127.0.0.1:0", "--port-file", portFile.path]
            + extraArguments
        process.standardError = try FileHandle(forWritingTo: logURL)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        test.addTeardownBlock {
            // Stop by process id only; never by name.
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }

        let deadline = Date().addingTimeInterval(30)
        var found: UInt16?
        while Date() < deadline && process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let value = UInt16(text) {
                found = value
                break
            }
            usleep(20_000)
        }
        guard let port = found else {
            let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            throw XCTSkip("healthd did not start listening within 30 s; log:\n\(log)")
        }
        self.port = port
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
}

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the `health` CLI and collects its output and exit status. Output goes through files, so a large output
/// cannot block the child.
func runHealth(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil) throws
    -> CommandResult
{
    let directory = FileManager.default.temporaryDirectory
    let outURL = directory.appendingPathComponent("health-out-\(UUID().uuidString)")
    let errURL = directory.appendingPathComponent("health-err-\(UUID().uuidString)")
    let inURL = directory.appendingPathComponent("health-in-\(UUID().uuidString)")
    defer {
        for url in [outURL, errURL, inURL] { try? FileManager.default.removeItem(at: url) }
    }
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))

    let process = Process()
    process.executableURL = try executable("health")
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    process.standardInput = try FileHandle(forReadingFrom: inURL)
    try process.run()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        stdout: try String(contentsOf: outURL, encoding: .utf8),
        stderr: try String(contentsOf: errURL, encoding: .utf8))
}

/// Decodes a `--format json` query output into one dictionary per bucket, keyed by the bucket label.
func jsonRows(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: [String: Any]] {
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
    guard let rows = parsed as? [[String: Any]] else {
        XCTFail("query output is not a JSON array: \(text)", file: file, line: line)
        return [:]
    }
    var byBucket: [String: [String: Any]] = [:]
    for row in rows {
        byBucket[row["bucket"] as? String ?? "?"] = row
    }
    return byBucket
}

func number(_ row: [String: Any]?, _ key: String) -> Double? {
    (row?[key] as? NSNumber)?.doubleValue
}
