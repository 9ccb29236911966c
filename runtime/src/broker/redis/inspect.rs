//! Reads for the worker and for tests: a task's `msg` and the queue counters.

use std::time::SystemTime;

use redis::aio::ConnectionManager;

use super::clock::utc_date;
use super::error::from_redis;
use super::{keys, scripts};
use crate::broker::{BrokerError, QueueStats, TaskRef};

/// `HGET asynq:{q}:t:<id> msg`.
pub(crate) async fn task_message(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
) -> Result<Option<Vec<u8>>, BrokerError> {
    redis::cmd("HGET")
        .arg(keys::task(task.queue, task.id))
        .arg("msg")
        .query_async(conn)
        .await
        .map_err(from_redis)
}

/// The counters asynq's Inspector shows for a queue, with today's UTC stats.
pub(crate) async fn queue_stats(
    conn: &mut ConnectionManager,
    queue: &str,
) -> Result<QueueStats, BrokerError> {
    let date = utc_date(SystemTime::now());
    let counts: Vec<u64> = scripts::QUEUE_STATS
        .key(keys::pending(queue))
        .key(keys::active(queue))
        .key(keys::scheduled(queue))
        .key(keys::retry(queue))
        .key(keys::archived(queue))
        .key(keys::completed(queue))
        .key(keys::processed_on(queue, &date))
        .key(keys::failed_on(queue, &date))
        .invoke_async(conn)
        .await
        .map_err(from_redis)?;
    let [
        pending,
        active,
        scheduled,
        retry,
        archived,
        completed,
        processed,
        failed,
    ] = counts.as_slice()
    else {
        return Err(BrokerError::Unavailable(
            "unexpected queue stats reply".into(),
        ));
    };
    let size = |n: &u64| usize::try_from(*n).unwrap_or(usize::MAX);
    Ok(QueueStats {
        pending: size(pending),
        active: size(active),
        scheduled: size(scheduled),
        retry: size(retry),
        archived: size(archived),
        completed: size(completed),
        processed_today: *processed,
        failed_today: *failed,
    })
}
