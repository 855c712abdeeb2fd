// The one errno-checking wrapper around the Glibc calls the client makes.

import Glibc

/// Runs `body` until it returns something other than -1 with errno EINTR.
///
/// Returns the result when it is not -1, and nil for EAGAIN or EWOULDBLOCK (a non-blocking call that would
/// block). Throws `ClientError.systemCallFailed` with the call's name and errno for any other failure.
@discardableResult
func systemCall<Result: FixedWidthInteger>(_ name: String, _ body: () -> Result) throws(ClientError) -> Result? {
    while true {
        let result = body()
        if result != -1 {
            return result
        }
        let code = errno
        if code == EINTR {
            continue
        }
        if code == EAGAIN || code == EWOULDBLOCK {
            return nil
        }
        throw ClientError.systemCallFailed(call: name, errno: code)
    }
}
