// Scenarios 1 to 4 send vitals over RPC with inline rollups, without rollups, with the recompute approach and in
// queued mode. The interleaved-arrival scenario sends many users' samples a few at a time.

import Foundation
import HealthClient
import HealthDomain
import HealthWire

enum IngestVariant: String {
    case inline, off, recompute, queued

    var title: String {
        switch self {
        case .inline: return "1. ingest, inline rollups"
        case .off: return "2. ingest, rollups off"
        case .recompute: return "3. ingest, recompute touched buckets"
        case .queued: return "4. ingest, queued"
        }
    }

    var serverArguments: [String] {
        switch self {
        case .inline: return ["--rollups", "incremental"]
        case .off: return ["--rollups", "off"]
        case .recompute: return ["--rollups", "recompute"]
        case .queued: return ["--processing", "queued"]
        }
    }
}

/// One measured ingest run.
struct IngestMeasurement {
    var run: IngestRun
    var latency: LatencyPercentiles
    var serverPeakRSS: Int
    var serverRSSUnderLoad: Int
    var databaseBytes: Int
    /// User plus system CPU time the server used from its start until the last reply.
    var serverCPUSeconds: Double
    /// Seconds from the last submit reply until no raw row is pending; nil when the queue did not drain.
    var drainSeconds: Double?
    /// Rollup rows that differ from a recompute (the server's Verify request); nil when not checked.
    var verifyMismatches: [String]?
}

extension BenchRunner {
    func runIngestScenario(_ variant: IngestVariant) throws {
        for connections in options.connections {
            let work = ingestWork(connections: connections)
            let label = "\(variant.rawValue), \(connections) connection\(connections == 1 ? "" : "s")"
            let runs = try repeated(label) { repeatIndex in
                // Verifying rollups against a recompute is slow, so only the first measured run does it.
                try measureIngest(
                    variant, work: work, label: variant.rawValue,
                    verify: repeatIndex == 1 && (variant == .inline || variant == .recompute))
            }
            report.scenarios.append(ingestResult(variant, connections: connections, runs: runs))
        }
    }

    /// Starts a fresh server, ingests `work`, measures and stops the server.
    func measureIngest(
        _ variant: IngestVariant, work: [ConnectionWork], label: String, inFlight: Int? = nil, verify: Bool = false
    ) throws -> IngestMeasurement {
        let server = try HealthdProcess(tools: tools, arguments: variant.serverArguments, label: label)
        var stopped = false
        defer {
            if !stopped { server.stop() }
        }

        let samples = work.reduce(0) { $0 + $1.sampleCount }
        let sampler = MemorySampler(process: server.process)
        let watchdog = Watchdog(limit: timeLimit(samples: samples), process: server.process, phase: label)
        let run: IngestRun
        do {
            run = try IngestDriver.run(port: server.port, work: work, inFlight: inFlight ?? options.inFlight)
        } catch {
            watchdog.cancel()
            throw error
        }
        let underLoad = sampler.stop()

        var drainSeconds: Double?
        if variant == .queued {
            drainSeconds = try waitForDrain(port: server.port, expected: samples)
        }
        let mismatches = verify ? try verifyRollups(port: server.port) : nil
        watchdog.cancel()
        if let error = run.firstError {
            log("  warning: \(error) (\(run.failedRecords) failed records, \(run.rejectedSubmits) rejected submits)")
        }

        let peak = server.process.memory()?.peak ?? 0
        let cpu = server.process.cpuSeconds() ?? .nan
        stopped = true
        if let problem = server.stop(keepDirectory: true) {
            removeDirectory(server.directory)
            throw BenchError(problem)
        }
        let bytes = server.databaseBytes
        removeDirectory(server.directory)
        return IngestMeasurement(
            run: run, latency: LatencyPercentiles(nanoseconds: run.latencies), serverPeakRSS: peak,
            serverRSSUnderLoad: underLoad, databaseBytes: bytes, serverCPUSeconds: cpu,
            drainSeconds: drainSeconds, verifyMismatches: mismatches)
    }

