// The server's footprint: resident memory when idle and under load, and the CPU time an idle server uses
// (which should be none: every thread of an idle server sleeps on a condition or in a blocking call).

import Foundation
import HealthClient

extension BenchRunner {
    func runFootprint() throws {
        let idleSeconds = 10.0
        let runs = try repeated("footprint") { _ in try measureFootprint(idleSeconds: idleSeconds) }
        report.scenarios.append(
            ScenarioResult(
                scenario: "footprint", title: "server footprint", status: "ok", message: nil,
                parameters: [
                    "load": "\(options.samplesPerRun) samples on 4 connections, inline rollups",
                    "idle interval": "\(Int(idleSeconds)) s",
                ],
                figures: [
                    Figure(name: "RSS idle, fresh database", summary: Summary(runs.map { $0.idleFresh }, unit: "MiB")),
                    Figure(name: "RSS under load (max sampled)", summary: Summary(runs.map { $0.underLoad }, unit: "MiB")),
                    Figure(name: "RSS idle after load", summary: Summary(runs.map { $0.idleAfter }, unit: "MiB")),
                    Figure(
                        name: "CPU time while idle after load", summary: Summary(runs.map { $0.idleCPU }, unit: "s")),
                ]))
    }

    private struct Footprint {
        var idleFresh: Double
        var underLoad: Double
        var idleAfter: Double
        var idleCPU: Double
    }

    private func measureFootprint(idleSeconds: Double) throws -> Footprint {
        let server = try HealthdProcess(tools: tools, label: "footprint")
        defer { server.stop() }
        let client = try HealthClient(host: "127.0.0.1", port: server.port, clientName: "health-bench-footprint")
        _ = try client.status()
        client.close()
        usleep(200_000)
        let idleFresh = mebibytes(server.process.memory()?.rss ?? 0)

        let work = ingestWork(connections: 4)
        let watchdog = Watchdog(
            limit: timeLimit(samples: options.samplesPerRun) + idleSeconds, process: server.process,
            phase: "footprint")
        defer { watchdog.cancel() }
        let sampler = MemorySampler(process: server.process)
        _ = try IngestDriver.run(port: server.port, work: work, inFlight: options.inFlight)
        let underLoad = mebibytes(sampler.stop())

        // Let the connection threads exit before the idle interval starts.
        usleep(500_000)
        let cpuBefore = server.process.cpuSeconds() ?? .nan
        usleep(UInt32(idleSeconds * 1_000_000))
        let cpuAfter = server.process.cpuSeconds() ?? .nan
        return Footprint(
            idleFresh: idleFresh, underLoad: underLoad, idleAfter: mebibytes(server.process.memory()?.rss ?? 0),
            idleCPU: cpuAfter - cpuBefore)
    }
}
