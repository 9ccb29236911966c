//! Shared pieces of the Redis broker tests: a connected broker, sample messages,
//! independent clock readings to compare stored scores with, and a [`Fixture`] that reads
//! back what the broker wrote.

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Commands;
use vetted::broker::redis::RedisBroker;
use vetted::broker::{Broker, Dequeued};
use vetted::wire::TaskMessage;

use crate::redis_server::RedisServer;

/// A broker connected to `server`.
pub async fn broker(server: &RedisServer) -> RedisBroker {
    RedisBroker::connect(&server.url())
        .await
        .expect("connect the broker")
}

/// A task message as a Go client would enqueue it by default.
pub fn message(queue: &str, id: &str) -> TaskMessage {
    TaskMessage {
        type_name: "email:send".into(),
        payload: br#"{"to":"a@example.com"}"#.to_vec(),
        id: id.into(),
        queue: queue.into(),
        retry: 25,
        timeout: 1800,
        ..TaskMessage::default()
    }
}

/// Whole Unix seconds of `time`.
pub fn unix_secs(time: SystemTime) -> i64 {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    i64::try_from(secs).expect("in range")
}

/// Unix nanoseconds now.
pub fn now_nanos() -> i64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    i64::try_from(nanos).expect("in range")
}

/// Today's UTC date as `YYYY-MM-DD`, read from `date -u` rather than computed here.
pub fn utc_today() -> String {
    let output = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .expect("run date");
    String::from_utf8(output.stdout)
        .expect("ASCII date")
        .trim()
        .to_owned()
}

/// Asserts `value` lies in `low..=high`.
#[track_caller]
pub fn assert_between(value: i64, low: i64, high: i64) {
    assert!(
        (low..=high).contains(&value),
        "{value} not in {low}..={high}"
    );
}

/// How long asynq keeps a daily counter: 90 days, in seconds.
pub const NINETY_DAYS: i64 = 90 * 24 * 60 * 60;

/// A test's own redis-server, a broker on it, and a plain connection that reads what
/// the broker wrote.
pub struct Fixture {
    /// The server; stopped when the fixture is dropped.
    pub server: RedisServer,
    /// The broker under test.
    pub broker: RedisBroker,
    /// A connection of the test's own.
    pub redis: redis::Connection,
}

impl Fixture {
    /// Starts a server and connects both.
    pub async fn start() -> Self {
        let server = RedisServer::start();
        let broker = broker(&server).await;
        let redis = server.connection();
        Self {
            server,
            broker,
            redis,
        }
    }

    /// Enqueues [`message`]`(queue, id)` to run now and returns it.
    pub async fn enqueue(&self, queue: &str, id: &str) -> TaskMessage {
        let message = message(queue, id);
        self.broker
            .enqueue(&message, None)
            .await
            .expect("enqueue the sample message");
        message
    }

    /// Dequeues from the first of `queues` that has a task, with a 30-second lease and
    /// a 1 MiB cap on the message.
    pub async fn take(&self, queues: &[&str]) -> Option<Dequeued> {
        let queues: Vec<String> = queues.iter().map(|q| (*q).to_owned()).collect();
        let until = SystemTime::now() + Duration::from_secs(30);
        self.broker
            .dequeue(&queues, until, 1 << 20)
            .await
            .expect("dequeue")
    }

    /// Enqueues [`message`]`(queue, id)`, dequeues it (checking a task was taken) and
    /// returns it: the task is now active with a lease.
    pub async fn enqueue_and_take(&self, queue: &str, id: &str) -> TaskMessage {
        let message = self.enqueue(queue, id).await;
        let taken = self.take(&[queue]).await;
        assert!(matches!(taken, Some(Dequeued::Task { .. })), "{taken:?}");
        message
    }

    /// Whether `key` exists.
    pub fn exists(&mut self, key: &str) -> bool {
        self.redis.exists(key).expect("EXISTS")
    }

    /// Whether the task hash of `id` in `queue` exists.
    pub fn task_exists(&mut self, queue: &str, id: &str) -> bool {
        self.exists(&format!("asynq:{{{queue}}}:t:{id}"))
    }

