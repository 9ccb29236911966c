//! Key rotation on a real redis-server, in the order `docs/signing.md` prescribes: the
//! workers trust the new key B beside the old key A; producers switch from A to B while
//! tasks signed with A are still queued; every task of both keys runs with no refusal;
//! then A is listed as retired, a task still signed with A is refused as `retired_key`,
//! and the shared per-key counters show that A stopped growing. Also: an unknown key is
//! retried a bounded number of times, then archived; and no key type shows its secret.

use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::Commands as _;
use vetted::broker::redis::RedisBroker;
use vetted::broker::{Broker, CounterSnapshot};
use vetted::client::{Client, EnqueueOptions};
use vetted::signing::{KeyId, KeyRing};
use vetted::wire::{DecodeLimits, TaskMessage};
use vetted::worker::{Outcome, Worker, WorkerBuilder};
use vetted_tests::fixtures::{Calls, Probe, probe, process_next};
use vetted_tests::redis_server::RedisServer;

/// The old key: 32 bytes of 0xa1.
const SECRET_A: &str = "hex:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
/// The new key, in base64: 32 bytes of 0xb2.
const SECRET_B: &str = "base64:srKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrI=";
/// A key no worker knows: 32 bytes of 0xc3.
const SECRET_C: &str = "hex:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";

fn ring(text: &str) -> Arc<KeyRing> {
    Arc::new(KeyRing::parse(text).expect("valid key ring"))
}

/// Before the rotation: everyone signs and verifies with A.
fn ring_a() -> Arc<KeyRing> {
    ring(&format!("sign A {SECRET_A}"))
}

/// During the overlap: B signs, A still verifies.
fn ring_overlap() -> Arc<KeyRing> {
    ring(&format!("sign B {SECRET_B}\nverify A {SECRET_A}"))
}

/// After the overlap: A is retired.
fn ring_retired() -> Arc<KeyRing> {
    ring(&format!("sign B {SECRET_B}\nretired A"))
}

/// A redis-server with a broker on it and the probe handler's call log.
struct Rig {
    server: RedisServer,
    broker: Arc<dyn Broker>,
    calls: Calls,
}

impl Rig {
    async fn start() -> Self {
        let server = RedisServer::start();
        let broker = RedisBroker::connect(&server.url())
            .await
            .expect("connect to the test redis-server");
        Self {
            server,
            broker: Arc::new(broker),
            calls: Calls::default(),
        }
    }

    fn client(&self, keyring: Arc<KeyRing>) -> Client {
        Client::from_shared(self.broker.clone(), keyring)
    }

    fn worker(&self, keyring: Arc<KeyRing>) -> Worker {
        WorkerBuilder::new(self.broker.clone())
            .handler::<probe>()
            .shared_keyring(keyring)
            .state(self.calls.clone())
            .configure(|c| {
                c.concurrency = 2;
                c.poll_interval = Duration::from_millis(20);
                c.forward_interval = Duration::from_millis(100);
                c.heartbeat_interval = Duration::from_millis(200);
            })
            .build()
            .expect("worker builds")
    }

    async fn counters(&self) -> CounterSnapshot {
        self.broker.counters().await.expect("counters readable")
    }
}

fn count(map: &std::collections::BTreeMap<String, u64>, name: &str) -> u64 {
    map.get(name).copied().unwrap_or(0)
}

#[tokio::test]
async fn rotation_has_no_refusals_during_the_overlap_and_refuses_the_retired_key() {
    let rig = Rig::start().await;
    let producer_a = rig.client(ring_a());
    let mut expected = Vec::new();
    // Queued before the rotation starts: three due now, three due in two seconds
    // (asynq's scores are whole seconds, so at least one second from now).
    for i in 0..6 {
        let label = format!("a-{i}");
        let options = if i < 3 {
            EnqueueOptions::default()
        } else {
            EnqueueOptions::default().process_in(Duration::from_secs(2))
        };
        let info = producer_a
            .enqueue_with(&Probe::new(&label, "ok"), options)
            .await
            .unwrap();
        assert_eq!(info.key_id, "A");
        expected.push(label);
    }

    // Step 1: the worker trusts A and B. Step 2: producers switch to B while the A
    // tasks are still queued (the scheduled ones cannot have run yet).
    let worker = rig.worker(ring_overlap());
    let calls = rig.calls.clone();
    let running = tokio::spawn(worker.run(async move {
        let deadline = Instant::now() + Duration::from_secs(20);
        while calls.labels().len() < 10 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }));
    let producer_b = rig.client(ring_overlap());
    for i in 0..4 {
        let label = format!("b-{i}");
        let info = producer_b.enqueue(&Probe::new(&label, "ok")).await.unwrap();
        assert_eq!(info.key_id, "B");
        expected.push(label);
    }
    let queued = rig.broker.queue_stats("default").await.unwrap();
    assert_eq!(queued.scheduled, 3, "A tasks still queued after the switch");
    tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .expect("worker stops")
        .expect("worker task");

    let mut handled = rig.calls.labels();
    handled.sort();
    expected.sort();
    assert_eq!(handled, expected, "every task of both keys ran once");
    let overlap = rig.counters().await;
    assert!(overlap.rejected.is_empty(), "no refusal: {overlap:?}");
    assert_eq!(count(&overlap.verified_by_key, "A"), 6);
    assert_eq!(count(&overlap.verified_by_key, "B"), 4);

    // Step 3: A is retired. A task still signed with A is refused as retired_key.
    let retired = rig.worker(ring_retired());
    let late = producer_a
        .enqueue(&Probe::new("late-a", "ok"))
        .await
        .unwrap();
    match process_next(&retired).await {
        Outcome::Quarantined { error } => assert!(
            error.starts_with("vetted: reason=retired_key key=A"),
            "{error}"
        ),
        other => panic!("expected a retired_key refusal, got {other:?}"),
    }
    producer_b
        .enqueue(&Probe::new("after", "ok"))
        .await
        .unwrap();
    assert_eq!(process_next(&retired).await, Outcome::Completed);
    retired.flush_counters().await.unwrap();
    assert!(!rig.calls.labels().contains(&"late-a".to_owned()));

    let after = rig.counters().await;
    assert_eq!(count(&after.verified_by_key, "A"), 6, "A has gone quiet");
    assert_eq!(count(&after.verified_by_key, "B"), 5);
    assert_eq!(count(&after.rejected, "retired_key"), 1);
    assert_eq!(count(&after.rejected_by_key, "A"), 1);
    let mut redis = rig.server.connection();
    let verified: Vec<(String, u64)> = redis.hgetall("vetted:{stats}:verified_by_key").unwrap();
    assert_eq!(verified, [("A".to_owned(), 6), ("B".to_owned(), 5)]);
    let archived: usize = redis.zcard("asynq:{default}:archived").unwrap();
    assert_eq!(archived, 0, "a retired key proves nothing: quarantined");
    let quarantined = rig.broker.quarantined("default", 5).await.unwrap();
    assert_eq!(quarantined.entries.len(), 1);
    assert_eq!(quarantined.entries[0].task_id, late.id);
    assert_eq!(quarantined.entries[0].reason, "retired_key");
}

