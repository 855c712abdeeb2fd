// Scenario 6: query latency on one user's year of data, from one connection with one request at a time, first
// while the server is otherwise idle and then while other connections ingest as fast as they can.

import Foundation
import HealthClient
import HealthDomain
import HealthWire

extension BenchRunner {
    private static let queryUser = "query-user"

    private static let queries: [(name: String, message: Message)] = [
        (
            "daily stats, 1 year",
            .query(
                Query(
                    user: queryUser, codes: ["heart_rate"], granularity: .day,
                    from: CivilDate(year: 2024, month: 1, day: 1), to: CivilDate(year: 2024, month: 12, day: 31)))
        ),
        (
            "hourly stats, 1 month",
            .query(
                Query(
                    user: queryUser, codes: ["heart_rate"], granularity: .hour,
                    from: CivilDate(year: 2024, month: 6, day: 1), to: CivilDate(year: 2024, month: 6, day: 30)))
        ),
        ("latest values", .latest(Latest(user: queryUser, codes: ["heart_rate", "steps", "body_weight"]))),
    ]

    func runQueries() throws {
        let server = try HealthdProcess(tools: tools, label: "queries")
        defer { server.stop() }
        let samples = options.queryDays * SampleStreams.approximateSamplesPerDay
        let stream = SampleStreams.records(userIndex: 0, count: samples, seed: 3)
        let load = ConnectionWork(
            submits: SampleStreams.batches(stream, size: options.batchSize).map { (Self.queryUser, $0) })
        let watchdog = Watchdog(limit: timeLimit(samples: samples) + 600, process: server.process, phase: "queries")
        defer { watchdog.cancel() }
        _ = try IngestDriver.run(port: server.port, work: [load], inFlight: options.inFlight)

        let client = try HealthClient(host: "127.0.0.1", port: server.port, clientName: "health-bench-queries")
        defer { client.close() }
        try checkQueryReplies(client)

        let parameters = [
            "data": "\(samples) samples over \(options.queryDays) days", "requests": String(options.queryRequests),
        ]
        for (name, message) in Self.queries {
            let runs = try repeated("query \(name), idle") { _ in try timeRequests(client, message) }
            report.scenarios.append(queryResult("6. query \(name), idle", parameters: parameters, runs: runs))
        }

        // Background ingest into other users on two connections, bounded by its sample count and the stop flag.
        let stop = StopFlag()
        let backgroundWork = (0..<2).map { index in
            let user = "background-\(index)"
            let records = SampleStreams.records(userIndex: 100 + index, count: max(options.samplesPerRun, 400_000))
            return ConnectionWork(submits: SampleStreams.batches(records, size: options.batchSize).map { (user, $0) })
        }
        let background = BackgroundIngest(port: server.port, work: backgroundWork, inFlight: options.inFlight, stop: stop)
        usleep(300_000)
        var loadedRuns: [[(String, [LatencyPercentiles])]] = []
        do {
            for (name, message) in Self.queries {
                let runs = try repeated("query \(name), during ingest") { _ in try timeRequests(client, message) }
                loadedRuns.append([(name, runs)])
            }
        } catch {
            stop.set()
            _ = background.wait()
            throw error
        }
        stop.set()
        let ingest = background.wait()
        let ingestNote = ingest.map {
            "background ingest on 2 connections ran at \(formatNumber($0.samplesPerSecond)) samples/s while measured"
        }
        for entry in loadedRuns {
            for (name, runs) in entry {
                var result = queryResult("6. query \(name), during ingest", parameters: parameters, runs: runs)
                result.message = ingestNote
                report.scenarios.append(result)
            }
        }
    }

    /// Sends `options.queryRequests` requests one at a time and returns their latency percentiles.
    private func timeRequests(_ client: HealthClient, _ message: Message) throws -> LatencyPercentiles {
        var latencies: [UInt64] = []
        latencies.reserveCapacity(options.queryRequests)
        for _ in 0..<options.queryRequests {
            let began = monotonicNanoseconds()
            _ = try client.call(message)
            latencies.append(monotonicNanoseconds() - began)
        }
        return LatencyPercentiles(nanoseconds: latencies)
    }

    /// Throws when a query returns no rows, because its latency would then measure an empty reply.
    private func checkQueryReplies(_ client: HealthClient) throws {
        for (name, message) in Self.queries {
            let reply = try client.call(message)
            let rows: Int
            switch reply {
            case .queryReply(let queryReply): rows = queryReply.series.reduce(0) { $0 + $1.rows.count }
            case .latestReply(let latestReply): rows = latestReply.values.count
            default: rows = 0
            }
            guard rows > 0 else {
                throw BenchError("the query '\(name)' returned no rows; the loaded data does not reach it")
            }
            log("  query \(name): \(rows) rows")
        }
    }

    private func queryResult(_ title: String, parameters: [String: String], runs: [LatencyPercentiles])
        -> ScenarioResult
    {
        ScenarioResult(
            scenario: "queries", title: title, status: "ok", message: nil, parameters: parameters,
            figures: [
                Figure(name: "latency p50", summary: Summary(runs.map { $0.p50 }, unit: "ms")),
                Figure(name: "latency p99", summary: Summary(runs.map { $0.p99 }, unit: "ms")),
            ])
    }
}

/// An ingest running on its own thread until its work ends or its stop flag is set.
final class BackgroundIngest: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var outcome: Result<IngestRun, Error>?

    init(port: UInt16, work: [ConnectionWork], inFlight: Int, stop: StopFlag) {
        let thread = Thread { [self] in
            let result = Result { try IngestDriver.run(port: port, work: work, inFlight: inFlight, stop: stop) }
            lock.withLock { outcome = result }
            finished.signal()
        }
        thread.start()
    }

    /// Waits for the ingest to end; returns its run, or nil when it failed (the failure is logged).
    func wait() -> IngestRun? {
        finished.wait()
        switch lock.withLock({ outcome }) {
        case .success(let run): return run
        case .failure(let error):
            log("  background ingest failed: \(error)")
            return nil
        case nil: return nil
        }
    }
}
