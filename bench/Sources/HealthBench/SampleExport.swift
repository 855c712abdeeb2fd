// `health-bench export-samples`: the benchmark's synthetic vitals as CSV, for loading into other databases
// (bench/postgres/run.sh) with the same data the server ingests.

import Foundation
import HealthDomain

enum SampleExport {
    static let header = "user_id,metric_id,kind,value,start_ms,end_ms,utc_offset_min,source,source_record_id"

    static func main(_ arguments: [String]) -> Int32 {
        var samples: Int?
        var users = 4
        var seed: UInt64 = 1
        var output: String?
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--samples": samples = remaining.popFirst().flatMap { Int($0) }
            case "--users": users = remaining.popFirst().flatMap { Int($0) } ?? 0
            case "--seed": seed = remaining.popFirst().flatMap { UInt64($0) } ?? 0
            case "-h", "--help":
                print(BenchOptions.usage)
                return 0
            default:
                if output == nil && !argument.hasPrefix("-") {
                    output = argument
                } else {
                    log("Error: unexpected argument '\(argument)'\n\(BenchOptions.usage)")
                    return 64
                }
            }
        }
        guard let samples, samples > 0, users > 0, let output else {
            log("Error: export-samples needs --samples N (N > 0), --users U (U > 0) and OUT.csv\n\(BenchOptions.usage)")
            return 64
        }
        do {
            try write(samples: samples, users: users, seed: seed, to: output)
            return 0
        } catch {
            log("export-samples failed: \(error)")
            return 1
        }
    }

    /// Writes users `0..<users` with `samples / users` samples each, user after user, as the ingest scenarios
    /// send them.
    static func write(samples: Int, users: Int, seed: UInt64, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path)
        else {
            throw BenchError("cannot create \(path)")
        }
        defer { try? handle.close() }
        var text = header + "\n"
        for user in 0..<users {
            for record in SampleStreams.records(userIndex: user, count: samples / users, seed: seed) {
                let metricId = BareSQLiteInsert.metricIds[record.metric] ?? 0
                let kind = record.metric == "steps" ? "cumulative" : "discrete"
                text += "\(user + 1),\(metricId),\(kind),\(record.value),\(record.startMs),\(record.endMs),"
                    + "\(record.offsetMinutes ?? 0),\(record.source),\(record.sourceRecordId ?? "")\n"
                if text.utf8.count > 1 << 20 {
                    try handle.write(contentsOf: Data(text.utf8))
                    text = ""
                }
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }
}
