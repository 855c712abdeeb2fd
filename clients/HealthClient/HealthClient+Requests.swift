// Typed wrappers over `call` for each request the protocol has.

import HealthDomain
import HealthWire

extension HealthClient {
    /// Submits vital records and returns the server's counts; throws `ErrorReply` when the server rejects the
    /// whole submit.
    public func submitVitals(user: String, records: [VitalRecord], mode: ProcessingMode = .serverDefault) throws
        -> SubmitReply
    {
        let reply = try call(.submit(Submit(user: user, mode: mode, records: .vitals(records))))
        guard case .submitReply(let submitReply) = reply else {
            throw ClientError.unexpectedReply("\(reply.type) as the response to Submit")
        }
        return submitReply
    }

    /// Runs a rollup query; the reply contains one series per resolved code.
    public func query(_ query: Query) throws -> QueryReply {
        let reply = try call(.query(query))
        guard case .queryReply(let queryReply) = reply else {
            throw ClientError.unexpectedReply("\(reply.type) as the response to Query")
        }
        return queryReply
    }

    /// Returns the most recent value of each named metric, or of every metric the user has when `codes` is empty.
    public func latest(user: String, codes: [String] = [], domain: HealthDataDomain = .vitals) throws -> LatestReply {
        let reply = try call(.latest(Latest(user: user, domain: domain, codes: codes)))
        guard case .latestReply(let latestReply) = reply else {
            throw ClientError.unexpectedReply("\(reply.type) as the response to Latest")
        }
        return latestReply
    }

    /// Returns the server's counters.
    public func status() throws -> StatusReply {
        let reply = try call(.status(Status()))
        guard case .statusReply(let statusReply) = reply else {
            throw ClientError.unexpectedReply("\(reply.type) as the response to Status")
        }
        return statusReply
    }
}
