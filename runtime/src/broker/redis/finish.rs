//! The end of an attempt: Done, MarkAsComplete, Retry and Archive
//! (asynq-protocol §5.8 to §5.11).

use std::time::SystemTime;

use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::{ARCHIVE_MAX_AGE, ARCHIVE_MAX_SIZE, MAX_INT64, STATS_TTL, unix_secs, utc_date};
use super::error::{from_redis, moved};
use super::{keys, scripts};
use crate::broker::{BrokerError, TaskRef};

/// Deletes a finished task and releases its uniqueness lock.
pub(crate) async fn done(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
    unique_key: &str,
) -> Result<(), BrokerError> {
    let now = SystemTime::now();
    let TaskRef { queue, id } = task;
    let mut call = scripts::DONE.prepare_invoke();
    call.key(keys::active(queue))
        .key(keys::lease(queue))
        .key(keys::task(queue, id))
        .key(keys::processed_on(queue, &utc_date(now)))
        .key(keys::processed_total(queue));
    if let Some(lock) = unique_lock(queue, unique_key) {
        call.key(lock);
    }
    call.arg(id).arg(stats_expiry(now)).arg(MAX_INT64);
    let reply: i64 = call.invoke_async(conn).await.map_err(from_redis)?;
    moved(reply)?;
    debug!(queue, id, "task done");
    Ok(())
}

/// Moves a finished task to `completed` until `expires_at`, storing `message`.
pub(crate) async fn mark_complete(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
    message: &[u8],
    expires_at: SystemTime,
    unique_key: &str,
) -> Result<(), BrokerError> {
    let now = SystemTime::now();
    let TaskRef { queue, id } = task;
    let mut call = scripts::MARK_COMPLETE.prepare_invoke();
    call.key(keys::active(queue))
        .key(keys::lease(queue))
        .key(keys::completed(queue))
        .key(keys::task(queue, id))
        .key(keys::processed_on(queue, &utc_date(now)))
        .key(keys::processed_total(queue));
    if let Some(lock) = unique_lock(queue, unique_key) {
        call.key(lock);
    }
    call.arg(id)
        .arg(stats_expiry(now))
        .arg(unix_secs(expires_at))
        .arg(message)
        .arg(MAX_INT64);
    let reply: i64 = call.invoke_async(conn).await.map_err(from_redis)?;
    if reply == -1 {
        return Err(BrokerError::Unavailable(
            "task already in the completed set".into(),
        ));
    }
    moved(reply)?;
    debug!(queue, id, "task completed");
    Ok(())
}

/// Stores `message` and schedules the task for another attempt at `retry_at`.
pub(crate) async fn retry(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
    message: &[u8],
    retry_at: SystemTime,
    is_failure: bool,
) -> Result<(), BrokerError> {
    let now = SystemTime::now();
    let TaskRef { queue, id } = task;
    let date = utc_date(now);
    let reply: i64 = scripts::RETRY
        .key(keys::task(queue, id))
        .key(keys::active(queue))
        .key(keys::lease(queue))
        .key(keys::retry(queue))
        .key(keys::processed_on(queue, &date))
        .key(keys::failed_on(queue, &date))
        .key(keys::processed_total(queue))
        .key(keys::failed_total(queue))
        .arg(id)
        .arg(message)
        .arg(unix_secs(retry_at))
        .arg(stats_expiry(now))
        .arg(i64::from(is_failure))
        .arg(MAX_INT64)
        .invoke_async(conn)
        .await
        .map_err(from_redis)?;
    moved(reply)?;
    debug!(queue, id, is_failure, "task set to retry");
    Ok(())
}

/// Stores `message` and archives the task, trimming the archive.
pub(crate) async fn archive(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
    message: &[u8],
) -> Result<(), BrokerError> {
    let reply = run_archive_script(conn, &scripts::ARCHIVE, task, message).await?;
    moved(reply)?;
    debug!(queue = task.queue, id = task.id, "task archived");
    Ok(())
}

/// Runs `script` (`ARCHIVE`) with the keys and arguments of asynq's Archive.
async fn run_archive_script(
    conn: &mut ConnectionManager,
    script: &redis::Script,
    task: TaskRef<'_>,
    message: &[u8],
) -> Result<i64, BrokerError> {
    let now = SystemTime::now();
    let TaskRef { queue, id } = task;
    let date = utc_date(now);
    let cutoff = now.checked_sub(ARCHIVE_MAX_AGE).unwrap_or(now);
    script
        .key(keys::task(queue, id))
        .key(keys::active(queue))
        .key(keys::lease(queue))
        .key(keys::archived(queue))
        .key(keys::processed_on(queue, &date))
        .key(keys::failed_on(queue, &date))
        .key(keys::processed_total(queue))
        .key(keys::failed_total(queue))
        .key(keys::task_key_prefix(queue))
        .arg(id)
        .arg(message)
        .arg(unix_secs(now))
        .arg(unix_secs(cutoff))
        .arg(ARCHIVE_MAX_SIZE)
        .arg(stats_expiry(now))
        .arg(MAX_INT64)
        .invoke_async(conn)
        .await
        .map_err(from_redis)
}

/// When a new daily stats key expires: now + 90 days, in Unix seconds.
pub(crate) fn stats_expiry(now: SystemTime) -> i64 {
    unix_secs(now + STATS_TTL)
}

/// The uniqueness lock to release, if `unique_key` is one of this queue's locks.
///
/// asynq keeps the key name in the message; a name outside
/// `asynq:{<queue>}:unique:` would let a forged message delete any key that happens
/// to hold the task id, so such a name is ignored.
fn unique_lock<'a>(queue: &str, unique_key: &'a str) -> Option<&'a str> {
    let prefix = keys::queue_prefix(queue) + "unique:";
    unique_key.starts_with(&prefix).then_some(unique_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_locks_of_the_task_queue_are_released() {
        let lock = "asynq:{q}:unique:email:d41d8cd98f00b204e9800998ecf8427e";
        assert_eq!(unique_lock("q", lock), Some(lock));
        assert_eq!(unique_lock("q", ""), None);
        assert_eq!(unique_lock("other", lock), None);
        assert_eq!(unique_lock("q", "asynq:{q}:pending"), None);
    }
}
