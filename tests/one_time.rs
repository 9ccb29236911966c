//! One-time mode: a completed task delivered again is acknowledged without running, a
//! genuine retry of a task that did not complete still runs, and the completion marker
//! lasts exactly as long as the signed expiry lets the task be accepted. On the
//! in-memory broker, then once end to end on a real redis-server.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Commands as _;
use vetted::broker::memory::MemoryBroker;
use vetted::broker::redis::RedisBroker;
use vetted::broker::{Broker, TaskRef};
use vetted::client::Client;
use vetted::signing::{Claims, HEADER, KeyRing, SignedFields};
use vetted::wire::{DecodeLimits, TaskMessage};
use vetted::worker::{Outcome, Worker};
use vetted::{HandlerError, State, Task, TaskContext, Verified};
use vetted_tests::fixtures::process_next;
use vetted_tests::redis_server::RedisServer;

/// A payment capture: it must never run twice once it succeeded.
#[vetted::task(name = "test:capture", max_age = "1h", one_time, max_retry = 3)]
pub struct Capture {
    /// Recorded by the handler.
    #[validate(length(min = 1, max = 32))]
    pub order: String,
    /// `ok`, or `fail-once` to fail the first attempt.
    #[validate(length(max = 16))]
    pub action: String,
}

#[vetted::task(name = "test:explicit", max_age = "10m", one_time = true)]
struct Explicit {
    n: u32,
}

#[vetted::task(name = "test:not-once", max_age = "10m", one_time = false)]
struct NotOnce {
    n: u32,
}

/// Orders whose handler ran, once per run.
#[derive(Clone, Debug, Default)]
pub struct Runs(Arc<Mutex<Vec<String>>>);