    /// Whether `queue` is listed in `asynq:queues`.
    pub fn queue_registered(&mut self, queue: &str) -> bool {
        self.redis
            .sismember("asynq:queues", queue)
            .expect("SISMEMBER")
    }

    /// The ids in the list `asynq:{queue}:<list>` (`pending` or `active`), head first.
    pub fn list(&mut self, queue: &str, list: &str) -> Vec<String> {
        self.redis
            .lrange(format!("asynq:{{{queue}}}:{list}"), 0, -1)
            .expect("LRANGE")
    }

    /// Asserts `id` is the one task in `queue`'s `active` list and has a lease; returns
    /// the lease's end in Unix seconds.
    #[track_caller]
    pub fn assert_only_active(&mut self, queue: &str, id: &str) -> i64 {
        assert_eq!(self.list(queue, "active"), [id], "active ids of {queue}");
        let lease: Option<f64> = self
            .redis
            .zscore(format!("asynq:{{{queue}}}:lease"), id)
            .expect("ZSCORE lease");
        lease.unwrap_or_else(|| panic!("{id} has no lease in {queue}")) as i64
    }

    /// Every field of the task hash of `id` in `queue`.
    pub fn hash(&mut self, queue: &str, id: &str) -> HashMap<String, Vec<u8>> {
        self.redis
            .hgetall(format!("asynq:{{{queue}}}:t:{id}"))
            .expect("HGETALL")
    }

    /// The `state` field of the task hash, if any.
    pub fn state(&mut self, queue: &str, id: &str) -> Option<String> {
        self.redis
            .hget(format!("asynq:{{{queue}}}:t:{id}"), "state")
            .expect("HGET state")
    }

    /// The value of a counter key, if it exists.
    pub fn counter(&mut self, key: &str) -> Option<String> {
        self.redis.get(key).expect("GET")
    }

    /// Asserts the task is in the sorted set `set` of its queue, with the state of the
    /// same name and `message` stored, and no longer active; returns its score.
    #[track_caller]
    pub fn assert_moved_to(&mut self, set: &str, message: &TaskMessage) -> i64 {
        let (queue, id) = (&message.queue, &message.id);
        let hash = self.hash(queue, id);
        assert_eq!(hash["state"], set.as_bytes(), "state of {id}");
        assert_eq!(hash["msg"], message.encode(), "msg of {id}");
        self.assert_nothing_active(queue);
        let score: f64 = self
            .redis
            .zscore(format!("asynq:{{{queue}}}:{set}"), id)
            .expect("ZSCORE");
        score as i64
    }

    /// Asserts `queue` has no id in `active` and none in the lease set.
    #[track_caller]
    pub fn assert_nothing_active(&mut self, queue: &str) {
        let active: i64 = self
            .redis
            .llen(format!("asynq:{{{queue}}}:active"))
            .expect("LLEN");
        let leased: i64 = self
            .redis
            .zcard(format!("asynq:{{{queue}}}:lease"))
            .expect("ZCARD");
        assert_eq!((active, leased), (0, 0), "active and leased ids of {queue}");
    }

    /// Asserts today's counter `name` (`processed` or `failed`) of `queue` is 1 and
    /// expires in about 90 days.
    #[track_caller]
    pub fn assert_counted_today(&mut self, queue: &str, name: &str) {
        let key = format!("asynq:{{{queue}}}:{name}:{}", utc_today());
        assert_eq!(self.counter(&key).as_deref(), Some("1"), "{key}");
        let ttl: i64 = self.redis.ttl(&key).expect("TTL");
        assert_between(ttl, NINETY_DAYS - 5, NINETY_DAYS);
    }

    /// Asserts the all-time `processed` and `failed` counters of `queue`; `None` means
    /// the key does not exist.
    #[track_caller]
    pub fn assert_totals(&mut self, queue: &str, processed: Option<&str>, failed: Option<&str>) {
        let processed_key = format!("asynq:{{{queue}}}:processed");
        let failed_key = format!("asynq:{{{queue}}}:failed");
        assert_eq!(self.counter(&processed_key).as_deref(), processed);
        assert_eq!(self.counter(&failed_key).as_deref(), failed);
    }
}
