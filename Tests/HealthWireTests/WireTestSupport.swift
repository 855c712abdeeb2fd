// Shared fixtures for the wire tests: sample messages of every type, a seeded random generator, hex helpers
// and the location of the shared test vectors in schema/.

import Foundation
import HealthDomain
import HealthWire

/// Sample messages, one or more per message type, with edge values where a field has them.
enum SampleMessages {
    static let hello = Message.hello(Hello(protocolVersion: 1, clientName: "health-cli/0.1", token: "tok_3f9a"))

    static let helloReply = Message.helloReply(
        HelloReply(protocolVersion: 1, serverName: "healthd", maxFrameBytes: 16 << 20))

    static let submit = Message.submit(
        Submit(
            user: "alice", mode: .inline,
            records: .vitals([
                VitalRecord(
                    metric: "heart_rate", value: 62, unit: "count/min", startMs: 1_709_280_000_000,
                    offsetMinutes: 60, source: "watch", sourceRecordId: "hr-1", version: 2),
                VitalRecord(
                    metric: "body_mass", value: 71.5, unit: "kg", startMs: 1_709_280_000_000,
                    endMs: 1_709_280_060_000, offsetMinutes: nil),
            ])))

    static let submitReply = Message.submitReply(
        SubmitReply(
            accepted: 1, updated: 0, unchanged: 0, pending: 0,
            failures: [RecordFailure(index: 1, reason: "value out of range")]))

    static let query = Message.query(
        Query(
            user: "alice", codes: ["heart_rate", "8867-4"], granularity: .day,
            from: CivilDate(year: 2024, month: 3, day: 1), to: CivilDate(year: 2024, month: 3, day: 31)))

    static let queryByMeal = Message.query(
        Query(
            user: "alice", domain: .nutrition, codes: ["protein"], granularity: .day,
            from: CivilDate(year: 2024, month: 3, day: 1), to: CivilDate(year: 2024, month: 3, day: 1), byMeal: true))

    static let submitNutrition = Message.submit(
        Submit(
            user: "alice", mode: .inline,
            records: .nutrition([
                NutritionRecord(
                    eatenMs: 1_709_280_000_000, offsetMinutes: 60, meal: "breakfast", food: "Oats", amount: "40 g",
                    nutrients: [
                        NutrientAmount(nutrient: "energy", value: 150, unit: "kcal"),
                        NutrientAmount(nutrient: "protein", value: 5.5, unit: "g"),
                    ], source: "cronometer", sourceRecordId: "c-1", version: 0)
            ])))

    static let submitLabs = Message.submit(
        Submit(
            user: "alice", mode: .queued,
            records: .labs([
                LabRecord(
                    test: "HbA1c", code: "4548-4", valueText: "6.8", unit: "%", referenceLow: 4, referenceHigh: 5.6,
                    collectedMs: 1_709_280_000_000, offsetMinutes: 0, reportId: "r-7", source: "fhir",
                    sourceRecordId: "obs-1"),
                LabRecord(
                    test: "CRP", valueText: "<0.5", unit: "mg/L", referenceText: "below 5",
                    collectedMs: 1_709_280_000_000, offsetMinutes: nil, timeIsIssued: true),
            ])))

    static let trigger = Message.trigger(
        Trigger(user: "alice", domain: .labs, priority: -3, work: [.retryFailed, .rebuild]))

    static let triggerReply = Message.triggerReply(
        TriggerReply(jobId: 42, priority: 5, work: [.pending, .retryFailed], queueDepth: 2))

    static let verify = Message.verify(Verify(user: "alice"))

    static let verifyAll = Message.verify(Verify())

    static let verifyReply = Message.verifyReply(
        VerifyReply(mismatches: ["vitals_day user 1 metric 1 bucket 19783: count 2, recomputed 3"]))

