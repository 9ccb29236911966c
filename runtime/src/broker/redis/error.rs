//! Turning Redis failures and script replies into [`BrokerError`]s.

use redis::{ErrorKind, RedisError};

use crate::broker::BrokerError;

/// Maps a Redis client or server error.
pub(crate) fn from_redis(error: RedisError) -> BrokerError {
    if is_auth_failure(&error) {
        return BrokerError::AuthFailed;
    }
    match error.kind() {
        ErrorKind::InvalidClientConfig => {
            BrokerError::InvalidAddress(error.detail().unwrap_or("invalid settings").to_owned())
        }
        _ => BrokerError::Unavailable(error.to_string()),
    }
}

fn is_auth_failure(error: &RedisError) -> bool {
    error.kind() == ErrorKind::AuthenticationFailed
        || matches!(error.code(), Some("WRONGPASS" | "NOAUTH"))
}

/// The reply of a script that moves an active task: 1 when done, 0 for asynq's
/// `NOT FOUND`.
pub(crate) fn moved(reply: i64) -> Result<(), BrokerError> {
    match reply {
        1 => Ok(()),
        0 => Err(BrokerError::NotFound),
        other => Err(unexpected_reply(other)),
    }
}

/// An integer reply that no script in this module returns.
pub(crate) fn unexpected_reply(reply: i64) -> BrokerError {
    BrokerError::Unavailable(format!("unexpected script reply {reply}"))
}
