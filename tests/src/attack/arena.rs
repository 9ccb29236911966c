//! One real redis-server, a worker with every attack task type registered, raw Redis
//! writes as an attacker would make them, and reads of what the worker left behind.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::Commands;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use vetted::broker::redis::RedisBroker;
use vetted::client::Client;
use vetted::signing::KeyRing;
use vetted::wire::{DecodeLimits, TaskMessage};
use vetted::worker::{Worker, WorkerBuilder, WorkerConfig};

use super::capture;
use super::forge::{WORKER_RING, ring};
use super::tasks::{Calls, Gate, Note, Outputs, job, ledger, note, order, payout, profile};
use crate::redis_server::RedisServer;

/// The queues the worker serves.
pub const QUEUES: [&str; 3] = ["default", "critical", "low"];

/// How long a test waits for the worker before failing.
const WAIT_LIMIT: Duration = Duration::from_secs(40);

/// A redis-server with a client, the worker's key ring and the handlers' records.
pub struct Arena {
    /// The server, stopped on drop.
    pub server: RedisServer,
    /// Our broker on it (for the worker and the legitimate client only).
    pub broker: RedisBroker,
    /// The worker's key ring.
    pub keyring: Arc<KeyRing>,
    /// A legitimate producer signing with it.
    pub client: Client,
    /// Task ids whose handler ran.
    pub calls: Calls,
    /// Holds `gate` notes.
    pub gate: Gate,
    /// Program outputs of `atk:job` tasks.
    pub outputs: Outputs,
    pub(super) heartbeat_leaks: Mutex<Vec<String>>,
}

/// A worker running in the background until [`stop`](RunningWorker::stop).
pub struct RunningWorker {
    stop: oneshot::Sender<()>,
    handle: JoinHandle<()>,
}

impl RunningWorker {
    /// Shuts the worker down and checks that it ended by itself, without a panic.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(WAIT_LIMIT, self.handle)
            .await
            .expect("worker stops in time")
            .expect("worker did not panic");
    }

    /// Whether the worker is still running (it must survive every attack).
    pub fn is_running(&self) -> bool {
        !self.handle.is_finished()
    }
}

/// Settings that keep a test short: fast polling and upkeep, asynq's lease.
pub fn fast(config: &mut WorkerConfig) {
    config.concurrency = 4;
    config.queues = QUEUES.iter().map(|q| ((*q).to_owned(), 1)).collect();
    config.poll_interval = Duration::from_millis(10);
    config.heartbeat_interval = Duration::from_millis(100);
    config.lease_extend_interval = Duration::from_millis(100);
    config.forward_interval = Duration::from_millis(50);
    config.recover_interval = Duration::from_millis(100);
    config.janitor_interval = Duration::from_millis(500);
    config.shutdown_timeout = Duration::from_secs(2);
}

impl Arena {
    /// Starts redis-server and connects; installs log and panic capture.
    pub async fn start() -> Self {
        capture::install();
        let server = RedisServer::start();
        let broker = RedisBroker::connect(&server.url())
            .await
            .expect("connect to the test redis-server");
        let keyring = Arc::new(ring(WORKER_RING));
        let client = Client::from_shared(Arc::new(broker.clone()), keyring.clone());
        Self {
            server,
            broker,
            keyring,
            client,
            calls: Calls::default(),
            gate: Gate::default(),
            outputs: Outputs::default(),
            heartbeat_leaks: Mutex::new(Vec::new()),
        }
    }

    /// A synchronous connection for raw reads and writes.
    pub fn redis(&self) -> redis::Connection {
        self.server.connection()
    }

    /// A worker builder with every attack handler, the state they need, the worker's
    /// ring and [`fast`] settings.
    pub fn builder(&self) -> WorkerBuilder {
        Worker::builder(self.broker.clone())
            .handler::<note>()
            .handler::<payout>()
            .handler::<ledger>()
            .handler::<profile>()
            .handler::<order>()
            .handler::<job>()
            .shared_keyring(self.keyring.clone())
            .state(self.calls.clone())
            .state(self.gate.clone())
            .state(self.outputs.clone())
            .configure(fast)
    }

