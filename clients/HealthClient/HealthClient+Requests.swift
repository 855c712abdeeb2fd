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

    /// Submits the records of one domain and returns the server's counts; throws `ErrorReply` when the server
    /// rejects the whole submit.
    public func submit(user: String, records: SubmitRecords, mode: ProcessingMode = .serverDefault) throws
        -> SubmitReply
    {
        let reply = try call(.submit(Submit(user: user, mode: mode, records: records)))
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

    /// Enqueues processing for one user and domain. The reply describes the job after the trigger, because the
    /// trigger may have merged into a job already queued for the pair.
    public func trigger(_ trigger: Trigger) throws -> TriggerReply {
        let reply = try call(.trigger(trigger))
        guard case .triggerReply(let triggerReply) = reply else {
            throw ClientError.unexpectedReply("\(reply.type) as the response to Trigger")
        }
        return triggerReply
    }

    /// Asks the server to recompute the rollups of `user`, or of every user when nil, and returns the rows that
    /// differ.
    public func verify(user: String? = nil) throws -> VerifyReply {
        let reply = try call(.verify(Verify(user: user)))
        guard case .verifyReply(let verifyReply) = reply else {
            throw ClientError.unexpectedReply("\(reply.type) as the response to Verify")
        }
        return verifyReply
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
