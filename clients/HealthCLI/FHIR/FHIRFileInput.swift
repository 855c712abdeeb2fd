// Reading FHIR files from disk: a JSON document whole, or an NDJSON file line by line in fixed-size chunks, so
// that memory for NDJSON grows with the longest line rather than with the file.

import Glibc

struct FHIRFileInput {
    /// Largest JSON document read whole. The parsed tree takes several times the file size in memory.
    static let maximumDocumentBytes = 512 << 20
    /// Largest NDJSON line; one resource per line is far smaller.
    static let maximumLineBytes = 128 << 20
    static let chunkBytes = 1 << 20

    let path: String
    private let descriptor: Int32
    /// File size from fstat.
    let size: Int

    /// Opens `path` for reading; throws when it is missing, unreadable or a directory.
    init(path: String) throws(FHIRImportError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FHIRImportError(path: path, message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw FHIRImportError(path: path, message: "cannot read the file: \(message)")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            Glibc.close(fd)
            throw FHIRImportError(path: path, message: "is a directory; name the FHIR files inside it")
        }
        descriptor = fd
        size = Int(status.st_size)
    }

    func close() {
        Glibc.close(descriptor)
    }

    /// Reads the whole file, refusing files above `maximumDocumentBytes`.
    func readAll() throws(FHIRImportError) -> [UInt8] {
        guard size <= Self.maximumDocumentBytes else {
            throw FHIRImportError(
                path: path,
                message: "the file has \(size >> 20) MiB, more than the \(Self.maximumDocumentBytes >> 20) MiB a JSON "
                    + "document may have; convert it to NDJSON (one resource per line, file name ending in .ndjson), "
                    + "which is read line by line")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        while true {
            let count = try readChunk(into: &chunk)
            if count == 0 {
                return bytes
            }
            bytes += chunk[0..<count]
        }
    }

    /// Calls `body` with each line (without its `\n` or `\r\n`) and its 1-based number.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) throws(FHIRImportError) {
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        var pending: [UInt8] = []
        var lineNumber = 0
        while true {
            let count = try readChunk(into: &chunk)
            if count == 0 {
                break
            }
            var lineStart = 0
            for index in 0..<count where chunk[index] == 0x0A {
                lineNumber += 1
                if pending.isEmpty {
                    chunk.withUnsafeBufferPointer {
                        body(Self.trimmingCarriageReturn($0, lineStart..<index), lineNumber)
                    }
                } else {
                    pending += chunk[lineStart..<index]
                    pending.withUnsafeBufferPointer { body(Self.trimmingCarriageReturn($0, 0..<$0.count), lineNumber) }
                    pending.removeAll(keepingCapacity: true)
                }
                lineStart = index + 1
            }
            pending += chunk[lineStart..<count]
            guard pending.count <= Self.maximumLineBytes else {
                throw FHIRImportError(
                    path: path,
                    message: "line \(lineNumber + 1) is longer than \(Self.maximumLineBytes >> 20) MiB; an NDJSON "
                        + "file holds one resource per line")
            }
        }
        if !pending.isEmpty {
            pending.withUnsafeBufferPointer { body(Self.trimmingCarriageReturn($0, 0..<$0.count), lineNumber + 1) }
        }
    }

    private func readChunk(into chunk: inout [UInt8]) throws(FHIRImportError) -> Int {
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count >= 0 {
                return count
            }
            if errno != EINTR {
                throw FHIRImportError(path: path, message: "cannot read the file: \(String(cString: strerror(errno)))")
            }
        }
    }

    static func trimmingCarriageReturn(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
        -> UnsafeBufferPointer<UInt8>
    {
        var end = range.upperBound
        if end > range.lowerBound && bytes[end - 1] == 0x0D {
            end -= 1
        }
        return UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<end])
    }
}
