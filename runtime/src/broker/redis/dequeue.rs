//! Taking the next task (asynq-protocol §5.7), measured before it is read; a stray copy
//! of an id whose task is held elsewhere is dropped instead.

use crate::names::log_name;
use std::time::SystemTime;

use redis::Value;
use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::unix_secs;
use super::error::from_redis;
use super::unreadable::{RawTask, quarantine_unreadable};
use super::{keys, scripts};
use crate::broker::{BrokerError, Dequeued, HeldIn};

/// Tries each queue in order and returns the first task found. A leased id that is not
/// UTF-8 is quarantined here and the queue tried again (see [`super::unreadable`]).
pub(crate) async fn dequeue(
    conn: &mut ConnectionManager,
    queues: &[String],
    lease_until: SystemTime,
    max_message_bytes: usize,
) -> Result<Option<Dequeued>, BrokerError> {
    let mut failure = None;
    for queue in queues {
        match take_from(conn, queue, lease_until, max_message_bytes).await {
            Ok(Some(dequeued)) => return Ok(Some(dequeued)),
            Ok(None) => {}
            Err(e) => {
                failure.get_or_insert(named(queue, e));
            }
        }
    }
    failure.map_or(Ok(None), Err)
}

/// The next usable task of one queue, quarantining ids that are not UTF-8 on the way.
async fn take_from(
    conn: &mut ConnectionManager,
    queue: &str,
    lease_until: SystemTime,
    max_message_bytes: usize,
) -> Result<Option<Dequeued>, BrokerError> {
    loop {
        let reply = take(conn, queue, lease_until, max_message_bytes).await?;
        let Some((id, found)) = parse_reply(reply)? else {
            return Ok(None);
        };
        match readable(id, found) {
            Ok((id, found)) => {
                let dequeued = found.into_dequeued(queue, id);
                log(&dequeued);
                return Ok(Some(dequeued));
            }
            Err(unreadable) => quarantine_unreadable(conn, queue, &unreadable).await?,
        }
    }
}

/// `error` with the queue it came from, so that one broken queue is named in the log
/// while the others are still served.
fn named(queue: &str, error: BrokerError) -> BrokerError {
    match error {
        BrokerError::Unavailable(text) => {
            BrokerError::Unavailable(format!("queue {:?}: {text}", log_name(queue)))
        }
        other => other,
    }
}

/// One run of the dequeue script on `queue`.
async fn take(
    conn: &mut ConnectionManager,
    queue: &str,
    lease_until: SystemTime,
    max_message_bytes: usize,
) -> Result<Value, BrokerError> {
    scripts::DEQUEUE
        .key(keys::pending(queue))
        .key(keys::paused(queue))
        .key(keys::active(queue))
        .key(keys::lease(queue))
        .key(keys::scheduled(queue))
        .key(keys::retry(queue))
        .key(keys::archived(queue))
        .key(keys::completed(queue))
        .arg(unix_secs(lease_until))
        .arg(keys::task_key_prefix(queue))
        .arg(max_message_bytes)
        .arg(keys::group_key_prefix(queue))
        .invoke_async(conn)
        .await
        .map_err(from_redis)
}

/// What the script found under one id.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// A task and its `msg`.
    Task(Vec<u8>),
    /// A `msg` of this length, over the cap.
    Oversize(usize),
    /// No hash or no `msg`.
    Dangling,
    /// A stray copy of a task held elsewhere.
    Duplicate(HeldIn),
}

impl Found {
    fn into_dequeued(self, queue: &str, id: String) -> Dequeued {
        let queue = queue.to_owned();
        match self {
            Found::Task(message) => Dequeued::Task { queue, id, message },
            Found::Oversize(len) => Dequeued::Oversize { queue, id, len },
            Found::Dangling => Dequeued::Dangling { queue, id },
            Found::Duplicate(held) => Dequeued::Duplicate { queue, id, held },
        }
    }
}

/// The id as text, or, when it is not UTF-8 and the script leased it, what the broker
/// needs to quarantine it. A stray copy was only popped, so its id is made text lossily:
/// the worker writes nothing for it.
fn readable(id: Vec<u8>, found: Found) -> Result<(String, Found), RawTask> {
    let id = match String::from_utf8(id) {
        Ok(id) => return Ok((id, found)),
        Err(e) => e.into_bytes(),
    };
    let (message, len) = match found {
        Found::Duplicate(_) => return Ok((String::from_utf8_lossy(&id).into_owned(), found)),
        Found::Task(message) => {
            let len = message.len();
            (Some(message), len)
        }
        Found::Oversize(len) => (None, len),
        Found::Dangling => (None, 0),
    };
    Err(RawTask { id, message, len })
}

