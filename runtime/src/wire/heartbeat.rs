//! `ServerInfo` and `WorkerInfo` (asynq-protocol §3.2, §3.3), with
//! `google.protobuf.Timestamp`.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::WireError;
use super::record::{
    Records, Value, put_bool, put_bytes, put_int32, put_int64, put_len_delimited, put_string,
    put_varint,
};

/// A `google.protobuf.Timestamp`: seconds since the Unix epoch and a non-negative
/// nanosecond part below one second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z; negative before it.
    pub seconds: i64,
    /// Nanoseconds past `seconds`, in `0..1_000_000_000`.
    pub nanos: i32,
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Self {
                seconds: i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
                nanos: after.subsec_nanos() as i32,
            },
            Err(before) => before_epoch(before.duration()),
        }
    }
}

fn before_epoch(before: Duration) -> Timestamp {
    let seconds = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
    match before.subsec_nanos() {
        0 => Timestamp {
            seconds: -seconds,
            nanos: 0,
        },
        nanos => Timestamp {
            seconds: -seconds - 1,
            nanos: (1_000_000_000 - nanos) as i32,
        },
    }
}

impl Timestamp {
    /// The instant this timestamp names, or `None` when it is out of range.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let nanos = Duration::from_nanos(u64::try_from(self.nanos).ok()?);
        let seconds = Duration::from_secs(self.seconds.unsigned_abs());
        if self.seconds >= 0 {
            UNIX_EPOCH.checked_add(seconds)?.checked_add(nanos)
        } else {
            UNIX_EPOCH.checked_sub(seconds)?.checked_add(nanos)
        }
    }

    fn encode(self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(16);
        put_int64(&mut buf, 1, self.seconds);
        put_int32(&mut buf, 2, self.nanos);
        buf
    }

    fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let mut timestamp = Timestamp::default();
        for record in Records::new(bytes) {
            let record = record?;
            match record.field {
                1 => timestamp.seconds = record.value.int64()?,
                2 => timestamp.nanos = record.value.int32()?,
                _ => {}
            }
        }
        Ok(timestamp)
    }
}

/// The heartbeat record of one server, stored at `asynq:servers:{host:pid:id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerInfo {
    /// Host name (field 1).
    pub host: String,
    /// Process id (field 2).
    pub pid: i32,
    /// Server id (field 3).
    pub server_id: String,
    /// Worker slots (field 4).
    pub concurrency: i32,
    /// Queue name to priority (field 5).
    pub queues: BTreeMap<String, i32>,
    /// Strict priority order (field 6).
    pub strict_priority: bool,
    /// `active`, `stopped` or `closed` (field 7).
    pub status: String,
    /// When the server started (field 8).
    pub start_time: Option<Timestamp>,
    /// Tasks in flight (field 9).
    pub active_worker_count: i32,
}

impl ServerInfo {
    /// Encodes the record; map entries are sorted by queue name.
    pub fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(128);
        put_string(&mut buf, 1, &self.host);
        put_int32(&mut buf, 2, self.pid);
        put_string(&mut buf, 3, &self.server_id);
        put_int32(&mut buf, 4, self.concurrency);
        for (queue, priority) in &self.queues {
            put_len_delimited(&mut buf, 5, &queue_entry(queue, *priority));
        }
        put_bool(&mut buf, 6, self.strict_priority);
        put_string(&mut buf, 7, &self.status);
        put_timestamp(&mut buf, 8, self.start_time);
        put_int32(&mut buf, 9, self.active_worker_count);
        buf
    }

    /// Decodes a record; unknown fields are skipped and strings must be UTF-8.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let mut info = ServerInfo::default();
        for record in Records::new(bytes) {
            let record = record?;
            let value = record.value;
            match record.field {
                1 => info.host = value.str()?.to_owned(),
                2 => info.pid = value.int32()?,
                3 => info.server_id = value.str()?.to_owned(),
                4 => info.concurrency = value.int32()?,
                5 => insert_queue(&mut info.queues, value)?,
                6 => info.strict_priority = value.boolean()?,
                7 => info.status = value.str()?.to_owned(),
                8 => info.start_time = Some(Timestamp::decode(value.bytes()?)?),
                9 => info.active_worker_count = value.int32()?,
                _ => {}
            }
        }
        Ok(info)
    }
}

/// One task in flight, stored in the `asynq:workers:{host:pid:id}` hash under its id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkerInfo {
    /// Host name (field 1).
    pub host: String,
    /// Process id (field 2).
    pub pid: i32,
    /// Server id (field 3).
    pub server_id: String,
    /// Task id (field 4).
    pub task_id: String,
    /// Task type (field 5).
    pub task_type: String,
    /// Task payload (field 6). vetted never fills it: payloads are not republished.
    pub task_payload: Vec<u8>,
    /// Queue (field 7).
    pub queue: String,
    /// When the worker took the task (field 8).
    pub start_time: Option<Timestamp>,
    /// The task's deadline (field 9).
    pub deadline: Option<Timestamp>,
}

