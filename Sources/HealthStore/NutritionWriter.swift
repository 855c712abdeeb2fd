// The nutrition part of the writer: stores submitted entries as raw rows, categorizes their nutrient amounts
// with the nutrient catalog and keeps the nutrition rollups current. The StoreWriter calls it inside its
// transaction, for inline and queued submits and for queue jobs.
//
// An entry is categorized when at least one of its amounts is usable. An amount is skipped when its nutrient is
// unknown, its unit is not accepted or its value is invalid, and so is a second amount of the same nutrient.
// The entry is then aggregated with the usable amounts, and the raw row's error lists the skipped ones. An entry
// with no usable amount is failed with the reasons. Raw keeps every amount as sent, so a rebuild after a catalog
// change sees them all again.

import HealthDomain

final class NutritionWriter {
    /// The outcome of checking and categorizing one entry.
    enum Evaluation {
        case failed(String)
        case pending
        /// The categorized entry, and the skipped amounts with reasons, or nil when none was skipped.
        case categorized(CategorizedEntry, skipped: String?)

        var status: RawStatus {
            switch self {
            case .failed: return .failed
            case .pending: return .pending
            case .categorized: return .aggregated
            }
        }

        /// The text for the raw row's error column.
        var errorText: String? {
            switch self {
            case .failed(let reason): return reason
            case .pending: return nil
            case .categorized(_, let skipped): return skipped
            }
        }
    }

    private let catalog: NutrientCatalog
    private let statements: NutritionRawStatements
    private let coder = NutrientAmountCoder()
    /// Nil when the store keeps no rollups.
    private let rollups: NutritionRollupUpdater?

    /// Prepares the statements and copies the catalog's nutrients into the nutrients table.
    init(connection: Connection, catalog: NutrientCatalog, maintainsRollups: Bool) throws {
        self.catalog = catalog
        statements = try NutritionRawStatements(connection: connection)
        rollups = maintainsRollups ? try NutritionRollupUpdater(connection: connection) : nil
        try NutritionWriter.syncNutrients(from: catalog, into: connection)
    }

    // MARK: - Submits

    /// Stores one batch of the user's entries; see StoreWriter.apply(_:) for the rules per record.
    func apply(_ batch: NutritionBatch, user: UserEntry, nowMs: Int64) throws -> SubmitOutcome {
        var outcome = SubmitOutcome()
        for (index, record) in batch.records.enumerated() {
            try apply(record, index: UInt32(index), user: user, queued: batch.queued, nowMs: nowMs, outcome: &outcome)
        }
        return outcome
    }

    private func apply(
        _ record: NutritionRecord, index: UInt32, user: UserEntry, queued: Bool, nowMs: Int64,
        outcome: inout SubmitOutcome
    ) throws {
        let nutrients = try coder.encode(record.nutrients)
        var stored: StoredNutritionRaw?
        if let sourceRecordId = record.sourceRecordId {
            stored = try statements.find(userId: user.id, source: record.source, sourceRecordId: sourceRecordId)
            if let stored, stored.version > record.version || stored.hasSameContent(as: record, nutrients: nutrients) {
                outcome.unchanged += 1
                return
            }
        }

        let offsetMinutes = record.offsetMinutes ?? user.offsetMinutes(at: record.eatenMs)
        let evaluation = evaluate(record, userId: user.id, offsetMinutes: offsetMinutes, queued: queued)

        let rawId: Int64
        if let stored {
            rawId = stored.id
            try statements.update(
                id: rawId, with: record, nutrients: nutrients, status: evaluation.status, error: evaluation.errorText,
                nowMs: nowMs)
            if stored.status == .aggregated {
                try removeCategorized(rawId: rawId, userId: user.id)
            }
        } else {
            rawId = try statements.insert(
                record, nutrients: nutrients, userId: user.id, status: evaluation.status, error: evaluation.errorText,
                nowMs: nowMs)
        }

        switch evaluation {
        case .failed(let reason):
            outcome.failures.append(RecordFailure(index: index, reason: reason))
        case .pending:
            outcome.pending += 1
        case .categorized(let entry, _):
            try statements.insertCategorized(entry, rawId: rawId)
            // A replaced row keeps its old raw id, so it is not the newest in its buckets.
            rollups?.add(entry, isNewest: stored == nil)
            if stored != nil {
                outcome.updated += 1
            } else {
                outcome.accepted += 1
            }
        }
    }

