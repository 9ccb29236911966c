//! Sending an active task back without finishing it: Requeue, Reschedule and
//! Quarantine.

use crate::names::log_name;
use std::time::SystemTime;

use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::unix_secs;
use super::error::{from_redis, moved, unexpected_reply};
use super::finish::run_archive_script;
use super::{keys, scripts};
use crate::broker::{BrokerError, TaskRef, quarantined_message};

/// The hash field that keeps the original `msg` of a quarantined task.
pub const ORIGINAL_MESSAGE_FIELD: &str = "vetted_original_msg";

/// Puts an active task back at the head of `pending` (asynq-protocol §5.12).
pub(crate) async fn requeue(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
) -> Result<(), BrokerError> {
    let TaskRef { queue, id } = task;
    let reply: i64 = scripts::REQUEUE
        .key(keys::active(queue))
        .key(keys::lease(queue))
        .key(keys::pending(queue))
        .key(keys::task(queue, id))
        .arg(id)
        .invoke_async(conn)
        .await
        .map_err(from_redis)?;
    moved(reply)?;
    debug!(queue, id, "task requeued");
    Ok(())
}

/// Moves an active task back to `scheduled` at `at`.
pub(crate) async fn reschedule(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
    at: SystemTime,
) -> Result<(), BrokerError> {
    let TaskRef { queue, id } = task;
    let reply: i64 = scripts::RESCHEDULE
        .key(keys::active(queue))
        .key(keys::lease(queue))
        .key(keys::scheduled(queue))
        .key(keys::task(queue, id))
        .arg(id)
        .arg(unix_secs(at))
        .invoke_async(conn)
        .await
        .map_err(from_redis)?;
    moved(reply)?;
    debug!(queue, id, "task rescheduled");
    Ok(())
}

/// Takes an id with no usable message out of `active` and the lease set.
///
/// If the task hash still exists it is archived: its `msg`, if any, moves to
/// [`ORIGINAL_MESSAGE_FIELD`] and is replaced by a minimal `TaskMessage` of type
/// [`QUARANTINED_TASK_TYPE`](crate::broker::QUARANTINED_TASK_TYPE) carrying `error_msg`, which asynq's tools can list. With
/// no hash the id is just dropped. An archived task counts as processed and failed; a
/// dropped id counts as nothing, since no task was there.
pub(crate) async fn quarantine(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
    error_msg: &str,
) -> Result<(), BrokerError> {
    let replacement = quarantined_message(task, error_msg).encode();
    let reply = run_archive_script(conn, &scripts::QUARANTINE, task, &replacement).await?;
    let outcome = match reply {
        0 => return Err(BrokerError::NotFound),
        1 => "archived",
        2 => "dropped",
        other => return Err(unexpected_reply(other)),
    };
    debug!(
        queue = ?log_name(task.queue),
        task_id = ?log_name(task.id),
        outcome,
        "task quarantined"
    );
    Ok(())
}