    static let queryReply = Message.queryReply(
        QueryReply(series: [
            RollupSeries(
                code: "heart_rate", loinc: "8867-4", unit: "/min", granularity: .day,
                rows: [
                    RollupRow(
                        key: 19_783,
                        stats: RollupStats(
                            count: 2, sum: 130, minimum: 60, maximum: 70, sumOfSquares: 8500,
                            firstTime: 1_709_280_000_000, firstValue: 60, lastTime: 1_709_283_600_000,
                            lastValue: 70))
                ]),
            RollupSeries(
                code: "4548-4", loinc: "4548-4", unit: "%", granularity: .quarter,
                rows: [
                    RollupRow(
                        key: 2024 * 4,
                        stats: RollupStats(
                            count: 3, sum: 6.8, minimum: 6.8, maximum: 6.8, sumOfSquares: 46.24,
                            firstTime: 1_709_280_000_000, firstValue: 6.8, lastTime: 1_709_280_000_000,
                            lastValue: 6.8),
                        abnormal: 1, censored: 1, qualitative: 1)
                ]),
            RollupSeries(
                code: "protein", loinc: "", unit: "g", granularity: .day, group: "breakfast",
                rows: [
                    RollupRow(
                        key: 19_783,
                        stats: RollupStats(
                            count: 1, sum: 5.5, minimum: 5.5, maximum: 5.5, sumOfSquares: 30.25,
                            firstTime: 1_709_280_000_000, firstValue: 5.5, lastTime: 1_709_280_000_000,
                            lastValue: 5.5),
                        days: 1)
                ]),
        ]))

    static let latest = Message.latest(Latest(user: "alice"))

    static let latestReply = Message.latestReply(
        LatestReply(values: [
            LatestValue(
                code: "heart_rate", loinc: "8867-4", unit: "/min", time: 1_709_283_600_000, offsetMinutes: -300,
                value: 70)
        ]))

    static let status = Message.status(Status())

    static let statusReply = Message.statusReply(
        StatusReply(counters: [
            StatusCounter(name: "server.connections", value: 3), StatusCounter(name: "vitals.raw.failed", value: 0),
        ]))

    static let error = Message.error(ErrorReply(code: .unknownCode, message: "unknown metric", recordIndex: 4))

    /// An Error with a code this protocol version does not define.
    static let errorWithUnknownCode = Message.error(
        ErrorReply(rawCode: 0x0100, message: "newer server", recordIndex: nil))

    /// The samples above by vector name, in message type order.
    static let named: [(name: String, message: Message)] = [
        ("hello", hello), ("helloReply", helloReply), ("submit", submit), ("submitReply", submitReply),
        ("query", query), ("queryReply", queryReply), ("latest", latest), ("latestReply", latestReply),
        ("status", status), ("statusReply", statusReply), ("error", error),
        ("queryByMeal", queryByMeal), ("submitNutrition", submitNutrition), ("submitLabs", submitLabs),
        ("trigger", trigger), ("triggerReply", triggerReply), ("verify", verify), ("verifyAll", verifyAll),
        ("verifyReply", verifyReply),
        ("errorUnknownCode", errorWithUnknownCode),
    ]

