// swift-tools-version:6.0
// The health-data store: the `healthd` server, the `health` CLI and their libraries.
import PackageDescription

let package = Package(
    name: "health-store",
    products: [
        .executable(name: "healthd", targets: ["healthd"]),
        .executable(name: "health", targets: ["health"]),
        .executable(name: "health-bench", targets: ["health-bench"]),
        .library(name: "HealthClient", targets: ["HealthClient"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),

        // Embeds schema/*.sql and the catalogs into the binaries, so no install step has to place them.
        .executableTarget(name: "schema-embed", path: "Sources/schema-embed"),
        .plugin(name: "SchemaEmbedder", capability: .buildTool(), dependencies: ["schema-embed"]),
        .target(name: "HealthSchema", path: "Sources/HealthSchema", plugins: ["SchemaEmbedder"]),

        .target(name: "HealthDomain", path: "Sources/HealthDomain"),
        .target(name: "HealthWire", dependencies: ["HealthDomain", "CZstd"], path: "Sources/HealthWire"),
        .target(
            name: "HealthStore", dependencies: ["HealthDomain", "HealthSchema", "CSQLite"], path: "Sources/HealthStore",
            exclude: ["DESIGN.md"]),
        .target(
            name: "HealthServer", dependencies: ["HealthWire", "HealthStore", "HealthDomain", "HealthSchema"],
            path: "Sources/HealthServer"),
        .executableTarget(name: "healthd", dependencies: ["HealthServer"], path: "Sources/healthd"),

        .target(name: "HealthClient", dependencies: ["HealthWire", "HealthDomain"], path: "clients/HealthClient"),
        .target(
            name: "HealthCLI", dependencies: ["HealthClient", "HealthDomain", "HealthSchema"], path: "clients/HealthCLI"),
        .executableTarget(name: "health", dependencies: ["HealthCLI"], path: "clients/health"),

        .executableTarget(
            name: "health-bench", dependencies: ["HealthBench"], path: "bench/Sources/health-bench"),
        .target(
            name: "HealthBench", dependencies: ["HealthClient", "HealthCLI", "HealthDomain", "HealthWire", "CSQLite"],
            path: "bench/Sources/HealthBench"),

        .testTarget(name: "HealthDomainTests", dependencies: ["HealthDomain", "HealthSchema"]),
        .testTarget(name: "HealthWireTests", dependencies: ["HealthWire"]),
        .testTarget(name: "HealthStoreTests", dependencies: ["HealthStore", "HealthDomain", "CSQLite"]),
        .testTarget(name: "HealthCLITests", dependencies: ["HealthCLI", "HealthClient"], exclude: ["Fixtures"]),
        .testTarget(
            name: "HealthServerTests",
            dependencies: ["HealthServer", "HealthClient", "HealthWire", "HealthStore", "healthd", "health"]),
    ]
)
