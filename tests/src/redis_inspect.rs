//! A [`RedisBroker`] on its own `redis-server`, seen through the conformance suite's
//! [`Inspect`] trait.
//!
//! [`InspectedRedis`] reads and plants asynq's keys with raw Redis commands on a second
//! connection, so the suite checks what the broker's scripts left in Redis rather than
//! what the broker reports about itself. It implements [`Broker`] by handing every call
//! to the wrapped broker.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use redis::aio::MultiplexedConnection;
use vetted::broker::redis::RedisBroker;
use vetted::broker::{
    Broker, BrokerError, CounterSnapshot, Dequeued, ExpiredLease, QuarantineLimits, QuarantineList,
    QuarantineNote, QueueStats, ServerState, TaskRef,
};
use vetted::wire::TaskMessage;

use crate::conformance::{Inspect, unix_secs};
use crate::redis_server::RedisServer;

/// A Redis broker, the server it talks to, and a raw connection for inspection.
///
/// Dropping it stops the server.
pub struct InspectedRedis {
    /// The broker under test.
    broker: RedisBroker,
    /// A separate connection for reading and planting keys.
    redis: MultiplexedConnection,
    /// Declared last, so the server outlives both connections when dropped.
    _server: RedisServer,
}

impl InspectedRedis {
    /// Starts a fresh `redis-server` on a free loopback port and connects to it.
    pub async fn start() -> Self {
        let server = RedisServer::start();
        let broker = RedisBroker::connect(&server.url())
            .await
            .expect("connect the broker to the test redis-server");
        let redis = redis::Client::open(server.url())
            .expect("parse the test redis-server URL")
            .get_multiplexed_async_connection()
            .await
            .expect("open the inspection connection");
        Self {
            broker,
            redis,
            _server: server,
        }
    }

    /// Runs `command` on the inspection connection, failing the test on an error.
    async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> T {
        let mut redis = self.redis.clone();
        command
            .query_async(&mut redis)
            .await
            .unwrap_or_else(|error| panic!("inspection command failed: {error}"))
    }
}

/// `asynq:{<queue>}:<suffix>`, one of the queue's keys.
fn queue_key(queue: &str, suffix: &str) -> String {
    format!("asynq:{{{queue}}}:{suffix}")
}

/// `asynq:{<queue>}:t:<id>`, the task hash.
fn task_key(queue: &str, id: &str) -> String {
    queue_key(queue, &format!("t:{id}"))
}

/// Whether asynq keeps `key` as a list (the others are sorted sets).
fn is_list(key: &str) -> bool {
    matches!(key, "pending" | "active")
}

#[async_trait]
impl Inspect for InspectedRedis {
    async fn state_of(&self, queue: &str, id: &str) -> Option<String> {
        let command = redis::cmd("HGET")
            .arg(task_key(queue, id))
            .arg("state")
            .clone();
        self.query(&command).await
    }

    async fn list(&self, queue: &str, key: &str) -> Vec<String> {
        let name = queue_key(queue, key);
        if is_list(key) {
            // Lists are pushed on the left and popped on the right: read right to left.
            let command = redis::cmd("LRANGE").arg(name).arg(0).arg(-1).clone();
            let mut ids: Vec<String> = self.query(&command).await;
            ids.reverse();
            return ids;
        }
        let command = redis::cmd("ZRANGE").arg(name).arg(0).arg(-1).clone();
        self.query(&command).await
    }

    async fn score(&self, queue: &str, key: &str, id: &str) -> Option<i64> {
        let command = redis::cmd("ZSCORE")
            .arg(queue_key(queue, key))
            .arg(id)
            .clone();
        let score: Option<f64> = self.query(&command).await;
        // asynq's scores are whole seconds, so the conversion is exact.
        score.map(|secs| secs as i64)
    }

    async fn push_raw_pending(&self, queue: &str, id: &str, message: Option<&[u8]>) {
        let hash = task_key(queue, id);
        let mut pipe = redis::pipe();
        pipe.atomic().del(&hash).ignore();
        if let Some(msg) = message {
            pipe.hset_multiple(&hash, &[("msg", msg), ("state", b"pending".as_slice())])
                .ignore();
        }
        pipe.lpush(queue_key(queue, "pending"), id).ignore();
        let mut redis = self.redis.clone();
        pipe.exec_async(&mut redis)
            .await
            .expect("plant a pending id");
    }

    async fn push_pending_id(&self, queue: &str, id: &str) {
        let _: u64 = self
            .query(redis::cmd("LPUSH").arg(queue_key(queue, "pending")).arg(id))
            .await;
    }

    async fn remove_record(&self, queue: &str, id: &str) {
        let removed: u64 = self.query(redis::cmd("DEL").arg(task_key(queue, id))).await;
        assert_eq!(removed, 1, "task {id} of {queue} had no hash");
    }

    async fn set_unique_lock(&self, key: &str, id: &str) {
        let command = redis::cmd("SET")
            .arg(key)
            .arg(id)
            .arg("NX")
            .arg("EX")
            .arg(3600)
            .clone();
        let reply: Option<String> = self.query(&command).await;
        assert!(reply.is_some(), "unique lock {key} was already taken");
    }

    async fn unique_lock(&self, key: &str) -> Option<String> {
        self.query(redis::cmd("GET").arg(key)).await
    }

    async fn totals(&self, queue: &str) -> (u64, u64) {
        let command = redis::cmd("MGET")
            .arg(queue_key(queue, "processed"))
            .arg(queue_key(queue, "failed"))
            .clone();
        let counts: (Option<u64>, Option<u64>) = self.query(&command).await;
        (counts.0.unwrap_or(0), counts.1.unwrap_or(0))
    }

