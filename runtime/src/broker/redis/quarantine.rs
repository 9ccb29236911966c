//! vetted's quarantine store on Redis: one stream per queue,
//! `vetted:{<queue>}:quarantine`, written by one script together with the removal of
//! the task from asynq's keys.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::{MAX_INT64, utc_date};
use super::error::{from_redis, unexpected_reply};
use super::finish::stats_expiry;
use super::{keys, scripts};
use crate::broker::quarantine::{entry_fields, entry_from_fields};
use crate::broker::{
    BrokerError, MAX_LISTED_TEXT, QuarantineEntry, QuarantineLimits, QuarantineList,
    QuarantineNote, TaskRef,
};
use crate::names::log_name;

/// Takes the task out of `active` and the lease set, deletes its hash and adds its entry
/// to the queue's stream, trimmed to `limits`, in one script.
pub(crate) async fn quarantine(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
    note: &QuarantineNote<'_>,
    limits: &QuarantineLimits,
) -> Result<(), BrokerError> {
    quarantine_id_bytes(conn, task.queue, task.id.as_bytes(), note, limits).await
}

/// [`quarantine`] for an id given as the bytes Redis holds, which need not be UTF-8;
/// the stream entry names it with invalid bytes replaced.
pub(crate) async fn quarantine_id_bytes(
    conn: &mut ConnectionManager,
    queue: &str,
    id: &[u8],
    note: &QuarantineNote<'_>,
    limits: &QuarantineLimits,
) -> Result<(), BrokerError> {
    let now = SystemTime::now();
    let date = utc_date(now);
    let text_id = String::from_utf8_lossy(id);
    // Lua numbers are doubles: an age beyond 2^53 ms (285,000 years) is as good as none.
    let max_age_ms = u64::try_from(limits.max_age.as_millis())
        .unwrap_or(u64::MAX)
        .min(1 << 53);
    let mut call = scripts::QUARANTINE.prepare_invoke();
    call.key([keys::task_key_prefix(queue).as_bytes(), id].concat())
        .key(keys::active(queue))
        .key(keys::lease(queue))
        .key(keys::quarantine(queue))
        .key(keys::processed_on(queue, &date))
        .key(keys::failed_on(queue, &date))
        .key(keys::processed_total(queue))
        .key(keys::failed_total(queue))
        .arg(id)
        .arg(max_entries(limits))
        .arg(max_age_ms)
        .arg(stats_expiry(now))
        .arg(MAX_INT64);
    for (name, value) in entry_fields(&text_id, note, limits) {
        call.arg(name).arg(value.as_ref());
    }
    let reply: i64 = call.invoke_async(conn).await.map_err(from_redis)?;
    let outcome = match reply {
        0 => return Err(BrokerError::NotFound),
        1 => "deleted",
        2 => "no record",
        other => return Err(unexpected_reply(other)),
    };
    debug!(queue = ?log_name(queue), task_id = ?log_name(&text_id), outcome, "task quarantined");
    Ok(())
}

/// `MAXLEN` for the stream: at least 1, and at most `i64::MAX`, the largest count Redis
/// takes.
fn max_entries(limits: &QuarantineLimits) -> i64 {
    i64::try_from(limits.max_entries.max(1)).unwrap_or(i64::MAX)
}

/// One stream entry as Redis returns it: its id and its field and value pairs, as bytes
/// because anyone with write access to Redis can add fields that are not UTF-8.
type StreamEntry = (String, Vec<(Vec<u8>, Vec<u8>)>);

/// `XLEN` and the newest `count` entries (`XREVRANGE … COUNT`).
pub(crate) async fn quarantined(
    conn: &mut ConnectionManager,
    queue: &str,
    count: usize,
) -> Result<QuarantineList, BrokerError> {
    let key = keys::quarantine(queue);
    let len: usize = redis::cmd("XLEN")
        .arg(&key)
        .query_async(conn)
        .await
        .map_err(from_redis)?;
    let raw: Vec<StreamEntry> = if count == 0 {
        Vec::new()
    } else {
        redis::cmd("XREVRANGE")
            .arg(&key)
            .arg("+")
            .arg("-")
            .arg("COUNT")
            .arg(count)
            .query_async(conn)
            .await
            .map_err(from_redis)?
    };
    let entries = raw
        .into_iter()
        .map(|(entry_id, fields)| entry(entry_id, fields))
        .collect();
    Ok(QuarantineList { len, entries })
}

/// One entry as the listing script returns it: id, flat name and value list, and 1 when
/// the entry holds a `msg`.
type ListedEntry = (String, Vec<Vec<u8>>, i64);

/// `XLEN` and the newest `count` entries without their `msg`, texts cut to
/// [`MAX_LISTED_TEXT`] bytes, by one script.
pub(crate) async fn quarantined_without_messages(
    conn: &mut ConnectionManager,
    queue: &str,
    count: usize,
) -> Result<QuarantineList, BrokerError> {
    let (len, raw): (usize, Vec<ListedEntry>) = scripts::QUARANTINED_WITHOUT_MESSAGES
        .key(keys::quarantine(queue))
        .arg(count)
        .arg(MAX_LISTED_TEXT)
        .invoke_async(conn)
        .await
        .map_err(from_redis)?;
    let entries = raw
        .into_iter()
        .map(|(entry_id, flat, kept)| {
            let mut pairs = flat.into_iter();
            let fields = std::iter::from_fn(|| Some((pairs.next()?, pairs.next()?)));
            let mut entry = entry(entry_id, fields);
            entry.message_kept = kept == 1;
            entry
        })
        .collect();
    Ok(QuarantineList { len, entries })
}

/// An entry from its stream id, whose first part is the time in Unix milliseconds.
fn entry(
    entry_id: String,
    fields: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>,
) -> QuarantineEntry {
    let millis = entry_id
        .split('-')
        .next()
        .and_then(|ms| ms.parse::<u64>().ok())
        .unwrap_or(0);
    let at = UNIX_EPOCH + Duration::from_millis(millis);
    entry_from_fields(entry_id, at, fields)
}