    /// Messages with extreme values: empty and long lists, Int64 bounds, infinities, non-ASCII text.
    static let edgeCases: [Message] = [
        .hello(Hello(protocolVersion: UInt32.max, clientName: "", token: "")),
        .helloReply(HelloReply(protocolVersion: 0, serverName: "sérveur ✓", maxFrameBytes: UInt32.max)),
        .submit(Submit(user: "", mode: .serverDefault, records: .vitals([]))),
        .submit(Submit(user: "bob", mode: .queued, records: .vitals([extremeRecord, extremeRecord]))),
        .submitReply(SubmitReply(accepted: .max, updated: 0, unchanged: 1 << 35, pending: 7, failures: [])),
        .query(
            Query(
                user: "zoë", domain: .labs, codes: [], granularity: .year,
                from: CivilDate(year: -4000, month: 1, day: 1), to: CivilDate(year: 9999, month: 12, day: 31))),
        .queryReply(QueryReply(series: [])),
        .queryReply(
            QueryReply(series: [
                RollupSeries(code: "a", loinc: "", unit: "", granularity: .hour, rows: []),
                RollupSeries(
                    code: "b", loinc: "1-1", unit: "u", granularity: .quarter,
                    rows: [
                        RollupRow(key: .min, stats: RollupStats()),
                        RollupRow(
                            key: .max,
                            stats: RollupStats(
                                count: .max, sum: -0.0, minimum: -.infinity, maximum: .infinity,
                                sumOfSquares: .greatestFiniteMagnitude, firstTime: .min,
                                firstValue: .leastNonzeroMagnitude,
                                lastTime: .max, lastValue: -1e300)),
                    ]),
            ])),
        .latest(Latest(user: "alice", domain: .nutrition, codes: ["heart_rate", "", "日本語"])),
        .latestReply(LatestReply(values: [])),
        .statusReply(StatusReply(counters: [StatusCounter(name: "x", value: .min)])),
        .error(ErrorReply(code: .internalError, message: "", recordIndex: UInt32.max)),
        .error(ErrorReply(rawCode: UInt16.max, message: "m", recordIndex: 0)),
    ]

    static let extremeRecord = VitalRecord(
        metric: "🫀", value: -.infinity, unit: "mmol<180.1558800000541>/L", startMs: .max, endMs: .min,
        offsetMinutes: Int(Int64.min), source: "s", sourceRecordId: "", version: .min)

    /// Returns a submit of `count` similar records, large enough to be compressed at the default threshold.
    static func largeSubmit(count: Int) -> Message {
        let records = (0..<count).map { index in
            VitalRecord(
                metric: "heart_rate", value: Double(60 + index % 20), unit: "count/min",
                startMs: 1_709_280_000_000 + Int64(index) * 60_000, offsetMinutes: 60, source: "watch",
                sourceRecordId: "hr-\(index)", version: 1)
        }
        return .submit(Submit(user: "alice", mode: .queued, records: .vitals(records)))
    }
}

/// SplitMix64, a small seeded generator so that fuzz and chunking tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// Decodes a hex string, ignoring whitespace. Returns nil for an odd digit count or a non-hex character.
    static func decode(_ text: String) -> [UInt8]? {
        let digits = text.filter { !$0.isWhitespace }.map { $0.hexDigitValue }
        guard digits.count % 2 == 0, !digits.contains(nil) else { return nil }
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(digits[$0]! << 4 | digits[$0 + 1]!) }
    }
}

/// The shared vectors file, read from the package directory because SwiftPM embeds only .sql and .tsv files.
enum WireVectors {
    struct Vector {
        var name: String
        /// The ErrorCode name for a `!` vector, nil for a valid frame.
        var expectedError: String?
        var bytes: [UInt8]
    }

    static var fileURL: URL {
        // Tests/HealthWireTests/WireTestSupport.swift -> package root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schema/wire-vectors.txt")
    }

    /// Parses `name<TAB>hex` and `!errorCode.detail<TAB>hex` lines; `#` lines and blank lines are skipped.
    static func load() throws -> [Vector] {
        let text = try String(contentsOf: fileURL, encoding: .utf8)
        var vectors: [Vector] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let bytes = Hex.decode(String(fields[1])) else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "bad line \(number + 1)"])
            }
            var name = String(fields[0])
            var expectedError: String?
            if name.hasPrefix("!") {
                name.removeFirst()
                expectedError = String(name.split(separator: ".")[0])
            }
            vectors.append(Vector(name: name, expectedError: expectedError, bytes: bytes))
        }
        return vectors
    }
}

extension WireError {
    /// The ErrorCode case name, as error vectors spell it.
    var codeName: String { "\(code)" }
}