    /// Asks the server to compare every rollup row with a recompute from the categorized rows; returns the
    /// rows that differ.
    private func verifyRollups(port: UInt16) throws -> [String] {
        let client = try HealthClient(host: "127.0.0.1", port: port, clientName: "health-bench-verify")
        defer { client.close() }
        guard case .verifyReply(let reply) = try client.call(.verify(Verify())) else {
            throw BenchError("unexpected response to Verify; expected a VerifyReply")
        }
        if !reply.mismatches.isEmpty {
            log("  verify: \(reply.mismatches.count) rollup rows differ from a recompute, such as \(reply.mismatches[0])")
        }
        return reply.mismatches
    }

    /// Polls the server's status until no raw row is pending. Returns the seconds that took, or nil when the
    /// pending count makes no progress for 10 s (no queue worker) or does not reach zero within the limit.
    private func waitForDrain(port: UInt16, expected: Int) throws -> Double? {
        let client = try HealthClient(host: "127.0.0.1", port: port, clientName: "health-bench-status")
        defer { client.close() }
        let began = monotonicSeconds()
        let limit = timeLimit(samples: expected)
        var lastPending = Int64.max
        var lastProgress = began
        while monotonicSeconds() - began < limit {
            let pending = try client.status().counters.first { $0.name == "vitals.raw.pending" }?.value ?? 0
            if pending == 0 { return monotonicSeconds() - began }
            if pending < lastPending {
                lastPending = pending
                lastProgress = monotonicSeconds()
            } else if monotonicSeconds() - lastProgress > 10 {
                log("  queued: \(pending) rows still pending after 10 s without progress; no queue worker drains them")
                return nil
            }
            usleep(100_000)
        }
        return nil
    }

    private func ingestResult(_ variant: IngestVariant, connections: Int, runs: [IngestMeasurement])
        -> ScenarioResult
    {
        let samples = runs.first?.run.samples ?? 0
        var figures = [
            Figure(name: "samples/s", summary: Summary(runs.map { $0.run.samplesPerSecond }, unit: "samples/s")),
            Figure(name: "submit latency p50", summary: Summary(runs.map { $0.latency.p50 }, unit: "ms")),
            Figure(name: "submit latency p99", summary: Summary(runs.map { $0.latency.p99 }, unit: "ms")),
            Figure(
                name: "server CPU per million samples",
                summary: Summary(runs.map { $0.serverCPUSeconds * 1e6 / Double(max(1, $0.run.samples)) }, unit: "s")),
            Figure(name: "server RSS under load", summary: Summary(runs.map { mebibytes($0.serverRSSUnderLoad) }, unit: "MiB")),
            Figure(name: "server peak RSS", summary: Summary(runs.map { mebibytes($0.serverPeakRSS) }, unit: "MiB")),
            Figure(
                name: "database size per million samples",
                summary: Summary(runs.map { mebibytes($0.databaseBytes) * 1e6 / Double(max(1, samples)) }, unit: "MiB")),
        ]
        var status = "ok"
        var message: String?
        if variant == .queued {
            let drains = runs.compactMap { $0.drainSeconds }
            if drains.count == runs.count {
                figures.append(Figure(name: "drain time after last reply", summary: Summary(drains, unit: "s")))
            } else {
                message = "drain time: not available yet (pending rows never drained: no queue worker)"
            }
        }
        if let verified = runs.compactMap({ $0.verifyMismatches }).first {
            let text = verified.isEmpty
                ? "rollups verified equal to a recompute after the first run"
                : "VERIFY FAILED: \(verified.count) rollup rows differ from a recompute, such as \(verified[0])"
            message = [message, text].compactMap { $0 }.joined(separator: "; ")
            if !verified.isEmpty { status = "failed" }
        }
        if let failure = runs.first(where: { $0.run.firstError != nil }) {
            message = [message, "some records failed or were rejected: \(failure.run.firstError!)"]
                .compactMap { $0 }.joined(separator: "; ")
            status = failure.run.rejectedSubmits > 0 ? "failed" : status
        }
        return ScenarioResult(
            scenario: variant.rawValue, title: variant.title, status: status, message: message,
            parameters: [
                "connections": String(connections), "samples": String(samples),
                "batch": String(options.batchSize), "in flight": String(options.inFlight),
                "record ids": options.recordIds.rawValue,
            ],
            figures: figures)
    }