    /// Starts a worker from `builder` in the background.
    pub fn spawn(&self, builder: WorkerBuilder) -> RunningWorker {
        let worker = builder.build().expect("attack worker builds");
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(worker.run(async move {
            let _ = stopped.await;
        }));
        RunningWorker { stop, handle }
    }

    /// Runs a worker with [`builder`](Self::builder) until every queue is drained.
    pub async fn run_until_settled(&self) {
        self.run_until_settled_with(self.builder()).await;
    }

    /// Runs a worker from `builder` until every queue is drained.
    pub async fn run_until_settled_with(&self, builder: WorkerBuilder) {
        let worker = self.spawn(builder);
        self.wait_settled().await;
        assert!(worker.is_running(), "the worker survived");
        worker.stop().await;
    }

    /// Waits until `pending` and `active` of every queue are empty.
    pub async fn wait_settled(&self) {
        self.wait_for("every queue to drain", |redis| {
            QUEUES.iter().all(|q| {
                llen(redis, &format!("asynq:{{{q}}}:pending")) == 0
                    && llen(redis, &format!("asynq:{{{q}}}:active")) == 0
            })
        })
        .await;
    }

    /// Polls `done` until it holds, sampling the heartbeat for the canary meanwhile.
    pub async fn wait_for(&self, what: &str, mut done: impl FnMut(&mut redis::Connection) -> bool) {
        let mut redis = self.redis();
        let started = Instant::now();
        loop {
            self.sample_heartbeat(&mut redis);
            if done(&mut redis) {
                return;
            }
            assert!(
                started.elapsed() < WAIT_LIMIT,
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Enqueues a legitimate note through our client and returns its id.
    pub async fn legit(&self) -> String {
        self.legit_note("ok").await
    }

    /// Enqueues a legitimate note with `action` and returns its id.
    pub async fn legit_note(&self, action: &str) -> String {
        let label = format!("legit-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        self.client
            .enqueue(&Note::new(&label, action))
            .await
            .expect("legitimate enqueue")
            .id
    }

    /// The decoded `msg` of a task, if its hash has one.
    pub fn stored(&self, queue: &str, id: &str) -> Option<TaskMessage> {
        let raw: Option<Vec<u8>> = self
            .redis()
            .hget(task_key(queue, id), "msg")
            .expect("HGET msg");
        raw.map(|raw| {
            TaskMessage::decode(&raw, &DecodeLimits::default()).expect("stored msg decodes")
        })
    }

    /// The `state` field of a task hash.
    pub fn state(&self, queue: &str, id: &str) -> Option<String> {
        self.redis()
            .hget(task_key(queue, id), "state")
            .expect("HGET state")
    }

    /// Whether `id` is in the list or sorted set `asynq:{queue}:<set>`.
    pub fn holds(&self, queue: &str, set: &str, id: &str) -> bool {
        let key = format!("asynq:{{{queue}}}:{set}");
        let mut redis = self.redis();
        let kind: String = redis::cmd("TYPE")
            .arg(&key)
            .query(&mut redis)
            .expect("TYPE");
        match kind.as_str() {
            "list" => {
                let ids: Vec<String> = redis.lrange(&key, 0, -1).expect("LRANGE");
                ids.iter().any(|seen| seen == id)
            }
            "zset" => redis
                .zscore::<_, _, Option<f64>>(&key, id)
                .expect("ZSCORE")
                .is_some(),
            _ => false,
        }
    }
}

/// `asynq:{<queue>}:t:<id>`.
pub fn task_key(queue: &str, id: &str) -> String {
    format!("asynq:{{{queue}}}:t:{id}")
}

/// `LLEN`, 0 for a missing key.
pub fn llen(redis: &mut redis::Connection, key: &str) -> usize {
    redis.llen(key).unwrap_or(0)
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
