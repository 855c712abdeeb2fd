// Name resolution and the TCP connect of HealthClient.

import Glibc

extension HealthClient {
    /// Resolves `host` and connects to the first address that accepts; returns the socket with TCP_NODELAY set.
    static func connect(host: String, port: UInt16) throws(ClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw ClientError.resolveFailed(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }

        var lastErrno: Int32 = ECONNREFUSED
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            guard fd >= 0 else {
                lastErrno = errno
                continue
            }
            let code = connectSocket(fd, current.pointee.ai_addr, current.pointee.ai_addrlen)
            if code == 0 {
                var enabled: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastErrno = code
            Glibc.close(fd)
        }
        throw ClientError.connectFailed(host: host, port: port, errno: lastErrno)
    }

    /// Connects a blocking socket; returns 0 or the errno of the failure.
    ///
    /// A connect interrupted by a signal goes on in the background and must not be repeated (a second call
    /// fails with EALREADY), so on EINTR this waits for the socket to become writable and reads SO_ERROR.
    private static func connectSocket(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        if Glibc.connect(fd, address, length) == 0 {
            return 0
        }
        let code = errno
        guard code == EINTR else {
            return code
        }
        var pollEntry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while poll(&pollEntry, 1, -1) < 0 {
            if errno != EINTR {
                return errno
            }
        }
        var socketError: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &size) == 0 else {
            return errno
        }
        return socketError
    }
}
