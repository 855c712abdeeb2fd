// A `healthd` on a fresh database in its own temporary directory, listening on a kernel-chosen loopback port.

import Foundation
import Glibc

final class HealthdProcess: @unchecked Sendable {
    let process: ChildProcess
    let directory: String
    let databasePath: String
    let logPath: String
    let port: UInt16

    /// Starts healthd with `arguments` added to the database and listen options, and waits up to 30 s until it
    /// writes its port file. Throws, after stopping the process, when it does not start.
    init(tools: Tools, arguments: [String] = [], label: String) throws {
        directory = try makeTemporaryDirectory("health-bench-\(label)")
        databasePath = directory + "/health.db"
        logPath = directory + "/healthd.log"
        let portFile = directory + "/port"
        process = try ChildProcess(
            tools.healthd,
            ["--db", databasePath, "--listen", "127.0.0.1:0", "--port-file", portFile, "--log-level", "warning"]
                + arguments,
            stderr: logPath)

        let deadline = monotonicSeconds() + 30
        var found: UInt16?
        while found == nil && monotonicSeconds() < deadline && process.isRunning {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8) {
                found = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if found == nil { usleep(10_000) }
        }
        guard let found else {
            process.stop(grace: 5)
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            removeDirectory(directory)
            throw BenchError("healthd \(arguments.joined(separator: " ")) did not start listening within 30 s; "
                + "log:\n\(log)")
        }
        port = found
    }

    /// Bytes of the database, its WAL and shared-memory files.
    var databaseBytes: Int {
        ["", "-wal", "-shm"].reduce(0) { total, suffix in
            var info = stat()
            return total + (stat(databasePath + suffix, &info) == 0 ? Int(info.st_size) : 0)
        }
    }

    /// Stops the server by its process id, checks that it exited cleanly, and removes the directory unless
    /// `keepDirectory` is set. Returns the server log when the exit was not clean.
    @discardableResult
    func stop(keepDirectory: Bool = false) -> String? {
        process.stop()
        var problem: String?
        if process.exitCode != 0 {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            problem = "healthd exited with status \(process.exitCode.map(String.init) ?? "by signal"); log: \(log)"
        }
        if !keepDirectory { removeDirectory(directory) }
        return problem
    }
}

/// Kills a server by its process id when a phase runs past its time limit, so that blocked clients see the
/// connection close and every loop ends.
final class Watchdog: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var fired = false

    init(limit seconds: Double, process: ChildProcess, phase: String) {
        let thread = Thread { [self] in
            if semaphore.wait(timeout: .now() + seconds) == .timedOut {
                lock.withLock { fired = true }
                log("error: \(phase) ran past its limit of \(Int(seconds)) s; killing healthd (pid \(process.pid))")
                process.signal(SIGKILL)
            }
        }
        thread.start()
    }

    /// Stops the watchdog; returns true when it had already fired.
    @discardableResult
    func cancel() -> Bool {
        semaphore.signal()
        return lock.withLock { fired }
    }
}

func makeTemporaryDirectory(_ prefix: String) throws -> String {
    var template = Array((NSTemporaryDirectory() + "/" + prefix + "-XXXXXX").utf8CString)
    guard let pointer = mkdtemp(&template) else {
        throw BenchError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
    }
    return String(cString: pointer)
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// The executables the benchmark runs.
struct Tools: Sendable {
    var healthd: String
    var health: String
}