    /// Scenario 1 on 4 connections with the other styles of source record ids, to show what the random
    /// placement of UUIDs in the idempotency index costs.
    func runRecordIdComparison() throws {
        let connections = options.connections.contains(4) ? 4 : options.connections[0]
        for style in RecordIdStyle.allCases where style != options.recordIds {
            let work = ingestWork(connections: connections, ids: style)
            let runs = try repeated("inline, record ids \(style.rawValue)") { _ in
                try measureIngest(.inline, work: work, label: "ids-\(style.rawValue)")
            }
            var result = ingestResult(.inline, connections: connections, runs: runs)
            result.scenario = "ids"
            result.title = "1b. ingest, inline rollups, other record ids"
            result.parameters["record ids"] = style.rawValue
            result.figures.removeAll { $0.name.contains("RSS") }
            report.scenarios.append(result)
        }
    }

    // MARK: - Interleaved arrival

    /// Many users, each submit holding a few samples of one user, with consecutive submits of different users.
    func runInterleaved() throws {
        let users = options.interleavedUsers
        let perUser = options.interleavedSamples / users
        let connections = 16
        let inFlight = 16
        var work = [ConnectionWork](repeating: ConnectionWork(submits: []), count: connections)
        let streams = (0..<users).map { SampleStreams.records(userIndex: $0, count: perUser, seed: 7) }
        for round in stride(from: 0, to: perUser, by: options.interleavedBatchSize) {
            for user in 0..<users {
                let records = Array(streams[user][round..<min(round + options.interleavedBatchSize, perUser)])
                work[user % connections].submits.append(("interleaved-\(user)", records))
            }
        }
        let runs = try repeated("interleaved") { _ in
            try measureIngest(.inline, work: work, label: "interleaved", inFlight: inFlight)
        }
        let submits = work.reduce(0) { $0 + $1.submits.count }
        let seconds = runs.map { $0.run.seconds }
        report.scenarios.append(
            ScenarioResult(
                scenario: "interleaved", title: "interleaved arrival, inline rollups", status: "ok",
                message: runs.first { $0.run.firstError != nil }?.run.firstError,
                parameters: [
                    "users": String(users), "samples": String(perUser * users),
                    "batch": String(options.interleavedBatchSize), "connections": String(connections),
                    "in flight": String(inFlight),
                ],
                figures: [
                    Figure(name: "samples/s", summary: Summary(runs.map { $0.run.samplesPerSecond }, unit: "samples/s")),
                    Figure(name: "submits/s", summary: Summary(seconds.map { Double(submits) / $0 }, unit: "submits/s")),
                    Figure(name: "submit latency p50", summary: Summary(runs.map { $0.latency.p50 }, unit: "ms")),
                    Figure(name: "submit latency p99", summary: Summary(runs.map { $0.latency.p99 }, unit: "ms")),
                ]))
    }
}

func mebibytes(_ bytes: Int) -> Double {
    Double(bytes) / 1_048_576
}

/// Samples a process's resident memory every 100 ms on a background thread until stopped.
final class MemorySampler: @unchecked Sendable {
    private let lock = NSLock()
    private var maximum = 0
    private var peak = 0
    private var running = true
    private let finished = DispatchSemaphore(value: 0)

    init(process: ChildProcess) {
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                if let memory = process.memory() {
                    lock.withLock {
                        maximum = max(maximum, memory.rss)
                        peak = max(peak, memory.peak)
                    }
                }
                usleep(100_000)
            }
            finished.signal()
        }
        thread.start()
    }

    /// Stops sampling and returns the largest resident size seen, in bytes.
    func stop() -> Int {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { maximum }
    }

    /// The largest peak resident size (VmHWM) seen so far, in bytes. VmHWM only grows, so for a process that
    /// has exited this misses at most the growth of its last 100 ms.
    var peakSeen: Int {
        lock.withLock { peak }
    }
}
