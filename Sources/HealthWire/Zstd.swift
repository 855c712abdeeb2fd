// zstd compression of frame payloads, with decompression bounded so that a small hostile frame cannot make
// the receiver allocate more output than its limit. Compression runs on large replies and submits at level 1;
// decompression runs on every frame with flag bit 0 set.

import CZstd

/// zstd (RFC 8878) helpers for frame payloads, using the system libzstd.
public enum Zstd {
    /// `ZSTD_CONTENTSIZE_UNKNOWN` and `ZSTD_CONTENTSIZE_ERROR` of zstd.h, which Swift does not import.
    private static let contentSizeUnknown = UInt64.max
    private static let contentSizeError = UInt64.max - 1

    /// Compresses `bytes` into one zstd frame at `level`.
    ///
    /// The frame header carries the content size unless `includeContentSize` is false; tests clear it to reach
    /// the receiver's streaming path. Returns nil only if libzstd reports an error (it should not for valid
    /// levels).
    public static func compress(_ bytes: [UInt8], level: Int32 = 1, includeContentSize: Bool = true) -> [UInt8]? {
        guard let context = ZSTD_createCCtx() else { return nil }
        defer { ZSTD_freeCCtx(context) }
        guard ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)) == 0,
            ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, includeContentSize ? 1 : 0)) == 0
        else { return nil }

        let capacity = ZSTD_compressBound(bytes.count)
        var failed = false
        let compressed = [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { output, initializedCount in
            let written = bytes.withUnsafeBytes { input in
                ZSTD_compress2(context, output.baseAddress, capacity, input.baseAddress, input.count)
            }
            failed = ZSTD_isError(written) != 0
            initializedCount = failed ? 0 : written
        }
        return failed ? nil : compressed
    }

    /// Decompresses one zstd frame, producing at most `maxBytes` bytes.
    ///
    /// When the frame header declares its content size, a size above `maxBytes` is rejected before anything is
    /// allocated and the output buffer gets exactly that size. Without a declared size the frame is decoded in
    /// chunks and rejected as soon as the output would pass `maxBytes`, and the output buffer never grows past
    /// `maxBytes`. In that mode libzstd also keeps a window buffer, capped at `maxBytes` rounded down to a power
    /// of two but at least 1 MiB; frames that ask for a larger window are rejected.
    ///
    /// - Throws: `decompressionFailed` for corrupt or truncated data, bytes after the first frame, or output
    ///   above `maxBytes`.
    public static func decompress(_ bytes: [UInt8], maxBytes: Int) throws(WireError) -> [UInt8] {
        let declared = bytes.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        switch declared {
        case contentSizeError:
            throw WireError(.decompressionFailed, "compressed payload is not a valid zstd frame")
        case contentSizeUnknown:
            return try decompressStreaming(bytes, maxBytes: maxBytes)
        case let size where size > UInt64(max(maxBytes, 0)):
            throw WireError(
                .decompressionFailed, "declared decompressed size \(size) is above the maximum of \(maxBytes) bytes")
        default:
            return try decompressKnownSize(bytes, size: Int(declared))
        }
    }

    private static func decompressKnownSize(_ bytes: [UInt8], size: Int) throws(WireError) -> [UInt8] {
        let frameSize = bytes.withUnsafeBytes { ZSTD_findFrameCompressedSize($0.baseAddress, $0.count) }
        guard ZSTD_isError(frameSize) == 0, frameSize == bytes.count else {
            throw WireError(.decompressionFailed, "compressed payload is not exactly one complete zstd frame")
        }
        guard let context = ZSTD_createDCtx() else {
            throw WireError(.decompressionFailed, "libzstd could not create a decompression context")
        }
        defer { ZSTD_freeDCtx(context) }

        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, initializedCount in
            let written = bytes.withUnsafeBytes { input in
                ZSTD_decompressDCtx(context, buffer.baseAddress, size, input.baseAddress, input.count)
            }
            failed = ZSTD_isError(written) != 0 || written != size
            initializedCount = failed ? 0 : written
        }
        guard !failed else {
            throw WireError(.decompressionFailed, "compressed payload is corrupt or does not match its declared size")
        }
        return output
    }

    private static func decompressStreaming(_ bytes: [UInt8], maxBytes: Int) throws(WireError) -> [UInt8] {
        guard let context = ZSTD_createDCtx() else {
            throw WireError(.decompressionFailed, "libzstd could not create a decompression context")
        }
        defer { ZSTD_freeDCtx(context) }
        guard ZSTD_isError(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, windowLogMax(for: maxBytes))) == 0
        else {
            throw WireError(.decompressionFailed, "libzstd rejected the window size limit")
        }

        let outcome = bytes.withUnsafeBytes { input in
            decodeChunks(context: context, input: input, maxBytes: maxBytes)
        }
        switch outcome {
        case .success(let output): return output
        case .failure(let error): throw error
        }
    }

    /// Runs `ZSTD_decompressStream` over `input` until the frame ends, appending each output chunk after checking
    /// that it keeps the total within `maxBytes`.
    private static func decodeChunks(
        context: OpaquePointer, input: UnsafeRawBufferPointer, maxBytes: Int
    ) -> Result<[UInt8], WireError> {
        let chunkSize = ZSTD_DStreamOutSize()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
        defer { chunk.deallocate() }
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var output: [UInt8] = []

        while true {
            let inputBefore = source.pos
            var target = ZSTD_outBuffer(dst: chunk.baseAddress, size: chunkSize, pos: 0)
            let remaining = ZSTD_decompressStream(context, &target, &source)
            if ZSTD_isError(remaining) != 0 {
                return .failure(WireError(.decompressionFailed, "compressed payload is corrupt"))
            }
            if target.pos > maxBytes - output.count {
                return .failure(
                    WireError(.decompressionFailed, "decompressed payload is above the maximum of \(maxBytes) bytes"))
            }
            let newCount = output.count + target.pos
            if newCount > output.capacity {
                // Grow geometrically as append would, but never past the limit.
                output.reserveCapacity(min(maxBytes, max(newCount, output.capacity * 2)))
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<target.pos]))

            if remaining == 0 {
                guard source.pos == source.size else {
                    return .failure(
                        WireError(.decompressionFailed, "compressed payload has bytes after its zstd frame"))
                }
                return .success(output)
            }
            let starved = source.pos == source.size && target.pos < target.size
            let stalled = source.pos == inputBefore && target.pos == 0
            if starved || stalled {
                return .failure(WireError(.decompressionFailed, "compressed payload is truncated"))
            }
        }
    }

    /// Returns the base-2 log of `maxBytes` rounded down, clamped to 20 (1 MiB) ... 31 (the largest zstd window
    /// log on 64-bit platforms, `ZSTD_WINDOWLOG_MAX_64` in zstd.h).
    private static func windowLogMax(for maxBytes: Int) -> Int32 {
        var log: Int32 = 20
        while log < 31 && (1 << (log + 1)) <= maxBytes {
            log += 1
        }
        return log
    }
}
