//! Taking the next task (asynq-protocol §5.7), measured before it is read; a stray copy
//! of an id whose task is held elsewhere is dropped instead.

use crate::names::log_name;
use std::time::SystemTime;

use redis::Value;
use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::unix_secs;
use super::error::from_redis;
use super::{keys, scripts};
use crate::broker::{BrokerError, Dequeued, HeldIn};

/// Tries each queue in order and returns the first task found.
pub(crate) async fn dequeue(
    conn: &mut ConnectionManager,
    queues: &[String],
    lease_until: SystemTime,
    max_message_bytes: usize,
) -> Result<Option<Dequeued>, BrokerError> {
    for queue in queues {
        let reply: Value = scripts::DEQUEUE
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
            .map_err(from_redis)?;
        if let Some(found) = parse_reply(queue, reply)? {
            log(&found);
            return Ok(Some(found));
        }
    }
    Ok(None)
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
fn parse_reply(queue: &str, reply: Value) -> Result<Option<Dequeued>, BrokerError> {
    let items = match reply {
        Value::Nil => return Ok(None),
        Value::Array(items) => items,
        _ => return Err(malformed()),
    };
    let queue = queue.to_owned();
    match items.as_slice() {
        [
            Value::Int(1),
            Value::BulkString(id),
            Value::BulkString(message),
        ] => Ok(Some(Dequeued::Task {
            queue,
            id: text(id),
            message: message.clone(),
        })),
        [Value::Int(2), Value::BulkString(id), Value::Int(len)] => {
            let len = usize::try_from(*len).map_err(|_| malformed())?;
            Ok(Some(Dequeued::Oversize {
                queue,
                id: text(id),
                len,
            }))
        }
        [Value::Int(3), Value::BulkString(id)] => Ok(Some(Dequeued::Dangling {
            queue,
            id: text(id),
        })),
        [
            Value::Int(4),
            Value::BulkString(id),
            Value::BulkString(place),
        ] => {
            let held = std::str::from_utf8(place)
                .ok()
                .and_then(HeldIn::parse)
                .ok_or_else(malformed)?;
            Ok(Some(Dequeued::Duplicate {
                queue,
                id: text(id),
                held,
            }))
        }
        _ => Err(malformed()),
    }
}

/// Task ids are text in asynq; bytes that are not UTF-8 are replaced.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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

    #[test]
    fn reads_each_kind_of_reply() {
        let task = Value::Array(vec![Value::Int(1), bulk(b"id"), bulk(b"msg")]);
        let expected = Dequeued::Task {
            queue: "q".into(),
            id: "id".into(),
            message: b"msg".to_vec(),
        };
        assert_eq!(parse_reply("q", task).unwrap(), Some(expected));
        let oversize = Value::Array(vec![Value::Int(2), bulk(b"id"), Value::Int(9)]);
        let expected = Dequeued::Oversize {
            queue: "q".into(),
            id: "id".into(),
            len: 9,
        };
        assert_eq!(parse_reply("q", oversize).unwrap(), Some(expected));
        let dangling = Value::Array(vec![Value::Int(3), bulk(b"id")]);
        let expected = Dequeued::Dangling {
            queue: "q".into(),
            id: "id".into(),
        };
        assert_eq!(parse_reply("q", dangling).unwrap(), Some(expected));
        let duplicate = Value::Array(vec![Value::Int(4), bulk(b"id"), bulk(b"retry")]);
        let expected = Dequeued::Duplicate {
            queue: "q".into(),
            id: "id".into(),
            held: HeldIn::Retry,
        };
        assert_eq!(parse_reply("q", duplicate).unwrap(), Some(expected));
        assert_eq!(parse_reply("q", Value::Nil).unwrap(), None);
    }

    #[test]
    fn rejects_other_replies() {
        for reply in [
            Value::Int(1),
            Value::Array(vec![Value::Int(4), bulk(b"id")]),
            Value::Array(vec![Value::Int(4), bulk(b"id"), bulk(b"pending")]),
            Value::Array(vec![Value::Int(5), bulk(b"id")]),
        ] {
            assert!(parse_reply("q", reply).is_err());
        }
    }
}
