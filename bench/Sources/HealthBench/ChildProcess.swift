// Child processes of the benchmark (healthd, the health CLI, the PostgreSQL script): started with posix_spawn,
// observed through /proc, and stopped by their process id only. Every live child is registered, so that SIGINT
// or SIGTERM to the benchmark stops them before it exits.

import Foundation
import Glibc

final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let name: String
    private let lock = NSLock()
    private var exit: (status: Int32, usage: rusage)?

    /// Starts `path` with `arguments`; standard output and error go to the given files (or /dev/null).
    init(_ path: String, _ arguments: [String], stdout: String? = nil, stderr: String? = nil) throws {
        name = (path as NSString).lastPathComponent
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // The benchmark blocks SIGINT and SIGTERM for its own signal thread; the child gets an empty mask.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptySet = sigset_t()
        sigemptyset(&emptySet)
        posix_spawnattr_setsigmask(&attributes, &emptySet)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw BenchError("cannot start \(path): \(String(cString: strerror(result)))")
        }
        pid = child
        ChildRegistry.shared.add(pid)
    }

    /// Whether the child has not exited yet; reaps it when it has.
    var isRunning: Bool {
        poll(blocking: false)
        return lock.withLock { exit == nil }
    }

    /// Waits up to `timeout` seconds for the exit and returns the wait status, or nil on timeout.
    @discardableResult
    func wait(timeout: Double) -> Int32? {
        let deadline = monotonicSeconds() + timeout
        while true {
            poll(blocking: false)
            if let exit = lock.withLock({ exit }) { return exit.status }
            if monotonicSeconds() > deadline { return nil }
            usleep(5_000)
        }
    }

    /// The exit code when the child exited normally, else nil.
    var exitCode: Int32? {
        guard let status = lock.withLock({ exit?.status }) else { return nil }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil
    }

    /// User plus system CPU time of the exited child in seconds (from wait4), or nil while it runs.
    var exitedCPUSeconds: Double? {
        lock.withLock {
            exit.map { exit in
                let user = Double(exit.usage.ru_utime.tv_sec) + Double(exit.usage.ru_utime.tv_usec) / 1e6
                return user + Double(exit.usage.ru_stime.tv_sec) + Double(exit.usage.ru_stime.tv_usec) / 1e6
            }
        }
    }

    /// Sends `signal` to this process id, unless it has already been reaped.
    func signal(_ signal: Int32) {
        lock.withLock {
            if exit == nil { kill(pid, signal) }
        }
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; returns when the child has been reaped.
    func stop(grace: Double = 20) {
        signal(SIGTERM)
        if wait(timeout: grace) == nil {
            log("warning: \(name) (pid \(pid)) did not exit \(Int(grace)) s after SIGTERM; sending SIGKILL")
            signal(SIGKILL)
            wait(timeout: 10)
        }
    }

    private func poll(blocking: Bool) {
        lock.withLock {
            guard exit == nil else { return }
            var status: Int32 = 0
            var usage = rusage()
            if wait4(pid, &status, blocking ? 0 : WNOHANG, &usage) == pid {
                exit = (status, usage)
                ChildRegistry.shared.remove(pid)
            }
        }
    }

    // MARK: - /proc

    /// Resident memory now (VmRSS) and its peak (VmHWM) in bytes, from /proc/PID/status; nil once exited.
    func memory() -> (rss: Int, peak: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kib(_ key: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(key) }
                .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
                .flatMap { Int($0) }
        }
        guard let rss = kib("VmRSS:"), let peak = kib("VmHWM:") else { return nil }
        return (rss * 1024, peak * 1024)
    }

    /// User plus system CPU time used so far, in seconds, from /proc/PID/stat; nil once exited.
    func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may hold spaces) start at field 3, so utime (14) and stime (15)
        // are the 12th and 13th after it.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// The process ids of running children, for cleanup when the benchmark is interrupted.
final class ChildRegistry: @unchecked Sendable {
    static let shared = ChildRegistry()
    private let lock = NSLock()
    private var pids: Set<pid_t> = []

    func add(_ pid: pid_t) { lock.withLock { _ = pids.insert(pid) } }
    func remove(_ pid: pid_t) { lock.withLock { _ = pids.remove(pid) } }

    /// Sends SIGKILL to every registered child by its process id.
    func killAll() {
        lock.withLock {
            for pid in pids { kill(pid, SIGKILL) }
        }
    }

    /// Blocks SIGINT and SIGTERM in this thread (and the threads it starts later) and takes them on a dedicated
    /// thread that kills the registered children and exits with status 130. Call before starting any thread.
    static func installSignalHandling() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread {
            var waitSet = sigset_t()
            sigemptyset(&waitSet)
            sigaddset(&waitSet, SIGINT)
            sigaddset(&waitSet, SIGTERM)
            var received: Int32 = 0
            sigwait(&waitSet, &received)
            log("health-bench: interrupted; stopping child processes")
            ChildRegistry.shared.killAll()
            Glibc.exit(130)
        }
        thread.start()
    }
}