#[tokio::test]
async fn an_unknown_key_is_retried_a_bounded_number_of_times_then_quarantined() {
    let rig = Rig::start().await;
    let stranger = rig.client(ring(&format!("sign C {SECRET_C}")));
    let info = stranger
        .enqueue(&Probe::new("stranger", "ok"))
        .await
        .unwrap();
    let worker = WorkerBuilder::new(rig.broker.clone())
        .handler::<probe>()
        .shared_keyring(ring_overlap())
        .state(rig.calls.clone())
        .configure(|c| c.unknown_key_retries = 2)
        .build()
        .unwrap();
    let far = std::time::SystemTime::now() + Duration::from_secs(24 * 3600);
    for attempt in 0..2 {
        match process_next(&worker).await {
            Outcome::Retried { error } => assert!(
                error.starts_with("vetted: reason=unknown_key key=C"),
                "attempt {attempt}: {error}"
            ),
            other => panic!("attempt {attempt}: expected a retry, got {other:?}"),
        }
        assert_eq!(rig.broker.forward_due("default", far).await.unwrap(), 1);
    }
    match process_next(&worker).await {
        Outcome::Quarantined { error } => {
            assert!(
                error.starts_with("vetted: reason=unknown_key key=C"),
                "{error}"
            )
        }
        other => panic!("expected quarantine, got {other:?}"),
    }
    assert!(rig.calls.labels().is_empty(), "the handler never ran");
    let mut redis = rig.server.connection();
    let hash = format!("asynq:{{default}}:t:{}", info.id);
    assert!(
        !redis.exists::<_, bool>(&hash).unwrap(),
        "the hash is deleted"
    );
    let quarantined = rig.broker.quarantined("default", 5).await.unwrap();
    assert_eq!(quarantined.len, 1);
    let raw = quarantined.entries[0].message.as_deref().expect("msg kept");
    let stored = TaskMessage::decode(raw, &DecodeLimits::default()).unwrap();
    assert_eq!(
        stored.retried, 2,
        "bounded by unknown_key_retries, not retry = 3"
    );
    worker.flush_counters().await.unwrap();
    let counters = rig.counters().await;
    assert_eq!(count(&counters.rejected, "unknown_key"), 3);
    assert_eq!(count(&counters.rejected_by_key, "C"), 3);
    assert!(counters.verified_by_key.is_empty());
}

/// Ways one secret can be spelled in text: both hex cases, base64 and its URL-safe
/// form, and the decimal bytes a derived `Debug` of a byte slice would print.
fn spellings(byte: u8) -> Vec<String> {
    vec![
        format!("{byte:02x}{byte:02x}{byte:02x}"),
        format!("{byte:02X}{byte:02X}{byte:02X}"),
        format!("{byte}, {byte}, {byte}"),
        format!("{byte:#04x}"),
    ]
}

#[test]
fn no_key_type_shows_secret_material_in_debug() {
    let text = format!("sign B {SECRET_B}\nverify A {SECRET_A}\nretired Z");
    let keyring = KeyRing::parse(&text).unwrap();
    let mut shown = format!("{keyring:?}\n{keyring:#?}");
    for id in keyring.key_ids() {
        shown += &format!("\n{id:?} {id}");
    }
    shown += &format!("\n{:?}", KeyId::parse("A").unwrap());
    // Errors name the line and the problem, never the secret.
    for bad in [
        format!("sign A {SECRET_A}\nverify B {}", &SECRET_A[..40]),
        format!("sign A {SECRET_A}\nverify A {SECRET_B}"),
        format!("sign A {}!", SECRET_B),
        format!("sign A {SECRET_A} extra"),
        format!("verify A {SECRET_A}"),
    ] {
        let err = KeyRing::parse(&bad).expect_err("an invalid ring");
        shown += &format!("\n{err}\n{err:?}");
    }
    let mut leaks = vec![
        SECRET_A["hex:".len()..][..16].to_owned(),
        SECRET_B["base64:".len()..][..16].to_owned(),
    ];
    leaks.extend(spellings(0xa1));
    leaks.extend(spellings(0xb2));
    for leak in leaks {
        assert!(!shown.contains(&leak), "`{leak}` shown in:\n{shown}");
    }
    assert!(shown.contains("\"A\"") && shown.contains("\"B\"") && shown.contains("\"Z\""));
}
