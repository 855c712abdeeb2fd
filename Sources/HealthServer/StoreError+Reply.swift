// The mapping of store errors that the client can fix to the Error replies they become.

import HealthStore
import HealthWire

extension StoreError {
    /// The Error reply for a mistake in the request (unknown user or code, bad argument); nil for faults of the
    /// server itself, which the client can't fix and which are logged instead.
    var clientReply: ErrorReply? {
        switch code {
        case .unknownUser: return ErrorReply(code: .unknownUser, message: message)
        case .unknownCode: return ErrorReply(code: .unknownCode, message: message)
        case .invalidArgument: return ErrorReply(code: .invalidArgument, message: message)
        case .sqlite(let extended) where extended & 0xff == 5 || extended & 0xff == 6:
            return ErrorReply(code: .unavailable, message: "the database is busy; retry the request")
        case .sqlite, .incompatibleSchema, .closed: return nil
        }
    }
}
