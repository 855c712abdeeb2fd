// Process-wide counters that Status reports beside the store's own.

import Foundation

final class ServerCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var openConnections: Int64 = 0
    private var acceptedConnections: Int64 = 0
    private var submits: Int64 = 0
    private var records: Int64 = 0
    private var transactions: Int64 = 0
    private var protocolErrors: Int64 = 0
    private var jobSteps: Int64 = 0
    private var jobRows: Int64 = 0
    private var jobsFinished: Int64 = 0
    private let startedMs = Int64(Date().timeIntervalSince1970 * 1000)

    func connectionOpened() {
        lock.withLock {
            openConnections += 1
            acceptedConnections += 1
        }
    }

    func connectionClosed() {
        lock.withLock { openConnections -= 1 }
    }

    func recordCommit(submits: Int, records: Int) {
        lock.withLock {
            self.submits += Int64(submits)
            self.records += Int64(records)
            transactions += 1
        }
    }

    func recordJobStep(rows: Int, finished: Bool) {
        lock.withLock {
            jobSteps += 1
            jobRows += Int64(rows)
            if finished { jobsFinished += 1 }
        }
    }

    func recordProtocolError() {
        lock.withLock { protocolErrors += 1 }
    }

    /// Returns the counters as (name, value) pairs, names prefixed `server.`.
    func snapshot() -> [(String, Int64)] {
        lock.withLock {
            [
                ("server.connections.open", openConnections),
                ("server.connections.accepted", acceptedConnections),
                ("server.submits", submits),
                ("server.records", records),
                ("server.transactions", transactions),
                ("server.protocol_errors", protocolErrors),
                ("server.jobs.steps", jobSteps),
                ("server.jobs.rows", jobRows),
                ("server.jobs.finished", jobsFinished),
                ("server.uptime_ms", Int64(Date().timeIntervalSince1970 * 1000) - startedMs),
            ]
        }
    }
}
