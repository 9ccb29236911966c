//! Sending an active task back without finishing it: Requeue and Reschedule.

use std::time::SystemTime;

use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::unix_secs;
use super::error::{from_redis, moved};
use super::{keys, scripts};
use crate::broker::{BrokerError, TaskRef};

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
