//! Creating tasks: Enqueue and Schedule (asynq-protocol §5.0, §5.1, §5.3).

use crate::names::log_name;
use std::time::SystemTime;

use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::{unix_nanos, unix_secs};
use super::error::{from_redis, unexpected_reply};
use super::{keys, scripts};
use crate::broker::BrokerError;
use crate::wire::TaskMessage;

/// Stores a new task as pending, or as scheduled when `process_at` is in the future,
/// after registering its queue in `asynq:queues`.
pub(crate) async fn enqueue(
    conn: &mut ConnectionManager,
    message: &TaskMessage,
    process_at: Option<SystemTime>,
) -> Result<(), BrokerError> {
    let now = SystemTime::now();
    register_queue(conn, &message.queue).await?;
    let later = process_at.filter(|at| *at > now);
    let stored = match later {
        Some(at) => schedule(conn, message, at).await?,
        None => enqueue_now(conn, message, now).await?,
    };
    match stored {
        1 => {
            let state = if later.is_some() {
                "scheduled"
            } else {
                "pending"
            };
            debug!(queue = ?log_name(&message.queue), task_id = ?log_name(&message.id), state, "task enqueued");
            Ok(())
        }
        0 => Err(BrokerError::TaskIdConflict),
        other => Err(unexpected_reply(other)),
    }
}

/// `SADD asynq:queues <q>`, run on every create path as asynq v0.24 does.
async fn register_queue(conn: &mut ConnectionManager, queue: &str) -> Result<(), BrokerError> {
    redis::cmd("SADD")
        .arg(keys::ALL_QUEUES)
        .arg(queue)
        .exec_async(conn)
        .await
        .map_err(from_redis)
}

async fn enqueue_now(
    conn: &mut ConnectionManager,
    message: &TaskMessage,
    now: SystemTime,
) -> Result<i64, BrokerError> {
    scripts::ENQUEUE
        .key(keys::task(&message.queue, &message.id))
        .key(keys::pending(&message.queue))
        .arg(message.encode())
        .arg(&message.id)
        .arg(unix_nanos(now))
        .invoke_async(conn)
        .await
        .map_err(from_redis)
}

async fn schedule(
    conn: &mut ConnectionManager,
    message: &TaskMessage,
    at: SystemTime,
) -> Result<i64, BrokerError> {
    scripts::SCHEDULE
        .key(keys::task(&message.queue, &message.id))
        .key(keys::scheduled(&message.queue))
        .arg(message.encode())
        .arg(unix_secs(at))
        .arg(&message.id)
        .invoke_async(conn)
        .await
        .map_err(from_redis)
}
