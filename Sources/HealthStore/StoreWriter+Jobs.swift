// The job queue's public surface on the writer: triggers, and processing one step of the next job. A step runs
// in one transaction: the job's resets (retry, rebuild), categorizing up to maxRows pending rows through the
// inline code paths, their rollup changes, and the job's removal once no pending row is left. So a crash never
// counts a row twice or loses one, and an interrupted job continues where its last committed step ended.

import HealthDomain

extension StoreWriter {
    /// Adds work for the user's rows of one domain, or merges it into the job already queued for them: the
    /// priority becomes the higher of the two and the work the union. A job always processes the pending rows,
    /// whatever its work contains. `.retryFailed` and `.rebuild` run their reset on the job's next step, so a
    /// trigger during a running job resets again.
    ///
    /// Throws `.unknownUser` when no user has that name and `.invalidArgument` when `work` is empty or holds
    /// bits this build does not know.
    public func trigger(user: String, domain: HealthDataDomain, priority: Int, work: JobWork) throws -> JobState {
        guard !work.isEmpty, JobQueue.knownWork.isSuperset(of: work) else {
            throw StoreError(
                code: .invalidArgument,
                message: "invalid job work \(work.rawValue); use pending (1), retryFailed (2), rebuild (4) or a union")
        }
        let nowMs = StoreWriter.currentTimeMs()
        return try connection.writeTransaction {
            guard let userId = try jobs.userId(named: user) else {
                throw StoreError(code: .unknownUser, message: "no user is named '\(user)'")
            }
            let job = try jobs.enqueue(userId: userId, domain: domain, priority: priority, work: work, nowMs: nowMs)
            return JobState(
                jobId: job.id, user: user, domain: domain, priority: job.priority, work: job.work, rowsProcessed: 0,
                finished: false)
        }
    }

    /// Runs one step of the next job: the highest priority, the oldest (lowest id) among equals. Returns nil
    /// when the queue is empty.
    ///
    /// In one transaction the step first runs the job's unstarted resets. Rebuild drops the user's categorized
    /// rows and rollups of the domain and sets aggregated rows back to pending, and retryFailed sets failed rows
    /// back to pending. Then it categorizes up to `maxRows` pending rows in raw id order exactly as an inline
    /// submit would, applies their rollup changes, and removes the job when no pending row is left (`finished`).
    ///
    /// Throws `.invalidArgument` when `maxRows` is below 1, and StoreError when SQLite fails, after which the
    /// step is rolled back and the job stays queued as it was.
    public func processNextJob(maxRows: Int) throws -> JobState? {
        guard maxRows >= 1 else {
            throw StoreError(code: .invalidArgument, message: "maxRows is \(maxRows); process at least 1 row per step")
        }
        let nowMs = StoreWriter.currentTimeMs()
        do {
            return try connection.writeTransaction { () throws -> JobState? in
                guard let job = try jobs.next() else { return nil }
                return try runStep(of: job, maxRows: maxRows, nowMs: nowMs)
            }
        } catch {
            discardAllChanges()
            throw error
        }
    }

    /// Returns the number of queued jobs, of one domain or of all when `domain` is nil.
    public func queuedJobCount(domain: HealthDataDomain? = nil) throws -> Int {
        let filter = domain.map { " WHERE domain = '\($0.description)'" } ?? ""
        let statement = try connection.prepare("SELECT count(*) FROM jobs" + filter, persistent: false)
        defer { statement.reset() }
        _ = try statement.step()
        return statement.int(0)
    }

    // MARK: - Steps

    private func runStep(of job: QueuedJob, maxRows: Int, nowMs: Int64) throws -> JobState {
        let userName = try jobs.userName(id: job.userId)
        let user = try users.resolve(userName, connection: connection, nowMs: nowMs)

        if job.unstartedWork.contains(.rebuild) {
            try resetForRebuild(job.domain, userId: user.id)
        }
        if job.unstartedWork.contains(.retryFailed) {
            try resetFailed(job.domain, userId: user.id)
        }
        if !job.unstartedWork.isEmpty {
            try jobs.clearUnstartedWork(jobId: job.id)
        }

        let processed = try processPending(job.domain, user: user, limit: maxRows)
        try flushAllRollups()
        let finished = try !hasPending(job.domain, userId: user.id)
        if finished {
            try jobs.delete(jobId: job.id)
        }
        return JobState(
            jobId: job.id, user: userName, domain: job.domain, priority: job.priority, work: job.work,
            rowsProcessed: processed, finished: finished)
    }

    private func resetForRebuild(_ domain: HealthDataDomain, userId: Int64) throws {
        switch domain {
        case .vitals: try pendingVitals.resetForRebuild(userId: userId)
        case .nutrition: try nutrition.resetForRebuild(userId: userId)
        case .labs: try labs.resetForRebuild(userId: userId)
        }
    }

    private func resetFailed(_ domain: HealthDataDomain, userId: Int64) throws {
        switch domain {
        case .vitals: try pendingVitals.resetFailed(userId: userId)
        case .nutrition: try nutrition.resetFailed(userId: userId)
        case .labs: try labs.resetFailed(userId: userId)
        }
    }

    private func processPending(_ domain: HealthDataDomain, user: UserEntry, limit: Int) throws -> Int {
        switch domain {
        case .vitals: return try processPendingVitals(user: user, limit: limit)
        case .nutrition: return try nutrition.processPending(user: user, limit: limit)
        case .labs: return try labs.processPending(user: user, limit: limit)
        }
    }

    private func hasPending(_ domain: HealthDataDomain, userId: Int64) throws -> Bool {
        switch domain {
        case .vitals: return try pendingVitals.hasPending(userId: userId)
        case .nutrition: return try nutrition.hasPending(userId: userId)
        case .labs: return try labs.hasPending(userId: userId)
        }
    }

    /// Categorizes up to `limit` of the user's pending vitals rows in raw id order with the inline path's
    /// checks and rollup updates, and returns how many it processed.
    private func processPendingVitals(user: UserEntry, limit: Int) throws -> Int {
        let rows = try pendingVitals.pending(userId: user.id, limit: limit)
        guard let firstId = rows.first?.id else { return 0 }
        // Rollup upserts treat each added sample as the newest on equal times. That is wrong when the user has
        // aggregated samples with higher raw ids, so then the rollup updater must reconcile instead.
        let isOutOfOrder = try pendingVitals.hasAggregated(userId: user.id, after: firstId)

        for (rawId, record) in rows {
            let offsetMinutes = record.offsetMinutes ?? user.offsetMinutes(at: record.startMs)
            let evaluation = evaluate(record, userId: user.id, offsetMinutes: offsetMinutes, queued: false)
            try pendingVitals.setStatus(id: rawId, evaluation.status, error: evaluation.failureReason)
            if case .categorized(let sample) = evaluation {
                try storeQueuedSample(sample, rawId: rawId, isReplacement: isOutOfOrder)
            }
        }
        return rows.count
    }
}