/// Ids come from Redis, so they are logged with `Debug`: a line break in one cannot
/// start a forged log line.
fn log(found: &Dequeued) {
    match found {
        Dequeued::Task { queue, id, message } => {
            debug!(queue = ?log_name(queue), task_id = ?log_name(id), len = message.len(), "task dequeued");
        }
        Dequeued::Oversize { queue, id, len } => {
            debug!(queue = ?log_name(queue), task_id = ?log_name(id), len, "oversize task dequeued")
        }
        Dequeued::Dangling { queue, id } => {
            debug!(queue = ?log_name(queue), task_id = ?log_name(id), "dangling task id dequeued")
        }
        Dequeued::Duplicate { queue, id, held } => {
            debug!(queue = ?log_name(queue), task_id = ?log_name(id), held = held.as_str(), "stray task id copy dequeued")
        }
    }
}

/// Reads the script's `nil` or `{kind, id[, msg or length]}`.
fn parse_reply(reply: Value) -> Result<Option<(Vec<u8>, Found)>, BrokerError> {
    let items = match reply {
        Value::Nil => return Ok(None),
        Value::Array(items) => items,
        _ => return Err(malformed()),
    };
    let mut items = items.into_iter();
    let (Some(Value::Int(kind)), Some(Value::BulkString(id)), extra, None) =
        (items.next(), items.next(), items.next(), items.next())
    else {
        return Err(malformed());
    };
    let found = match (kind, extra) {
        (1, Some(Value::BulkString(message))) => Found::Task(message),
        (2, Some(Value::Int(len))) => {
            Found::Oversize(usize::try_from(len).map_err(|_| malformed())?)
        }
        (3, None) => Found::Dangling,
        (4, Some(Value::BulkString(place))) => Found::Duplicate(
            std::str::from_utf8(&place)
                .ok()
                .and_then(HeldIn::parse)
                .ok_or_else(malformed)?,
        ),
        _ => return Err(malformed()),
    };
    Ok(Some((id, found)))
}

fn malformed() -> BrokerError {
    BrokerError::Unavailable("unexpected dequeue reply".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(bytes: &[u8]) -> Value {
        Value::BulkString(bytes.to_vec())
    }

    fn reply(items: Vec<Value>) -> Option<(Vec<u8>, Found)> {
        parse_reply(Value::Array(items)).unwrap()
    }

    #[test]
    fn reads_each_kind_of_reply() {
        let id = || b"id".to_vec();
        let task = reply(vec![Value::Int(1), bulk(b"id"), bulk(b"msg")]);
        assert_eq!(task, Some((id(), Found::Task(b"msg".to_vec()))));
        let oversize = reply(vec![Value::Int(2), bulk(b"id"), Value::Int(9)]);
        assert_eq!(oversize, Some((id(), Found::Oversize(9))));
        let dangling = reply(vec![Value::Int(3), bulk(b"id")]);
        assert_eq!(dangling, Some((id(), Found::Dangling)));
        let duplicate = reply(vec![Value::Int(4), bulk(b"id"), bulk(b"retry")]);
        assert_eq!(duplicate, Some((id(), Found::Duplicate(HeldIn::Retry))));
        assert_eq!(parse_reply(Value::Nil).unwrap(), None);
    }

    #[test]
    fn rejects_other_replies() {
        for reply in [
            Value::Int(1),
            Value::Array(vec![Value::Int(4), bulk(b"id")]),
            Value::Array(vec![Value::Int(4), bulk(b"id"), bulk(b"pending")]),
            Value::Array(vec![Value::Int(5), bulk(b"id")]),
            Value::Array(vec![Value::Int(3), bulk(b"id"), bulk(b"x")]),
        ] {
            assert!(parse_reply(reply).is_err());
        }
    }

    #[test]
    fn an_id_that_is_not_utf8_is_held_back_unless_it_is_a_stray_copy() {
        let bad = b"\xff\xfe-bad".to_vec();
        let leased = readable(bad.clone(), Found::Task(b"msg".to_vec()));
        let held = leased.expect_err("a leased id that is not UTF-8 is held back");
        assert_eq!(
            (held.id, held.message, held.len),
            (bad.clone(), Some(b"msg".to_vec()), 3)
        );
        let stray = readable(bad, Found::Duplicate(HeldIn::Lease)).unwrap();
        assert_eq!(
            stray,
            (
                "\u{fffd}\u{fffd}-bad".to_owned(),
                Found::Duplicate(HeldIn::Lease)
            )
        );
        let good = readable(b"ok".to_vec(), Found::Dangling).unwrap();
        assert_eq!(good, ("ok".to_owned(), Found::Dangling));
    }
}
