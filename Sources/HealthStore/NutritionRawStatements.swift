// The nutrition writer's prepared statements for raw entries, categorized entries and their amounts, and the
// queue's resets, bound field by field.

import Foundation
import HealthDomain

/// The stored fields of a raw nutrition row that decide whether a resubmit changes it.
struct StoredNutritionRaw {
    var id: Int64
    var eatenMs: Int64
    var offsetMinutes: Int?
    var meal: String
    var food: String
    var amount: String
    /// The amounts as stored JSON text; see NutrientAmountCoder.
    var nutrients: String
    var version: Int64
    var status: RawStatus?

    /// Returns whether `record`, with its amounts encoded as `nutrients`, has this row's content, ignoring the
    /// version.
    func hasSameContent(as record: NutritionRecord, nutrients encoded: String) -> Bool {
        eatenMs == record.eatenMs && offsetMinutes == record.offsetMinutes && meal == record.meal
            && food == record.food && amount == record.amount && nutrients == encoded
    }
}

/// A categorized entry: the entry's time and meal with its usable amounts in canonical units.
struct CategorizedEntry {
    struct Amount {
        var nutrientId: Int
        var value: Double
    }

    var userId: Int64
    var eatenMs: Int64
    var offsetMinutes: Int
    /// Normalized by NutritionRules.normalizedMeal.
    var meal: String
    var amounts: [Amount]

    var localMs: Int64 { DomainRules.localMs(utcMs: eatenMs, offsetMinutes: offsetMinutes) }
    var localDay: Int64 { BucketKey.floorDivide(localMs, BucketKey.millisecondsPerDay) }
}

/// Encodes the amounts of an entry as the JSON text of `nutrition_raw.nutrients` and decodes them again.
/// Values that are not finite numbers become the strings "NaN", "Infinity" and "-Infinity", so raw keeps them.
final class NutrientAmountCoder {
    private struct Item: Codable {
        var nutrient: String
        var unit: String
        var value: Double
    }

    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    init() {
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    }

    func encode(_ amounts: [NutrientAmount]) throws -> String {
        let items = amounts.map { Item(nutrient: $0.nutrient, unit: $0.unit, value: $0.value) }
        return String(decoding: try encoder.encode(items), as: UTF8.self)
    }

    /// Throws `.incompatibleSchema` when the text is not what `encode` writes.
    func decode(_ text: String, rawId: Int64) throws -> [NutrientAmount] {
        do {
            let items = try decoder.decode([Item].self, from: Data(text.utf8))
            return items.map { NutrientAmount(nutrient: $0.nutrient, value: $0.value, unit: $0.unit) }
        } catch {
            throw StoreError(
                code: .incompatibleSchema,
                message: "nutrition_raw row \(rawId) holds nutrients that are not a JSON array of amounts")
        }
    }
}

final class NutritionRawStatements {
    private let connection: Connection
    private let insertRaw: Statement
    private let findRaw: Statement
    private let updateRaw: Statement
    private let setStatusStatement: Statement
    private let selectPending: Statement
    private let insertEntry: Statement
    private let insertAmount: Statement
    private let findEntry: Statement
    private let findAmounts: Statement
    private let deleteAmounts: Statement
    private let deleteEntry: Statement
    private let aggregatedAfter: Statement
    private let pendingExists: Statement
    private let rebuildResets: [Statement]
    private let retryReset: Statement