    private func removeCategorized(rawId: Int64, userId: Int64) throws {
        if let removed = try statements.removeCategorized(rawId: rawId, userId: userId) {
            rollups?.retract(removed)
        }
    }

    // MARK: - Categorizing

    /// Checks an entry and, unless it is queued, maps its amounts onto the catalog.
    func evaluate(_ record: NutritionRecord, userId: Int64, offsetMinutes: Int, queued: Bool) -> Evaluation {
        if let reason = DomainRules.timeFailure("eaten time", utcMs: record.eatenMs, offsetMinutes: offsetMinutes) {
            return .failed(reason)
        }
        if queued {
            return .pending
        }
        guard !record.nutrients.isEmpty else {
            return .failed("the entry lists no nutrient amounts")
        }

        var amounts: [CategorizedEntry.Amount] = []
        var skipped: [String] = []
        var seen = Set<Int>()
        for amount in record.nutrients {
            switch catalog.categorize(name: amount.nutrient, value: amount.value, unit: amount.unit) {
            case .rejected(let reason):
                skipped.append(reason)
            case .accepted(let id, let value):
                guard seen.insert(id).inserted else {
                    let name = catalog.nutrient(id: id)?.shortName ?? "nutrient \(id)"
                    skipped.append("\(name) is listed more than once; the first amount is kept")
                    continue
                }
                amounts.append(CategorizedEntry.Amount(nutrientId: id, value: value))
            }
        }

        guard !amounts.isEmpty else {
            return .failed("no nutrient amount is usable: " + DomainRules.summarize(skipped))
        }
        let entry = CategorizedEntry(
            userId: userId, eatenMs: record.eatenMs, offsetMinutes: offsetMinutes,
            meal: NutritionRules.normalizedMeal(record.meal), amounts: amounts)
        let skippedText =
            skipped.isEmpty
            ? nil
            : "skipped \(skipped.count) of \(record.nutrients.count) nutrient amounts: "
                + DomainRules.summarize(skipped)
        return .categorized(entry, skipped: skippedText)
    }

    // MARK: - Queue work

    /// Categorizes up to `limit` of the user's pending entries in raw id order, as an inline submit would, and
    /// returns how many it processed.
    func processPending(user: UserEntry, limit: Int) throws -> Int {
        let rows = try statements.pending(userId: user.id, limit: limit, coder: coder)
        guard let firstId = rows.first?.id else { return 0 }
        let isNewest = try !statements.hasAggregated(userId: user.id, after: firstId)

        for (rawId, record) in rows {
            let offsetMinutes = record.offsetMinutes ?? user.offsetMinutes(at: record.eatenMs)
            let evaluation = evaluate(record, userId: user.id, offsetMinutes: offsetMinutes, queued: false)
            try statements.setStatus(id: rawId, evaluation.status, error: evaluation.errorText)
            if case .categorized(let entry, _) = evaluation {
                try statements.insertCategorized(entry, rawId: rawId)
                rollups?.add(entry, isNewest: isNewest)
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

    /// Upserts every catalog nutrient into the nutrients table by id. Rows of nutrients the catalog no longer has
    /// stay, because stored rows may refer to them.
    private static func syncNutrients(from catalog: NutrientCatalog, into connection: Connection) throws {
        let upsert = try connection.prepare(
            """
            INSERT INTO nutrients (id, short_name, unit, kind) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (id) DO UPDATE SET short_name = excluded.short_name, unit = excluded.unit, kind = excluded.kind
            """, persistent: false)
        try connection.writeTransaction {
            for nutrient in catalog.nutrients {
                try upsert.bind(1, nutrient.id)
                try upsert.bind(2, nutrient.shortName)
                try upsert.bind(3, nutrient.unit.rawValue)
                try upsert.bind(4, nutrient.kind.rawValue)
                try upsert.run()
            }
        }
    }
}
