//! The asynq v0.26 protobuf messages, encoded and decoded by hand.
//!
//! `TaskMessage` is decoded with caps on its header map, and rewritten by patching only
//! the fields that change, so that headers and any field this crate does not know
//! survive a retry, an archive or a completion byte for byte. `ServerInfo` and
//! `WorkerInfo` carry the heartbeat.

use std::collections::BTreeMap;

mod heartbeat;
mod patch;
mod record;
mod task_message;
#[cfg(test)]
mod tests;

pub use heartbeat::{ServerInfo, Timestamp, WorkerInfo};
pub use patch::rewrite;

/// A decoded asynq `TaskMessage` (the `msg` field of a task hash).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskMessage {
    /// Task type name (field 1).
    pub type_name: String,
    /// Raw payload bytes (field 2).
    pub payload: Vec<u8>,
    /// Free-form headers (field 15, new in asynq v0.26).
    pub headers: BTreeMap<String, String>,
    /// Task id (field 3).
    pub id: String,
    /// Queue name (field 4).
    pub queue: String,
    /// Maximum retry count (field 5).
    pub retry: i32,
    /// Retries consumed so far (field 6).
    pub retried: i32,
    /// Error text of the last failure (field 7).
    pub error_msg: String,
    /// Unix seconds of the last failure, 0 if none (field 11).
    pub last_failed_at: i64,
    /// Per-attempt timeout in seconds, 0 if none (field 8).
    pub timeout: i64,
    /// Absolute deadline in Unix seconds, 0 if none (field 9).
    pub deadline: i64,
    /// Uniqueness lock key, empty if none (field 10).
    pub unique_key: String,
    /// Group name, empty if none (field 14).
    pub group_key: String,
    /// Seconds to keep the task after success (field 12).
    pub retention: i64,
    /// Unix seconds of completion (field 13).
    pub completed_at: i64,
}

/// Caps applied while decoding a `TaskMessage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Most header entries accepted.
    pub max_headers: usize,
    /// Most bytes accepted across all header keys and values.
    pub max_header_bytes: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self {
            max_headers: 64,
            max_header_bytes: 16 * 1024,
        }
    }
}

/// The fields a worker changes when it retries, archives or completes a task.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageUpdate {
    /// New `retried` value.
    pub retried: Option<i32>,
    /// New `error_msg` value.
    pub error_msg: Option<String>,
    /// New `last_failed_at` value.
    pub last_failed_at: Option<i64>,
    /// New `completed_at` value.
    pub completed_at: Option<i64>,
}

/// A `TaskMessage` or other protobuf message could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The bytes are not a valid protobuf encoding of the message.
    #[error("malformed protobuf: {0}")]
    Malformed(&'static str),
    /// The header map is over its caps.
    #[error("too many or too large headers")]
    HeadersOverCap,
}
