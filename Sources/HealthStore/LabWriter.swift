// The labs part of the writer: stores submitted results as raw rows, categorizes them with the lab catalog
// (LabResultCategorizer) and keeps the labs rollups current. The StoreWriter calls it inside its transaction,
// for inline and queued submits and for queue jobs.

import HealthDomain

final class LabWriter {
    /// The outcome of checking and categorizing one result.
    enum Evaluation {
        case failed(String)
        case pending
        case categorized(CategorizedLabResult)

        var status: RawStatus {
            switch self {
            case .failed: return .failed
            case .pending: return .pending
            case .categorized: return .aggregated
            }
        }

        var failureReason: String? {
            if case .failed(let reason) = self { return reason }
            return nil
        }
    }

    private let categorizer: LabResultCategorizer
    private let statements: LabRawStatements
    /// Nil when the store keeps no rollups.
    private let rollups: LabRollupUpdater?
    /// The id of every catalog test in lab_tests, by LOINC code.
    private let testIds: [String: Int]

    /// Prepares the statements and copies the catalog's tests into lab_tests, which assigns ids to new codes.
    init(connection: Connection, catalog: LabCatalog, maintainsRollups: Bool) throws {
        categorizer = LabResultCategorizer(catalog: catalog)
        statements = try LabRawStatements(connection: connection)
        rollups = maintainsRollups ? try LabRollupUpdater(connection: connection) : nil
        testIds = try LabWriter.syncTests(from: catalog, into: connection)
    }

    // MARK: - Submits

    /// Stores one batch of the user's results; see StoreWriter.apply(_:) for the rules per record.
    func apply(_ batch: LabBatch, user: UserEntry, nowMs: Int64) throws -> SubmitOutcome {
        var outcome = SubmitOutcome()
        for (index, record) in batch.records.enumerated() {
            try apply(record, index: UInt32(index), user: user, queued: batch.queued, nowMs: nowMs, outcome: &outcome)
        }
        return outcome
    }

    private func apply(
        _ record: LabRecord, index: UInt32, user: UserEntry, queued: Bool, nowMs: Int64, outcome: inout SubmitOutcome
    ) throws {
        var stored: StoredLabRaw?
        if let sourceRecordId = record.sourceRecordId {
            stored = try statements.find(userId: user.id, source: record.source, sourceRecordId: sourceRecordId)
            if let stored, stored.version > record.version || stored.hasSameContent(as: record) {
                outcome.unchanged += 1
                return
            }
        }

        let offsetMinutes = record.offsetMinutes ?? user.offsetMinutes(at: record.collectedMs)
        let evaluation = evaluate(record, userId: user.id, offsetMinutes: offsetMinutes, queued: queued)

        let rawId: Int64
        if let stored {
            rawId = stored.id
            try statements.update(
                id: rawId, with: record, status: evaluation.status, error: evaluation.failureReason, nowMs: nowMs)
            if stored.status == .aggregated, let removed = try statements.removeCategorized(rawId: rawId) {
                rollups?.retract(userId: user.id, testId: removed.testId, localMs: removed.localMs)
            }
        } else {
            rawId = try statements.insert(
                record, userId: user.id, status: evaluation.status, error: evaluation.failureReason, nowMs: nowMs)
        }

        switch evaluation {
        case .failed(let reason):
            outcome.failures.append(RecordFailure(index: index, reason: reason))
        case .pending:
            outcome.pending += 1
        case .categorized(let result):
            try statements.insertCategorized(result, rawId: rawId)
            // A replaced row keeps its old raw id, so it is not the newest in its buckets.
            rollups?.add(result, isNewest: stored == nil)
            if stored != nil {
                outcome.updated += 1
            } else {
                outcome.accepted += 1
            }
        }
    }

    // MARK: - Categorizing

    /// Checks a result and, unless it is queued, maps it onto the catalog.
    func evaluate(_ record: LabRecord, userId: Int64, offsetMinutes: Int, queued: Bool) -> Evaluation {
        if let reason = DomainRules.timeFailure(
            "collection time", utcMs: record.collectedMs, offsetMinutes: offsetMinutes)
        {
            return .failed(reason)
        }
        if queued {
            return .pending
        }

        let mapping: LabResultCategorizer.Mapping
        switch categorizer.map(record) {
        case .success(let mapped): mapping = mapped
        case .failure(let failure): return .failed(failure.reason)
        }
        guard let testId = testIds[mapping.test.code] else {
            preconditionFailure("catalog test \(mapping.test.code) has no id in lab_tests")
        }

        var result = CategorizedLabResult(
            userId: userId, testId: testId, collectedMs: record.collectedMs, offsetMinutes: offsetMinutes,
            kind: .numeric, value: nil, comparator: nil, text: nil, flag: mapping.flag,
            confidence: mapping.confidence)
        switch mapping.value {
        case .numeric(let number):
            result.value = number
        case .censored(let comparator, let bound):
            result.kind = .censored
            result.value = bound
            result.comparator = comparator
        case .text(let text):
            result.kind = .qualitative
            result.text = text
        }
        return .categorized(result)
    }

    // MARK: - Queue work

    /// Categorizes up to `limit` of the user's pending results in raw id order, as an inline submit would, and
    /// returns how many it processed.
    func processPending(user: UserEntry, limit: Int) throws -> Int {
        let rows = try statements.pending(userId: user.id, limit: limit)
        guard let firstId = rows.first?.id else { return 0 }
        let isNewest = try !statements.hasAggregated(userId: user.id, after: firstId)

        for (rawId, record) in rows {
            let offsetMinutes = record.offsetMinutes ?? user.offsetMinutes(at: record.collectedMs)
            let evaluation = evaluate(record, userId: user.id, offsetMinutes: offsetMinutes, queued: false)
            try statements.setStatus(id: rawId, evaluation.status, error: evaluation.failureReason)
            if case .categorized(let result) = evaluation {
                try statements.insertCategorized(result, rawId: rawId)
                rollups?.add(result, isNewest: isNewest)
            }
        }
        return rows.count
    }

    func hasPending(userId: Int64) throws -> Bool {
        try statements.hasPending(userId: userId)
    }

    func resetForRebuild(userId: Int64) throws {
        try statements.resetForRebuild(userId: userId)
    }

    func resetFailed(userId: Int64) throws {
        try statements.resetFailed(userId: userId)
    }

    // MARK: - Rollups

    func flushRollups() throws {
        try rollups?.flush()
    }

    func discardRollups() {
        rollups?.discard()
    }

    // MARK: - Opening

    /// Upserts every catalog test into lab_tests by code and returns the id of each code. Tests the catalog no
    /// longer has keep their rows and ids, because stored rows may refer to them.
    /// NOTE: when a catalog changes a test's canonical unit, stored values stay in the old unit until a rebuild
    /// job categorizes them again.
    private static func syncTests(from catalog: LabCatalog, into connection: Connection) throws -> [String: Int] {
        let upsert = try connection.prepare(
            """
            INSERT INTO lab_tests (code, name, unit, category) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, unit = excluded.unit, category = excluded.category
            """, persistent: false)
        let select = try connection.prepare("SELECT id, code FROM lab_tests", persistent: false)
        return try connection.writeTransaction {
            for test in catalog.tests {
                try upsert.bind(1, test.code)
                try upsert.bind(2, test.name)
                try upsert.bind(3, test.unit)
                try upsert.bind(4, test.category)
                try upsert.run()
            }
            defer { select.reset() }
            var ids: [String: Int] = [:]
            while try select.step() {
                ids[select.text(1)] = select.int(0)
            }
            return ids
        }
    }
}
