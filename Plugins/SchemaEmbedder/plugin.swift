// Build tool plugin: compiles the files of schema/ into the HealthSchema target as string constants.
import Foundation
import PackagePlugin

@main
struct SchemaEmbedder: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let schemaDirectory = context.package.directoryURL.appendingPathComponent("schema")
        let names = try FileManager.default.contentsOfDirectory(atPath: schemaDirectory.path)
            .filter { $0.hasSuffix(".sql") || $0.hasSuffix(".tsv") }
            .sorted()
        let inputs = names.map { schemaDirectory.appendingPathComponent($0) }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedSchema.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) schema files",
                executable: try context.tool(named: "schema-embed").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs + [schemaDirectory],
                outputFiles: [output])
        ]
    }
}
