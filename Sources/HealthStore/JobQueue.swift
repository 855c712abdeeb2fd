// The job queue's statements over the `jobs` table: at most one job per (user, domain), taken highest priority
// first and oldest (lowest id) first within a priority. The queue is a table, so jobs survive restarts. What a
// job does to the domain's rows is in StoreWriter+Jobs.swift.

import HealthDomain

/// One row of the jobs table.
struct QueuedJob {
    var id: Int64
    var userId: Int64
    var domain: HealthDataDomain
    var priority: Int
    var work: JobWork
    /// The retryFailed and rebuild bits whose reset has not run yet.
    var unstartedWork: JobWork
}

final class JobQueue {
    /// The work bits this build implements; triggers with other bits are rejected.
    static let knownWork: JobWork = [.pending, .retryFailed, .rebuild]
    /// The work bits that reset rows on the job's next step.
    static let resettingWork: JobWork = [.retryFailed, .rebuild]

    private let upsertJob: Statement
    private let selectNext: Statement
    private let clearUnstarted: Statement
    private let deleteJob: Statement
    private let selectUserId: Statement
    private let selectUserName: Statement

    init(connection: Connection) throws {
        // In DO UPDATE SET, unqualified names are the old row's values: https://www.sqlite.org/lang_upsert.html
        upsertJob = try connection.prepare(
            """
            INSERT INTO jobs (user_id, domain, priority, kind, created_ms, work, unstarted_work)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (user_id, domain) DO UPDATE SET
                priority = max(priority, excluded.priority),
                work = work | excluded.work,
                unstarted_work = unstarted_work | excluded.unstarted_work,
                kind = CASE
                    WHEN (work | excluded.work) & 4 != 0 THEN 'rebuild'
                    WHEN (work | excluded.work) & 2 != 0 THEN 'retry'
                    ELSE 'process' END
            RETURNING id, priority, work, unstarted_work
            """)
        let domains = HealthDataDomain.allCases.map { "'\($0.description)'" }.joined(separator: ", ")
        // Jobs of a domain this build does not know are left alone rather than blocking the queue.
        selectNext = try connection.prepare(
            """
            SELECT id, user_id, domain, priority, work, unstarted_work FROM jobs
            WHERE domain IN (\(domains)) ORDER BY priority DESC, id LIMIT 1
            """)
        clearUnstarted = try connection.prepare("UPDATE jobs SET unstarted_work = 0 WHERE id = ?1")
        deleteJob = try connection.prepare("DELETE FROM jobs WHERE id = ?1")
        selectUserId = try connection.prepare("SELECT id FROM users WHERE name = ?1")
        selectUserName = try connection.prepare("SELECT name FROM users WHERE id = ?1")
    }

    /// Adds a job for (user, domain), or merges into the existing one: the priority becomes the higher of the
    /// two and the work the union. Returns the job as stored. Must run inside a write transaction.
    func enqueue(userId: Int64, domain: HealthDataDomain, priority: Int, work: JobWork, nowMs: Int64) throws
        -> QueuedJob
    {
        defer { upsertJob.reset() }
        try upsertJob.bind(1, userId)
        try upsertJob.bind(2, domain.description)
        try upsertJob.bind(3, priority)
        try upsertJob.bind(4, JobQueue.kind(of: work))
        try upsertJob.bind(5, nowMs)
        try upsertJob.bind(6, work.rawValue)
        try upsertJob.bind(7, work.intersection(JobQueue.resettingWork).rawValue)
        guard try upsertJob.step() else {
            preconditionFailure("an upsert with RETURNING gave no row")
        }
        return QueuedJob(
            id: upsertJob.int64(0), userId: userId, domain: domain, priority: upsertJob.int(1),
            work: JobWork(rawValue: upsertJob.int(2)), unstartedWork: JobWork(rawValue: upsertJob.int(3)))
    }

    /// Returns the job to run next, or nil when the queue is empty.
    func next() throws -> QueuedJob? {
        defer { selectNext.reset() }
        guard try selectNext.step() else { return nil }
        guard let domain = HealthDataDomain(name: selectNext.text(2)) else {
            preconditionFailure("the job query returned domain '\(selectNext.text(2))', which it filters out")
        }
        return QueuedJob(
            id: selectNext.int64(0), userId: selectNext.int64(1), domain: domain, priority: selectNext.int(3),
            work: JobWork(rawValue: selectNext.int(4)), unstartedWork: JobWork(rawValue: selectNext.int(5)))
    }

    func clearUnstartedWork(jobId: Int64) throws {
        try clearUnstarted.bind(1, jobId)
        try clearUnstarted.run()
    }

    func delete(jobId: Int64) throws {
        try deleteJob.bind(1, jobId)
        try deleteJob.run()
    }

    /// Returns the id of the user named `name`, or nil when there is none. Unlike UserDirectory, it never
    /// creates a user.
    func userId(named name: String) throws -> Int64? {
        defer { selectUserId.reset() }
        try selectUserId.bind(1, name)
        return try selectUserId.step() ? selectUserId.int64(0) : nil
    }

    /// Returns the name of the user with this id. The jobs table's foreign key guarantees that the user exists.
    func userName(id: Int64) throws -> String {
        defer { selectUserName.reset() }
        try selectUserName.bind(1, id)
        guard try selectUserName.step() else {
            preconditionFailure("job for user id \(id), which the users table lacks")
        }
        return selectUserName.text(0)
    }

    /// Returns the kind column's text for `work`: its strongest bit.
    static func kind(of work: JobWork) -> String {
        if work.contains(.rebuild) { return "rebuild" }
        if work.contains(.retryFailed) { return "retry" }
        return "process"
    }
}
