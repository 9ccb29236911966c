//! Task ids that are not UTF-8.
//!
//! asynq's ids are text and a [`TaskRef`](crate::broker::TaskRef) holds a `&str`, so
//! such an id cannot be handed to the worker as it is, and a lossy copy names another
//! key: writes made with it would never reach the task, which would then stay in
//! `active` for good. The broker therefore quarantines such an id itself, by its raw
//! bytes, wherever it meets one that it has just leased (dequeue) or found expired
//! (lease recovery), and does not report it. The memory broker keys tasks by `String`
//! and cannot hold such an id at all.
//!
//! The broker does not know the worker's [`QuarantineLimits`], so these entries are
//! trimmed with the defaults, and the worker's refusal counters do not see them.

use redis::aio::ConnectionManager;
use tracing::warn;

use super::quarantine::quarantine_id_bytes;
use crate::broker::{BrokerError, QuarantineLimits, QuarantineNote};
use crate::names::log_name;
use crate::reason::{Reason, Rejection};

/// A leased task as a script reported it, its id still as bytes, with what was read of
/// its `msg`.
#[derive(Debug)]
pub(crate) struct RawTask {
    /// The id as Redis holds it.
    pub(crate) id: Vec<u8>,
    /// The raw `msg`, when it was read.
    pub(crate) message: Option<Vec<u8>>,
    /// Length of the `msg` in bytes; 0 when there was none.
    pub(crate) len: usize,
}

/// Quarantines `found` as a malformed message, by its raw id.
pub(crate) async fn quarantine_unreadable(
    conn: &mut ConnectionManager,
    queue: &str,
    found: &RawTask,
) -> Result<(), BrokerError> {
    let rejection = Rejection::new(Reason::MalformedMessage);
    let note = QuarantineNote {
        rejection: &rejection,
        task_type: None,
        message_len: found.len,
        message: found.message.as_deref(),
    };
    let limits = QuarantineLimits::default();
    let result = quarantine_id_bytes(conn, queue, &found.id, &note, &limits).await;
    let task_id = String::from_utf8_lossy(&found.id);
    match &result {
        Ok(()) => warn!(
            queue = ?log_name(queue),
            task_id = ?log_name(&task_id),
            reason = rejection.reason.code(),
            len = found.len,
            "task id not utf-8, quarantined"
        ),
        Err(e) => warn!(
            queue = ?log_name(queue),
            task_id = ?log_name(&task_id),
            error = %e,
            "task id not utf-8, quarantine failed"
        ),
    }
    result
}