impl WorkerInfo {
    /// Encodes the record.
    pub fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(128);
        put_string(&mut buf, 1, &self.host);
        put_int32(&mut buf, 2, self.pid);
        put_string(&mut buf, 3, &self.server_id);
        put_string(&mut buf, 4, &self.task_id);
        put_string(&mut buf, 5, &self.task_type);
        put_bytes(&mut buf, 6, &self.task_payload);
        put_string(&mut buf, 7, &self.queue);
        put_timestamp(&mut buf, 8, self.start_time);
        put_timestamp(&mut buf, 9, self.deadline);
        buf
    }

    /// Decodes a record; unknown fields are skipped and strings must be UTF-8.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let mut info = WorkerInfo::default();
        for record in Records::new(bytes) {
            let record = record?;
            let value = record.value;
            match record.field {
                1 => info.host = value.str()?.to_owned(),
                2 => info.pid = value.int32()?,
                3 => info.server_id = value.str()?.to_owned(),
                4 => info.task_id = value.str()?.to_owned(),
                5 => info.task_type = value.str()?.to_owned(),
                6 => info.task_payload = value.bytes()?.to_vec(),
                7 => info.queue = value.str()?.to_owned(),
                8 => info.start_time = Some(Timestamp::decode(value.bytes()?)?),
                9 => info.deadline = Some(Timestamp::decode(value.bytes()?)?),
                _ => {}
            }
        }
        Ok(info)
    }
}

/// Writes a message-typed timestamp field; present even when zero, as Go writes it.
fn put_timestamp(buf: &mut Vec<u8>, field: u32, timestamp: Option<Timestamp>) {
    if let Some(timestamp) = timestamp {
        put_len_delimited(buf, field, &timestamp.encode());
    }
}

/// Encodes one `map<string, int32>` entry, key and value always written.
fn queue_entry(queue: &str, priority: i32) -> Vec<u8> {
    let mut entry = Vec::with_capacity(queue.len() + 8);
    put_len_delimited(&mut entry, 1, queue.as_bytes());
    put_varint(&mut entry, 2, i64::from(priority) as u64);
    entry
}

fn insert_queue(queues: &mut BTreeMap<String, i32>, value: Value<'_>) -> Result<(), WireError> {
    let (mut queue, mut priority) = ("", 0);
    for record in Records::new(value.bytes()?) {
        let record = record?;
        match record.field {
            1 => queue = record.value.str()?,
            2 => priority = record.value.int32()?,
            _ => {}
        }
    }
    queues.insert(queue.to_owned(), priority);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_around_the_epoch() {
        let cases = [
            (
                UNIX_EPOCH + Duration::new(1_700_000_000, 5),
                Timestamp {
                    seconds: 1_700_000_000,
                    nanos: 5,
                },
            ),
            (
                UNIX_EPOCH - Duration::new(1, 250_000_000),
                Timestamp {
                    seconds: -2,
                    nanos: 750_000_000,
                },
            ),
            (
                UNIX_EPOCH - Duration::from_secs(62_135_596_800),
                Timestamp {
                    seconds: -62_135_596_800,
                    nanos: 0,
                },
            ),
        ];
        for (time, expected) in cases {
            let timestamp = Timestamp::from(time);
            assert_eq!(timestamp, expected);
            assert_eq!(timestamp.to_system_time(), Some(time));
            assert_eq!(Timestamp::decode(&timestamp.encode()), Ok(timestamp));
        }
        assert_eq!(
            Timestamp {
                seconds: 0,
                nanos: -1
            }
            .to_system_time(),
            None
        );
    }

    #[test]
    fn server_info_round_trips() {
        let info = ServerInfo {
            host: "host-1".into(),
            pid: 4242,
            server_id: "0c5a0e2e-1111-4222-8333-444455556666".into(),
            concurrency: 10,
            queues: [("critical".to_owned(), 6), ("default".to_owned(), 3)].into(),
            strict_priority: true,
            status: "active".into(),
            start_time: Some(Timestamp {
                seconds: 1_700_000_000,
                nanos: 123,
            }),
            active_worker_count: 2,
        };
        assert_eq!(ServerInfo::decode(&info.encode()), Ok(info));
    }

    #[test]
    fn server_info_bytes_follow_the_schema() {
        let info = ServerInfo {
            host: "h".into(),
            pid: 7,
            queues: [("q".to_owned(), 1)].into(),
            status: "active".into(),
            start_time: Some(Timestamp {
                seconds: 1,
                nanos: 0,
            }),
            ..ServerInfo::default()
        };
        let expected = [
            &[0x0a, 1, b'h'][..],
            &[0x10, 7],
            &[0x2a, 5, 0x0a, 1, b'q', 0x10, 1],
            &[0x3a, 6],
            b"active",
            &[0x42, 2, 0x08, 1],
        ]
        .concat();
        assert_eq!(info.encode(), expected);
    }

    #[test]
    fn worker_info_round_trips_and_omits_an_empty_payload() {
        let info = WorkerInfo {
            host: "host-1".into(),
            pid: 1,
            server_id: "sid".into(),
            task_id: "tid".into(),
            task_type: "email:send".into(),
            task_payload: Vec::new(),
            queue: "default".into(),
            start_time: Some(Timestamp {
                seconds: 10,
                nanos: 0,
            }),
            deadline: Some(Timestamp {
                seconds: 20,
                nanos: 0,
            }),
        };
        let bytes = info.encode();
        assert!(!Records::new(&bytes).any(|r| r.unwrap().field == 6));
        assert_eq!(WorkerInfo::decode(&bytes), Ok(info));
    }

    #[test]
    fn decoders_reject_garbage() {
        assert!(ServerInfo::decode(&[0x0a, 0x05]).is_err());
        assert!(WorkerInfo::decode(&[0x42, 0x01, 0xff]).is_err());
        assert!(ServerInfo::decode(&[0x0a, 0x01, 0xff]).is_err());
    }
}
