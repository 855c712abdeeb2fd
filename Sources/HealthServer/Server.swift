// The server: listens on TCP and runs one thread per connection. On request it shuts down in order: it stops
// accepting and reading, replies to every submit already handed to the writer, commits and closes the store.

import Foundation
import HealthDomain
import HealthSchema
import HealthStore
import HealthWire

/// The settings of `healthd`, as its command-line options set them.
public struct ServerConfiguration: Sendable {
    public var databasePath: String = "health.db"
    public var listen = ListenAddress(host: "127.0.0.1", port: 7070)
    public var limits = FrameLimits()
    /// Submits without an explicit mode are queued instead of processed inline.
    public var queuedByDefault = false
    /// Not incremental only for benchmark comparisons: `.off` is the ceiling, `.recompute` the approach that
    /// incremental rollups replace.
    public var rollupMode: RollupMode = .incremental
    /// Submits one connection may have waiting for the writer before its reads pause.
    public var maxInFlightSubmits = 32
    /// Path of a file to write the bound port to once listening (useful with port 0), or nil.
    public var portFile: String?
    public var logLevel: Logger.Level = .info

    public init() {}
}

/// State that every connection shares.
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let catalogs: StoreCatalogs
    let logger: Logger
    let counters: ServerCounters
    let writer: WriteCoordinator
    let serverName = "healthd"
    /// Replies above this many payload bytes are zstd compressed.
    let compressAbove = 1024

    init(configuration: ServerConfiguration, catalogs: StoreCatalogs, logger: Logger, counters: ServerCounters,
        writer: WriteCoordinator) {
        self.configuration = configuration
        self.catalogs = catalogs
        self.logger = logger
        self.counters = counters
        self.writer = writer
    }

    /// Builds the Error reply for a failure while serving a request, and logs faults of the server itself.
    func errorReply(for error: Error, connection: UInt64) -> ErrorReply {
        if let storeError = error as? StoreError, let reply = storeError.clientReply {
            return reply
        }
        logger.error("request failed", ["conn.id": connection, "error": error])
        return ErrorReply(code: .internalError, message: "internal error while serving the request; see the server log")
    }
}

public final class Server: @unchecked Sendable {
    private let context: ServerContext
    private let listenFd: Int32
    /// The address the server listens on, with the kernel's port when port 0 was asked for.
    public let boundAddress: ListenAddress
    private let lock = NSLock()
    private var connections: [UInt64: Connection] = [:]
    private var nextConnectionId: UInt64 = 1
    private var stopping = false
    private let connectionThreads = DispatchGroup()

    /// Opens the database (applying migrations) and starts listening; requests are served once `run()` is called.
    public init(configuration: ServerConfiguration) throws {
        let logger = Logger(level: configuration.logLevel)
        let catalogs = try StoreCatalogs.embedded()
        let counters = ServerCounters()
        logger.info("opening database", ["db.path": configuration.databasePath])
        let writer = try WriteCoordinator(
            path: configuration.databasePath, catalogs: catalogs,
            options: StoreOptions(rollupMode: configuration.rollupMode), logger: logger, counters: counters)
        context = ServerContext(
            configuration: configuration, catalogs: catalogs, logger: logger, counters: counters, writer: writer)

        let (fd, port) = try Socket.listen(on: configuration.listen)
        listenFd = fd
        boundAddress = ListenAddress(host: configuration.listen.host, port: port)
        if let portFile = configuration.portFile {
            try String(port).write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        logger.info("listening", ["addr": boundAddress, "processing": configuration.queuedByDefault ? "queued" : "inline"])
    }

    /// Accepts connections until `stop()`; then waits for every connection to finish and the writer to commit.
    public func run() {
        while true {
            let fd = accept(listenFd, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if isStopping { break }
                context.logger.warning("accept failed", ["error": SystemError(call: "accept", errno: errno)])
                usleep(10_000)
                continue
            }
            start(connectionOn: fd)
        }
        close(listenFd)
        connectionThreads.wait()
        context.writer.stop()
        context.logger.info("stopped")
    }

    /// Stops accepting and reading; `run()` returns once in-flight submits are committed. Safe from any thread.
    public func stop() {
        lock.lock()
        guard !stopping else {
            lock.unlock()
            return
        }
        stopping = true
        let open = Array(connections.values)
        lock.unlock()

        context.logger.info("shutting down", ["connections": open.count])
        shutdown(listenFd, Int32(SHUT_RDWR))
        for connection in open {
            shutdown(connection.fd, Int32(SHUT_RD))
        }
    }

    private var isStopping: Bool {
        lock.withLock { stopping }
    }

    private func start(connectionOn fd: Int32) {
        Socket.setNoDelay(fd)
        lock.lock()
        if stopping {
            lock.unlock()
            close(fd)
            return
        }
        let connection = Connection(fd: fd, id: nextConnectionId, context: context)
        nextConnectionId += 1
        connections[connection.id] = connection
        connectionThreads.enter()
        lock.unlock()

        context.counters.connectionOpened()
        context.logger.debug("connection opened", ["conn.id": connection.id])
        let thread = Thread { [self] in
            connection.run()
            lock.withLock { _ = connections.removeValue(forKey: connection.id) }
            context.counters.connectionClosed()
            context.logger.debug("connection closed", ["conn.id": connection.id])
            connectionThreads.leave()
        }
        thread.name = "healthd-conn-\(connection.id)"
        thread.start()
    }
}

public enum ServerError: Error, CustomStringConvertible {
    case missingCatalog(String)

    public var description: String {
        switch self {
        case .missingCatalog(let name): return "the catalog \(name) is not embedded in this build; rebuild healthd"
        }
    }
}