    init(connection: Connection) throws {
        self.connection = connection
        insertRaw = try connection.prepare(
            """
            INSERT INTO nutrition_raw (user_id, eaten_ms, utc_offset_min, meal, food, amount, nutrients, source,
                source_record_id, version, status, error, received_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """)
        findRaw = try connection.prepare(
            """
            SELECT id, eaten_ms, utc_offset_min, meal, food, amount, nutrients, version, status FROM nutrition_raw
            WHERE user_id = ?1 AND source = ?2 AND source_record_id = ?3
            """)
        updateRaw = try connection.prepare(
            """
            UPDATE nutrition_raw SET eaten_ms = ?2, utc_offset_min = ?3, meal = ?4, food = ?5, amount = ?6,
                nutrients = ?7, version = ?8, status = ?9, error = ?10, received_ms = ?11
            WHERE id = ?1
            """)
        setStatusStatement = try connection.prepare("UPDATE nutrition_raw SET status = ?2, error = ?3 WHERE id = ?1")
        // `status = 0` is written out so that the partial index nutrition_raw_pending serves the query.
        selectPending = try connection.prepare(
            """
            SELECT id, eaten_ms, utc_offset_min, meal, food, amount, nutrients, source, source_record_id, version
            FROM nutrition_raw WHERE user_id = ?1 AND status = 0 ORDER BY id LIMIT ?2
            """)
        insertEntry = try connection.prepare(
            """
            INSERT INTO nutrition_entries (raw_id, user_id, eaten_ms, utc_offset_min, local_day, meal)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        insertAmount = try connection.prepare(
            "INSERT INTO nutrition_amounts (raw_id, nutrient_id, value) VALUES (?1, ?2, ?3)")
        findEntry = try connection.prepare(
            "SELECT eaten_ms, utc_offset_min, meal FROM nutrition_entries WHERE raw_id = ?1")
        findAmounts = try connection.prepare("SELECT nutrient_id, value FROM nutrition_amounts WHERE raw_id = ?1")
        deleteAmounts = try connection.prepare("DELETE FROM nutrition_amounts WHERE raw_id = ?1")
        deleteEntry = try connection.prepare("DELETE FROM nutrition_entries WHERE raw_id = ?1")
        aggregatedAfter = try connection.prepare(
            "SELECT EXISTS (SELECT 1 FROM nutrition_entries WHERE raw_id > ?2 AND user_id = ?1)")
        pendingExists = try connection.prepare(
            "SELECT EXISTS (SELECT 1 FROM nutrition_raw WHERE user_id = ?1 AND status = 0)")
        rebuildResets = try [
            "DELETE FROM nutrition_amounts WHERE raw_id IN (SELECT raw_id FROM nutrition_entries WHERE user_id = ?1)",
            "DELETE FROM nutrition_entries WHERE user_id = ?1",
            "DELETE FROM nutrition_day WHERE user_id = ?1",
            "DELETE FROM nutrition_week WHERE user_id = ?1",
            "DELETE FROM nutrition_month WHERE user_id = ?1",
            "DELETE FROM nutrition_meal_day WHERE user_id = ?1",
            "UPDATE nutrition_raw SET status = 0 WHERE user_id = ?1 AND status = 1",
        ].map { try connection.prepare($0) }
        retryReset = try connection.prepare(
            "UPDATE nutrition_raw SET status = 0, error = NULL WHERE user_id = ?1 AND status = 2")
    }

    // MARK: - Raw rows

    /// Looks up the raw row with this idempotency key; nil when there is none.
    func find(userId: Int64, source: String, sourceRecordId: String) throws -> StoredNutritionRaw? {
        defer { findRaw.reset() }
        try findRaw.bind(1, userId)
        try findRaw.bind(2, source)
        try findRaw.bind(3, sourceRecordId)
        guard try findRaw.step() else { return nil }
        return StoredNutritionRaw(
            id: findRaw.int64(0), eatenMs: findRaw.int64(1), offsetMinutes: findRaw.optionalInt(2),
            meal: findRaw.text(3), food: findRaw.text(4), amount: findRaw.text(5), nutrients: findRaw.text(6),
            version: findRaw.int64(7), status: RawStatus(rawValue: findRaw.int(8)))
    }

    /// Inserts a raw row and returns its id.
    func insert(
        _ record: NutritionRecord, nutrients: String, userId: Int64, status: RawStatus, error: String?,
        nowMs: Int64
    ) throws -> Int64 {
        try insertRaw.bind(1, userId)
        try insertRaw.bind(2, record.eatenMs)
        try insertRaw.bind(3, record.offsetMinutes)
        try insertRaw.bind(4, record.meal)
        try insertRaw.bind(5, record.food)
        try insertRaw.bind(6, record.amount)
        try insertRaw.bind(7, nutrients)
        try insertRaw.bind(8, record.source)
        try insertRaw.bind(9, record.sourceRecordId)
        try insertRaw.bind(10, record.version)
        try insertRaw.bind(11, status.rawValue)
        try insertRaw.bind(12, error)
        try insertRaw.bind(13, nowMs)
        try insertRaw.run()
        return connection.lastInsertRowID
    }

    /// Overwrites a raw row with a newer version of its entry. Source and source record id stay.
    func update(
        id: Int64, with record: NutritionRecord, nutrients: String, status: RawStatus, error: String?, nowMs: Int64
    ) throws {
        try updateRaw.bind(1, id)
        try updateRaw.bind(2, record.eatenMs)
        try updateRaw.bind(3, record.offsetMinutes)
        try updateRaw.bind(4, record.meal)
        try updateRaw.bind(5, record.food)
        try updateRaw.bind(6, record.amount)
        try updateRaw.bind(7, nutrients)
        try updateRaw.bind(8, record.version)
        try updateRaw.bind(9, status.rawValue)
        try updateRaw.bind(10, error)
        try updateRaw.bind(11, nowMs)
        try updateRaw.run()
    }

    func setStatus(id: Int64, _ status: RawStatus, error: String?) throws {
        try setStatusStatement.bind(1, id)
        try setStatusStatement.bind(2, status.rawValue)
        try setStatusStatement.bind(3, error)
        try setStatusStatement.run()
    }

    /// Returns up to `limit` pending rows of the user in raw id order, decoded back into records.
    func pending(userId: Int64, limit: Int, coder: NutrientAmountCoder) throws -> [(id: Int64, record: NutritionRecord)]
    {
        var rows: [(id: Int64, record: NutritionRecord, nutrients: String)] = []
        do {
            defer { selectPending.reset() }
            try selectPending.bind(1, userId)
            try selectPending.bind(2, limit)
            while try selectPending.step() {
                let record = NutritionRecord(
                    eatenMs: selectPending.int64(1), offsetMinutes: selectPending.optionalInt(2),
                    meal: selectPending.text(3), food: selectPending.text(4), amount: selectPending.text(5),
                    nutrients: [], source: selectPending.text(7), sourceRecordId: selectPending.optionalText(8),
                    version: selectPending.int64(9))
                rows.append((selectPending.int64(0), record, selectPending.text(6)))
            }
        }
        return try rows.map { row in
            var record = row.record
            record.nutrients = try coder.decode(row.nutrients, rawId: row.id)
            return (row.id, record)
        }
    }

    /// Returns whether the user has a categorized entry with a raw id above `rawId`.
    func hasAggregated(userId: Int64, after rawId: Int64) throws -> Bool {
        defer { aggregatedAfter.reset() }
        try aggregatedAfter.bind(1, userId)
        try aggregatedAfter.bind(2, rawId)
        _ = try aggregatedAfter.step()
        return aggregatedAfter.int(0) != 0
    }

    func hasPending(userId: Int64) throws -> Bool {
        defer { pendingExists.reset() }
        try pendingExists.bind(1, userId)
        _ = try pendingExists.step()
        return pendingExists.int(0) != 0
    }

    /// Drops the user's categorized entries and rollups and sets the aggregated raw rows back to pending.
    func resetForRebuild(userId: Int64) throws {
        for statement in rebuildResets {
            try statement.bind(1, userId)
            try statement.run()
        }
    }

    /// Sets the user's failed raw rows back to pending and clears their reasons.
    func resetFailed(userId: Int64) throws {
        try retryReset.bind(1, userId)
        try retryReset.run()
    }

    // MARK: - Categorized rows

    func insertCategorized(_ entry: CategorizedEntry, rawId: Int64) throws {
        try insertEntry.bind(1, rawId)
        try insertEntry.bind(2, entry.userId)
        try insertEntry.bind(3, entry.eatenMs)
        try insertEntry.bind(4, entry.offsetMinutes)
        try insertEntry.bind(5, entry.localDay)
        try insertEntry.bind(6, entry.meal)
        try insertEntry.run()
        for amount in entry.amounts {
            try insertAmount.bind(1, rawId)
            try insertAmount.bind(2, amount.nutrientId)
            try insertAmount.bind(3, amount.value)
            try insertAmount.run()
        }
    }

    /// Deletes the categorized entry of a raw row with its amounts and returns it, or returns nil when there was
    /// none.
    func removeCategorized(rawId: Int64, userId: Int64) throws -> CategorizedEntry? {
        var entry: CategorizedEntry
        do {
            defer { findEntry.reset() }
            try findEntry.bind(1, rawId)
            guard try findEntry.step() else { return nil }
            entry = CategorizedEntry(
                userId: userId, eatenMs: findEntry.int64(0), offsetMinutes: findEntry.int(1), meal: findEntry.text(2),
                amounts: [])
        }
        do {
            defer { findAmounts.reset() }
            try findAmounts.bind(1, rawId)
            while try findAmounts.step() {
                entry.amounts.append(
                    CategorizedEntry.Amount(nutrientId: findAmounts.int(0), value: findAmounts.double(1)))
            }
        }

        try deleteAmounts.bind(1, rawId)
        try deleteAmounts.run()
        try deleteEntry.bind(1, rawId)
        try deleteEntry.run()
        return entry
    }
}
