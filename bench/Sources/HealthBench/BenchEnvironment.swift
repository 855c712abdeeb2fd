// What a result depends on besides the code: the build mode, the machine, the load from other processes, and
// where the `healthd` and `health` executables are.

import Foundation
import Glibc

enum BenchEnvironment {
    /// "release" or "debug", as this binary was compiled. Debug builds run several times slower and their
    /// figures are meaningless for comparison.
    static var buildMode: String {
        #if DEBUG
            return "debug"
        #else
            return "release"
        #endif
    }

    /// Returns the directory of the running executable, where SwiftPM also puts `healthd` and `health`.
    static func executableDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = count > 0 ? String(cString: buffer) : CommandLine.arguments[0]
        return (path as NSString).deletingLastPathComponent
    }

    /// Returns the path of a sibling executable. Throws when it is missing, with the build command that makes it.
    static func tool(_ name: String) throws -> String {
        let path = executableDirectory() + "/" + name
        guard access(path, X_OK) == 0 else {
            throw BenchError("\(name) not found next to health-bench at \(path); build all products with "
                + "`swift build -c release` first")
        }
        return path
    }

    /// Returns the 1-minute load average, or -1 when /proc/loadavg cannot be read.
    static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return -1 }
        return Double(text.split(separator: " ").first ?? "") ?? -1
    }

    static func machine() -> MachineInfo {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? "unknown"
        let memInfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memoryKiB = memInfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return MachineInfo(
            cpus: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), cpuModel: model,
            memoryGiB: (Double(memoryKiB) / 1_048_576 * 10).rounded() / 10, kernel: kernel,
            sqliteVersion: BareSQLiteInsert.libraryVersion)
    }
}

struct MachineInfo: Codable {
    var cpus: Int
    var cpuModel: String
    var memoryGiB: Double
    var kernel: String
    var sqliteVersion: String
}

/// A failure of the benchmark itself (a tool missing, a server that did not start), with what to do about it.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Monotonic time in seconds, for measuring intervals.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Monotonic time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Writes a line to standard error at once (progress of a long run).
func log(_ text: String) {
    let line = text + "\n"
    line.withCString { _ = write(2, $0, strlen($0)) }
}
