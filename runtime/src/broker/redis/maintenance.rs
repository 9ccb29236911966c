//! Background upkeep: lease extension, forwarding, lease recovery and the janitor
//! (asynq-protocol §5.13 to §5.15, §5.18).

use std::time::SystemTime;

use redis::Value;
use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::{unix_nanos, unix_secs};
use super::error::from_redis;
use super::unreadable::{RawTask, quarantine_unreadable};
use super::{keys, scripts};
use crate::broker::{BrokerError, ExpiredLease};

/// How many completed tasks one janitor call deletes (asynq's `JanitorBatchSize`).
const JANITOR_BATCH: usize = 100;

/// `ZADD asynq:{q}:lease XX <until> id ...`: extends leases that still exist.
pub(crate) async fn extend_leases(
    conn: &mut ConnectionManager,
    queue: &str,
    ids: &[String],
    until: SystemTime,
) -> Result<(), BrokerError> {
    if ids.is_empty() {
        return Ok(());
    }
    let score = unix_secs(until);
    let mut command = redis::cmd("ZADD");
    command.arg(keys::lease(queue)).arg("XX");
    for id in ids {
        command.arg(score).arg(id);
    }
    command.exec_async(conn).await.map_err(from_redis)?;
    debug!(queue, count = ids.len(), "leases extended");
    Ok(())
}

/// Moves due tasks from `scheduled`, then `retry`, to `pending` (or to their group),
/// one batch of 100 at a time until none is left.
pub(crate) async fn forward_due(
    conn: &mut ConnectionManager,
    queue: &str,
    now: SystemTime,
) -> Result<usize, BrokerError> {
    let mut total = 0;
    for source in [keys::scheduled(queue), keys::retry(queue)] {
        loop {
            let moved: usize = scripts::FORWARD
                .key(&source)
                .key(keys::pending(queue))
                .arg(unix_secs(now))
                .arg(keys::task_key_prefix(queue))
                .arg(unix_nanos(now))
                .arg(keys::group_key_prefix(queue))
                .invoke_async(conn)
                .await
                .map_err(from_redis)?;
            total += moved;
            if moved == 0 {
                break;
            }
        }
    }
    if total > 0 {
        debug!(queue, count = total, "due tasks forwarded");
    }
    Ok(total)
}

/// Lists expired leases (§5.15), giving a lease to active ids that have none and
/// reading only the messages that are at most `max_message_bytes` long. An id that is
/// not UTF-8 is quarantined here instead of listed (see [`super::unreadable`]); when
/// that fails, it is left for a later pass.
pub(crate) async fn expired_leases(
    conn: &mut ConnectionManager,
    queue: &str,
    cutoff: SystemTime,
    max_message_bytes: usize,
) -> Result<Vec<ExpiredLease>, BrokerError> {
    let reply: Vec<Value> = scripts::EXPIRED_LEASES
        .key(keys::lease(queue))
        .key(keys::active(queue))
        .arg(unix_secs(cutoff))
        .arg(keys::task_key_prefix(queue))
        .arg(max_message_bytes)
        .arg(unix_secs(SystemTime::now()))
        .invoke_async(conn)
        .await
        .map_err(from_redis)?;
    let mut listed = Vec::with_capacity(reply.len());
    for entry in reply {
        let found = parse_expired(entry)?;
        match String::from_utf8(found.id) {
            Ok(id) => listed.push(ExpiredLease {
                id,
                message: found.message,
                len: found.len,
            }),
            Err(e) => {
                let raw = RawTask {
                    id: e.into_bytes(),
                    ..found
                };
                // Logged inside; on failure the id stays active for the next pass.
                let _ = quarantine_unreadable(conn, queue, &raw).await;
            }
        }
    }
    Ok(listed)
}

/// Reads one `{id, len, msg or nil}` entry, keeping the id as bytes.
fn parse_expired(entry: Value) -> Result<RawTask, BrokerError> {
    let malformed = || BrokerError::Unavailable("unexpected expired-lease reply".into());
    let Value::Array(items) = entry else {
        return Err(malformed());
    };
    let (id, len, message) = match items.as_slice() {
        [
            Value::BulkString(id),
            Value::Int(len),
            Value::BulkString(message),
        ] => (id, len, Some(message.clone())),
        [Value::BulkString(id), Value::Int(len)]
        | [Value::BulkString(id), Value::Int(len), Value::Nil] => (id, len, None),
        _ => return Err(malformed()),
    };
    Ok(RawTask {
        id: id.clone(),
        message,
        len: usize::try_from(*len).map_err(|_| malformed())?,
    })
}

/// Deletes completed tasks whose retention ended at or before `now`, in batches.
pub(crate) async fn delete_expired_completed(
    conn: &mut ConnectionManager,
    queue: &str,
    now: SystemTime,
) -> Result<usize, BrokerError> {
    let mut total = 0;
    loop {
        let deleted: usize = scripts::DELETE_EXPIRED_COMPLETED
            .key(keys::completed(queue))
            .arg(unix_secs(now))
            .arg(keys::task_key_prefix(queue))
            .arg(JANITOR_BATCH)
            .invoke_async(conn)
            .await
            .map_err(from_redis)?;
        total += deleted;
        if deleted == 0 {
            break;
        }
    }
    if total > 0 {
        debug!(queue, count = total, "expired completed tasks deleted");
    }
    Ok(total)
}