    async fn queues(&self) -> Vec<String> {
        self.query(redis::cmd("SMEMBERS").arg("asynq:queues")).await
    }

    async fn has_server(&self, state: &ServerState) -> bool {
        // As asynq's readers do: listed in asynq:servers with a score not yet past,
        // and the server key itself still present.
        let key = format!(
            "asynq:servers:{{{}:{}:{}}}",
            state.host, state.pid, state.server_id
        );
        let command = redis::cmd("ZSCORE").arg("asynq:servers").arg(&key).clone();
        let expiry: Option<f64> = self.query(&command).await;
        let live = expiry.is_some_and(|secs| secs as i64 >= unix_secs(SystemTime::now()));
        let exists: bool = self.query(redis::cmd("EXISTS").arg(&key)).await;
        live && exists
    }

    async fn marker_ttl(&self, queue: &str, id: &str) -> Option<Duration> {
        let key = format!("vetted:{{{queue}}}:done:{id}");
        let millis: i64 = self.query(redis::cmd("PTTL").arg(key)).await;
        match millis {
            -2 => None,
            -1 => Some(Duration::MAX),
            ms => Some(Duration::from_millis(ms.unsigned_abs())),
        }
    }
}

#[async_trait]
impl Broker for InspectedRedis {
    async fn enqueue(
        &self,
        message: &TaskMessage,
        process_at: Option<SystemTime>,
    ) -> Result<(), BrokerError> {
        self.broker.enqueue(message, process_at).await
    }

    async fn dequeue(
        &self,
        queues: &[String],
        lease_until: SystemTime,
        max_message_bytes: usize,
    ) -> Result<Option<Dequeued>, BrokerError> {
        self.broker
            .dequeue(queues, lease_until, max_message_bytes)
            .await
    }

    async fn done(&self, task: TaskRef<'_>, unique_key: &str) -> Result<(), BrokerError> {
        self.broker.done(task, unique_key).await
    }

    async fn mark_complete(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        expires_at: SystemTime,
        unique_key: &str,
    ) -> Result<(), BrokerError> {
        self.broker
            .mark_complete(task, message, expires_at, unique_key)
            .await
    }

    async fn retry(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        retry_at: SystemTime,
        is_failure: bool,
    ) -> Result<(), BrokerError> {
        self.broker.retry(task, message, retry_at, is_failure).await
    }

    async fn archive(&self, task: TaskRef<'_>, message: &[u8]) -> Result<(), BrokerError> {
        self.broker.archive(task, message).await
    }

    async fn requeue(&self, task: TaskRef<'_>) -> Result<(), BrokerError> {
        self.broker.requeue(task).await
    }

    async fn reschedule(&self, task: TaskRef<'_>, at: SystemTime) -> Result<(), BrokerError> {
        self.broker.reschedule(task, at).await
    }

    async fn quarantine(
        &self,
        task: TaskRef<'_>,
        note: &QuarantineNote<'_>,
        limits: &QuarantineLimits,
    ) -> Result<(), BrokerError> {
        self.broker.quarantine(task, note, limits).await
    }

    async fn quarantined(&self, queue: &str, count: usize) -> Result<QuarantineList, BrokerError> {
        self.broker.quarantined(queue, count).await
    }

    async fn extend_leases(
        &self,
        queue: &str,
        ids: &[String],
        until: SystemTime,
    ) -> Result<(), BrokerError> {
        self.broker.extend_leases(queue, ids, until).await
    }

    async fn forward_due(&self, queue: &str, now: SystemTime) -> Result<usize, BrokerError> {
        self.broker.forward_due(queue, now).await
    }

    async fn expired_leases(
        &self,
        queue: &str,
        cutoff: SystemTime,
        max_message_bytes: usize,
    ) -> Result<Vec<ExpiredLease>, BrokerError> {
        self.broker
            .expired_leases(queue, cutoff, max_message_bytes)
            .await
    }

    async fn delete_expired_completed(
        &self,
        queue: &str,
        now: SystemTime,
    ) -> Result<usize, BrokerError> {
        self.broker.delete_expired_completed(queue, now).await
    }

    async fn write_server_state(
        &self,
        state: &ServerState,
        ttl: Duration,
    ) -> Result<(), BrokerError> {
        self.broker.write_server_state(state, ttl).await
    }

    async fn clear_server_state(&self, state: &ServerState) -> Result<(), BrokerError> {
        self.broker.clear_server_state(state).await
    }

    async fn task_message(&self, task: TaskRef<'_>) -> Result<Option<Vec<u8>>, BrokerError> {
        self.broker.task_message(task).await
    }

    async fn queue_stats(&self, queue: &str) -> Result<QueueStats, BrokerError> {
        self.broker.queue_stats(queue).await
    }

    async fn is_completed(&self, task: TaskRef<'_>) -> Result<bool, BrokerError> {
        self.broker.is_completed(task).await
    }

    async fn record_completion(&self, task: TaskRef<'_>, ttl: Duration) -> Result<(), BrokerError> {
        self.broker.record_completion(task, ttl).await
    }

    async fn add_counters(&self, delta: &CounterSnapshot) -> Result<(), BrokerError> {
        self.broker.add_counters(delta).await
    }

    async fn counters(&self) -> Result<CounterSnapshot, BrokerError> {
        self.broker.counters().await
    }
}