impl Runs {
    fn orders(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Records a run of `order` and returns how many runs it had before.
    fn push(&self, order: &str) -> usize {
        let mut runs = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let before = runs.iter().filter(|o| *o == order).count();
        runs.push(order.to_owned());
        before
    }
}

/// Captures a payment.
#[vetted::handler]
pub async fn capture(
    task: Verified<Capture>,
    _ctx: TaskContext,
    runs: State<Runs>,
) -> Result<(), HandlerError> {
    let before = runs.push(&task.order);
    if task.action == "fail-once" && before == 0 {
        return Err(HandlerError::retry("gateway timeout"));
    }
    Ok(())
}

fn capture_of(order: &str, action: &str) -> Capture {
    Capture {
        order: order.to_owned(),
        action: action.to_owned(),
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The signed expiry (`exp`, Unix seconds) in a stored message's signature header.
fn signed_expiry(raw: &[u8]) -> u64 {
    let message = TaskMessage::decode(raw, &DecodeLimits::default()).expect("decodable");
    let header = &message.headers[HEADER];
    header
        .split(':')
        .nth(3)
        .expect("exp field")
        .parse()
        .expect("a number")
}

/// A worker on `broker` with the capture handler.
fn worker(broker: Arc<dyn Broker>, keyring: &Arc<KeyRing>, runs: &Runs) -> Worker {
    vetted::worker::WorkerBuilder::new(broker)
        .handler::<capture>()
        .shared_keyring(keyring.clone())
        .state(runs.clone())
        .build()
        .expect("worker builds")
}

/// The in-memory broker with a client and worker around it.
struct Rig {
    broker: MemoryBroker,
    keyring: Arc<KeyRing>,
    client: Client,
    worker: Worker,
    runs: Runs,
}

impl Rig {
    fn new() -> Self {
        let broker = MemoryBroker::new();
        let keyring = Arc::new(KeyRing::ephemeral("k1"));
        let shared: Arc<dyn Broker> = Arc::new(broker.clone());
        let runs = Runs::default();
        Self {
            client: Client::from_shared(shared.clone(), keyring.clone()),
            worker: worker(shared, &keyring, &runs),
            broker,
            keyring,
            runs,
        }
    }

    async fn stored(&self, id: &str) -> Option<Vec<u8>> {
        let task = TaskRef {
            queue: "default",
            id,
        };
        self.broker.task_message(task).await.expect("broker works")
    }
}

#[test]
fn the_attribute_sets_one_time_mode() {
    let flags = [
        Capture::OPTIONS.one_time,
        Explicit::OPTIONS.one_time,
        NotOnce::OPTIONS.one_time,
        vetted::TaskOptions::DEFAULT.one_time,
    ];
    assert_eq!(flags, [true, true, false, false]);
    assert_eq!(Capture::OPTIONS.max_age, Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn a_completed_task_delivered_again_is_acknowledged_without_running() {
    let rig = Rig::new();
    let info = rig.client.enqueue(&capture_of("o-1", "ok")).await.unwrap();
    let signed_bytes = rig.stored(&info.id).await.expect("pending task");
    assert_eq!(process_next(&rig.worker).await, Outcome::Completed);
    assert!(rig.broker.completion_marker("default", &info.id).is_some());

    rig.broker
        .push_raw_pending("default", &info.id, Some(signed_bytes));
    assert_eq!(process_next(&rig.worker).await, Outcome::Replayed);
    assert_eq!(rig.runs.orders(), ["o-1"], "the handler ran once");
    assert_eq!(rig.stored(&info.id).await, None, "deleted like done");
    let stats = rig.broker.queue_stats("default").await.unwrap();
    assert_eq!((stats.pending, stats.active, stats.archived), (0, 0, 0));
    let counters = rig.worker.counters();
    assert_eq!(counters.rejected.get("replayed"), Some(&1));
    assert_eq!(counters.rejected_by_key.get("k1"), Some(&1));
    assert_eq!(counters.verified_by_key.get("k1"), Some(&1));
}

#[tokio::test]
async fn a_retry_of_a_task_that_did_not_complete_still_runs() {
    let rig = Rig::new();
    let info = rig
        .client
        .enqueue(&capture_of("o-2", "fail-once"))
        .await
        .unwrap();
    assert!(matches!(
        process_next(&rig.worker).await,
        Outcome::Retried { .. }
    ));
    assert_eq!(rig.broker.completion_marker("default", &info.id), None);
    let later = SystemTime::now() + Duration::from_secs(3600);
    assert_eq!(rig.broker.forward_due("default", later).await.unwrap(), 1);
    assert_eq!(process_next(&rig.worker).await, Outcome::Completed);
    assert_eq!(rig.runs.orders(), ["o-2", "o-2"]);
    assert!(rig.broker.completion_marker("default", &info.id).is_some());
    assert!(rig.worker.counters().rejected.is_empty());
}

#[tokio::test]
async fn other_tasks_are_not_held_back_by_a_marker() {
    let rig = Rig::new();
    rig.client.enqueue(&capture_of("o-3", "ok")).await.unwrap();
    rig.client.enqueue(&capture_of("o-3", "ok")).await.unwrap();
    assert_eq!(process_next(&rig.worker).await, Outcome::Completed);
    assert_eq!(process_next(&rig.worker).await, Outcome::Completed);
    assert_eq!(rig.runs.orders(), ["o-3", "o-3"], "markers are per task id");
}

#[tokio::test]
async fn the_marker_lasts_until_the_signed_expiry_plus_skew() {
    let rig = Rig::new();
    let info = rig.client.enqueue(&capture_of("o-4", "ok")).await.unwrap();
    let exp = signed_expiry(&rig.stored(&info.id).await.unwrap());
    let before = now_secs();
    assert!(
        exp >= before + 3599 && exp <= before + 3600,
        "exp = due + max_age"
    );
    assert_eq!(process_next(&rig.worker).await, Outcome::Completed);
    let expires = rig
        .broker
        .completion_marker("default", &info.id)
        .expect("a marker");
    let expires = expires.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let after = now_secs();
    // The last whole second a worker still accepts the task is exp + 60; the marker
    // must cover it (rounded up to whole seconds from completion) and no more.
    assert!(
        expires > exp + 60,
        "{expires} does not cover exp + skew {exp}"
    );
    assert!(expires <= exp + 62, "{expires} outlives exp + skew {exp}");
    assert!(expires - after <= 3600 + 62);
}

#[tokio::test]
async fn after_its_expiry_a_replay_is_refused_as_expired() {
    let rig = Rig::new();
    let info = rig.client.enqueue(&capture_of("o-5", "ok")).await.unwrap();
    let raw = rig.stored(&info.id).await.unwrap();
    assert_eq!(process_next(&rig.worker).await, Outcome::Completed);
    // The same task, its signature redone with the times it would have past its
    // expiry: the marker is still there, but the expiry check comes first.
    let mut stale = TaskMessage::decode(&raw, &DecodeLimits::default()).unwrap();
    let fields = SignedFields {
        type_name: &stale.type_name,
        queue: &stale.queue,
        id: &stale.id,
        payload: &stale.payload,
    };
    let claims = Claims {
        key_id: "k1".into(),
        issued_at: now_secs() - 7200,
        expires_at: now_secs() - 3600,
        not_before: 0,
        max_retry: 3,
        schema_version: 1,
    };
    let header = rig.keyring.sign(&fields, &claims);
    stale.headers.insert(HEADER.to_owned(), header);
    rig.broker
        .push_raw_pending("default", &info.id, Some(stale.encode()));
    assert!(rig.broker.completion_marker("default", &info.id).is_some());
    match process_next(&rig.worker).await {
        Outcome::Archived { error } => {
            assert!(error.starts_with("vetted: reason=expired"), "{error}")
        }
        other => panic!("expected an expired refusal, got {other:?}"),
    }
    assert_eq!(rig.runs.orders(), ["o-5"]);
}

#[tokio::test]
async fn on_redis_a_replay_is_acknowledged_and_the_marker_is_bounded() {
    let server = RedisServer::start();
    let broker = RedisBroker::connect(&server.url()).await.unwrap();
    let shared: Arc<dyn Broker> = Arc::new(broker);
    let keyring = Arc::new(KeyRing::ephemeral("k1"));
    let runs = Runs::default();
    let client = Client::from_shared(shared.clone(), keyring.clone());
    let worker = worker(shared, &keyring, &runs);
    let info = client.enqueue(&capture_of("r-1", "ok")).await.unwrap();
    let mut redis = server.connection();
    let hash = format!("asynq:{{default}}:t:{}", info.id);
    let signed_bytes: Vec<u8> = redis.hget(&hash, "msg").unwrap();
    let exp = signed_expiry(&signed_bytes);
    assert_eq!(process_next(&worker).await, Outcome::Completed);

    let marker = format!("vetted:{{default}}:done:{}", info.id);
    let ttl: i64 = redis.ttl(&marker).unwrap();
    let ttl = u64::try_from(ttl).expect("the marker has a TTL");
    let now = now_secs();
    assert!(now + ttl > exp + 60 && now + ttl <= exp + 62, "ttl {ttl}");

    // An attacker with Redis access re-plants the exact signed bytes.
    let _: () = redis
        .hset_multiple(
            &hash,
            &[("msg", signed_bytes.as_slice()), ("state", b"pending")],
        )
        .unwrap();
    let _: () = redis.lpush("asynq:{default}:pending", &info.id).unwrap();
    assert_eq!(process_next(&worker).await, Outcome::Replayed);
    assert_eq!(runs.orders(), ["r-1"]);
    let exists: bool = redis.exists(&hash).unwrap();
    assert!(!exists, "deleted like done");
    let active: u64 = redis.llen("asynq:{default}:active").unwrap();
    assert_eq!(active, 0);
}
