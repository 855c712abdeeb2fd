// The bytes of an Apple Health export: a plain export.xml read from its file, or the `export.xml` member of an
// export.zip streamed out of the archive by the `unzip` program. A zip is recognized by its magic bytes, not by
// the file name. Either way the bytes arrive in chunks, so memory does not grow with the export.

import Foundation
import Glibc

final class ExportSource {
    let path: String
    /// The size of the XML when it is known in advance (a plain file), for progress percentages.
    let expectedBytes: Int64?
    /// The archive member being read, for a zip.
    let memberName: String?

    private let descriptor: Int32
    private let process: Process?
    /// unzip's standard output, kept so its descriptor stays open while it is read.
    private let outputPipe: Pipe?
    private let errorPipe: Pipe?

    /// Opens `path`; throws `CommandFailure` when it cannot be read, or is a zip without `export.xml` or
    /// cannot be unpacked.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CommandFailure("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) != S_IFDIR else {
            Glibc.close(fd)
            throw CommandFailure("cannot read \(path): it is a directory")
        }

        guard ExportSource.startsWithZipMagic(fd) else {
            descriptor = fd
            expectedBytes = Int64(status.st_size)
            memberName = nil
            process = nil
            outputPipe = nil
            errorPipe = nil
            return
        }
        Glibc.close(fd)
        let unzip = try ExportSource.findUnzip(for: path)
        let member = try ExportSource.exportMember(of: path, unzip: unzip)
        let (process, output, errors) = try ExportSource.startUnzip(
            unzip, arguments: ["-p", path, ExportSource.escapePattern(member)])
        self.descriptor = output.fileHandleForReading.fileDescriptor
        self.expectedBytes = nil
        self.memberName = member
        self.process = process
        self.outputPipe = output
        self.errorPipe = errors
    }

    /// Reads up to `buffer.count` bytes; returns 0 at the end of the export.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress!, buffer.count)
            if count >= 0 {
                return count
            }
            if errno != EINTR {
                throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Closes the file, or waits for `unzip` and throws when it failed.
    func close() throws {
        guard let process, let outputPipe else {
            Glibc.close(descriptor)
            return
        }
        try? outputPipe.fileHandleForReading.close()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            let message = errorPipe.map { String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
            throw CommandFailure(
                "unzip failed on \(path) with status \(process.terminationStatus): "
                    + (message ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    // MARK: - Zip archives

    private static func startsWithZipMagic(_ fd: Int32) -> Bool {
        var magic = [UInt8](repeating: 0, count: 4)
        let count = pread(fd, &magic, 4, 0)
        return count == 4 && magic == [0x50, 0x4B, 0x03, 0x04]
    }

    private static func findUnzip(for path: String) throws -> URL {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("unzip")
            if access(candidate.path, X_OK) == 0 {
                return candidate
            }
        }
        throw CommandFailure(
            "cannot read \(path): it is a zip archive and the 'unzip' program is not installed;"
                + " install unzip or extract export.xml and import that file")
    }

    /// Returns the archive member named `export.xml`, never `export_cda.xml`. It may be in any folder, and the
    /// shortest path wins.
    private static func exportMember(of path: String, unzip: URL) throws -> String {
        let (process, output, errors) = try startUnzip(unzip, arguments: ["-Z1", path])
        let listing = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw CommandFailure(
                "cannot list the zip archive \(path): "
                    + message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let members = String(decoding: listing, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        let candidates = members.filter { $0 == "export.xml" || $0.hasSuffix("/export.xml") }
        guard let member = candidates.min(by: { $0.count < $1.count }) else {
            throw CommandFailure("the zip archive \(path) contains no export.xml")
        }
        return member
    }

    private static func startUnzip(_ unzip: URL, arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = unzip
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CommandFailure("cannot run \(unzip.path): \(error.localizedDescription)")
        }
        return (process, output, errors)
    }

    /// Escapes the wildcard characters that unzip interprets in member names.
    private static func escapePattern(_ name: String) -> String {
        var escaped = ""
        for character in name {
            if "[]*?\\".contains(character) {
                escaped.append("\\")
            }
            escaped.append(character)
        }
        return escaped
    }
}
