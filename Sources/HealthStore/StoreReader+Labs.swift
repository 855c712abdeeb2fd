// Labs queries on the reader: rollup series per test and the latest numeric results.

import HealthDomain

extension StoreReader {
    func queryLabs(
        user: String, codes: [String], granularity: Granularity, from: CivilDate, to: CivilDate
    ) throws -> [RollupSeries] {
        guard let table = LabRules.rollupTable(granularity) else {
            throw StoreError(
                code: .invalidArgument, message: "labs have no \(granularity) rollups; use day, month, quarter or year")
        }
        try checkDateRange(from: from, to: to)
        let tests = try resolveLabTests(codes)
        let keys = BucketKey.keyRange(granularity, from: from, to: to)
        let statement = try domainStatement(
            """
            SELECT r.bucket, r.count, r.sum, r.min, r.max, r.sum_sq, r.first_ts, r.first_value, r.last_ts,
                r.last_value, r.abnormal, r.censored, r.qualitative
            FROM \(table) r JOIN lab_tests t ON t.id = r.test_id
            WHERE r.user_id = ?1 AND t.code = ?2 AND r.bucket BETWEEN ?3 AND ?4 ORDER BY r.bucket
            """)

        return try connection.readTransaction {
            let userId = try userId(named: user)
            return try tests.map { test in
                defer { statement.reset() }
                try statement.bind(1, userId)
                try statement.bind(2, test.code)
                try statement.bind(3, keys.lowerBound)
                try statement.bind(4, keys.upperBound)
                var rows: [RollupRow] = []
                while try statement.step() {
                    let stats = statement.domainRollupStats(from: 1, counters: DomainRollupCounter.labs)
                    rows.append(stats.row(key: statement.int64(0)))
                }
                return RollupSeries(
                    code: test.code, loinc: test.code, unit: test.unit, granularity: granularity, rows: rows)
            }
        }
    }

    func latestLabs(user: String, codes: [String]) throws -> [LatestValue] {
        let tests = codes.isEmpty ? catalogs.labs.tests : try resolveLabTests(codes)
        let statement = try domainStatement(
            """
            SELECT l.collected_ms, l.utc_offset_min, l.value FROM labs l JOIN lab_tests t ON t.id = l.test_id
            WHERE l.user_id = ?1 AND t.code = ?2 AND l.kind = 'numeric'
            ORDER BY l.collected_ms DESC, l.raw_id DESC LIMIT 1
            """)
        return try connection.readTransaction {
            let userId = try userId(named: user)
            var values: [LatestValue] = []
            for test in tests {
                defer { statement.reset() }
                try statement.bind(1, userId)
                try statement.bind(2, test.code)
                guard try statement.step() else { continue }
                values.append(
                    LatestValue(
                        code: test.code, loinc: test.code, unit: test.unit, time: statement.int64(0),
                        offsetMinutes: statement.int(1), value: statement.double(2)))
            }
            return values
        }
    }

    /// Resolves each code to a catalog test, in order: a LOINC code the catalog has, else a name that the
    /// matcher accepts. Throws `.unknownCode` for the first code that neither resolves, with the matcher's
    /// best candidates in the message.
    private func resolveLabTests(_ codes: [String]) throws -> [LabTest] {
        try codes.map { code in
            if let test = catalogs.labs.test(code: code) {
                return test
            }
            let match = catalogs.labs.match(name: code, unit: nil)
            guard let test = match.test else {
                throw StoreError(
                    code: .unknownCode, message: match.rejectionReason ?? "no lab test is named '\(code)'")
            }
            return test
        }
    }
}
