//! Interop with Go asynq v0.26.0 on a real redis-server: Go producers and our worker, our
//! producer and Go servers, and Go's Inspector reading what we wrote.

use std::time::{Duration, Instant, UNIX_EPOCH};

use vetted::broker::Broker;
use vetted::broker::redis::RedisBroker;
use vetted::client::{Client, EnqueueOptions};
use vetted::signing::KeyRing;
use vetted::wire::TaskMessage;
use vetted::worker::{Outcome, Worker, WorkerBuilder};
use vetted_tests::fixtures::{Calls, Probe, probe};
use vetted_tests::go_harness::{KEYRING, addr, enqueue, events, inspect, run_ok};
use vetted_tests::redis_server::RedisServer;

async fn broker(redis: &RedisServer) -> RedisBroker {
    RedisBroker::connect(&redis.url())
        .await
        .expect("redis connects")
}

/// Our worker for `test:probe`, with the key ring shared with the Go side.
async fn worker_builder(redis: &RedisServer, calls: &Calls) -> WorkerBuilder {
    Worker::builder(broker(redis).await)
        .handler::<probe>()
        .keyring(KeyRing::parse(KEYRING).unwrap())
        .state(calls.clone())
}

async fn worker(redis: &RedisServer, calls: &Calls) -> Worker {
    worker_builder(redis, calls).await.build().unwrap()
}

/// Our producer, signing with the key ring shared with the Go side.
async fn client(redis: &RedisServer) -> Client {
    Client::new(broker(redis).await, KeyRing::parse(KEYRING).unwrap())
}

/// Go's Inspector report on `default`, checked to carry no errors.
fn inspect_clean(addr: &str) -> serde_json::Value {
    let report = inspect(addr, &[]);
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    report
}

async fn drain(worker: &Worker) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    while let Some(processed) = worker.process_one().await.unwrap() {
        outcomes.push(processed.outcome);
    }
    outcomes
}

#[tokio::test(flavor = "multi_thread")]
async fn go_producers_reach_our_handlers_and_forgeries_are_quarantined() {
    let redis = RedisServer::start();
    let addr = addr(&redis);
    let payload = r#"{"label":"from-go","action":"ok"}"#;
    enqueue(
        &addr,
        "test:probe",
        payload,
        &["--count", "3", "--id", "go"],
    );
    enqueue(
        &addr,
        "test:probe",
        payload,
        &["--id", "tampered", "--tamper"],
    );
    enqueue(
        &addr,
        "test:probe",
        payload,
        &["--id", "unsigned", "--unsigned"],
    );

    let calls = Calls::default();
    let outcomes = drain(&worker(&redis, &calls).await).await;
    assert_eq!(calls.labels(), ["from-go"; 3], "{outcomes:?}");

    let quarantined = broker(&redis)
        .await
        .quarantined("default", 10)
        .await
        .unwrap();
    let errors: Vec<(&str, String)> = quarantined
        .entries
        .iter()
        .map(|e| (e.task_id.as_str(), without_fingerprint(&e.error_msg)))
        .collect();
    assert_eq!(
        errors,
        [
            ("unsigned", "vetted: reason=unsigned len=33".to_owned()),
            (
                "tampered",
                "vetted: reason=bad_signature key=interop-k1 len=33".to_owned()
            ),
        ]
    );
    let report = inspect_clean(&addr);
    assert_eq!(report["queue_info"]["archived"], 0);
    assert_eq!(report["queue_info"]["processed"], 5);
}

/// `text` with its ` fp=<24 hex digits>` part removed; panics when it has none.
fn without_fingerprint(text: &str) -> String {
    let (head, tail) = text.split_once(" fp=").expect("a fingerprint");
    let (fp, rest) = tail.split_at(24.min(tail.len()));
    assert!(
        fp.len() == 24 && fp.bytes().all(|b| b.is_ascii_hexdigit()),
        "{text}"
    );
    format!("{head}{rest}")
}

/// Writes `n` archived tasks, as Go workers leave them, with raw Redis commands.
fn plant_archived(redis: &RedisServer, n: usize) -> Vec<String> {
    let mut conn = redis.connection();
    let archived_at = UNIX_EPOCH.elapsed().unwrap().as_secs() - 3_600;
    (0..n)
        .map(|i| {
            let id = format!("real-{i}");
            let message = TaskMessage {
                type_name: "test:probe".into(),
                payload: br#"{"label":"real","action":"ok"}"#.to_vec(),
                id: id.clone(),
                queue: "default".into(),
                error_msg: "upstream refused".into(),
                ..TaskMessage::default()
            };
            let _: () = redis::pipe()
                .hset_multiple(
                    format!("asynq:{{default}}:t:{id}"),
                    &[("msg", message.encode()), ("state", b"archived".to_vec())],
                )
                .ignore()
                .zadd("asynq:{default}:archived", &id, archived_at + i as u64)
                .ignore()
                .sadd("asynq:queues", "default")
                .ignore()
                .query(&mut conn)
                .unwrap();
            id
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn go_inspector_lists_real_archived_tasks_unchanged_after_a_flood() {
    let redis = RedisServer::start();
    let addr = addr(&redis);
    let real = plant_archived(&redis, 3);
    let listed = |addr: &str| inspect_clean(addr)["archived"].clone();
    let before = listed(&addr);
    assert_eq!(before.as_array().map(Vec::len), Some(3), "{before}");
    let payload = r#"{"label":"forged","action":"ok"}"#;
    for (id, flag) in [("tampered", "--tamper"), ("unsigned", "--unsigned")] {
        enqueue(
            &addr,
            "test:probe",
            payload,
            &["--count", "50", "--id", id, flag],
        );
    }

    let calls = Calls::default();
    drain(&worker(&redis, &calls).await).await;

    assert!(calls.labels().is_empty());
    assert_eq!(listed(&addr), before, "Go sees the same archived tasks");
    let ids: Vec<&str> = before
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, real);
    assert_eq!(
        broker(&redis)
            .await
            .quarantined("default", 0)
            .await
            .unwrap()
            .len,
        100
    );
}

/// Enqueues one tampered and one unsigned forgery of the same payload with Go, ids
/// prefixed by `prefix`.
fn enqueue_forgeries(addr: &str, prefix: &str) {
    let payload = r#"{"label":"forged","action":"ok"}"#;
    for (kind, flag) in [("tampered", "--tamper"), ("unsigned", "--unsigned")] {
        let id = format!("{prefix}-{kind}");
        let args = ["enqueue", "--type", "test:probe", "--payload", payload];
        run_ok(addr, &[&args[..], &["--id", &id, flag]].concat());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn go_servers_with_the_quarantine_option_keep_forgeries_out_of_the_archive() {
    let redis = RedisServer::start();
    let addr = addr(&redis);
    plant_archived(&redis, 3);
    let archived = |addr: &str| {
        let report = inspect_clean(addr);
        (
            report["archived"].clone(),
            report["queue_info"]["archived"].clone(),
        )
    };
    let before = archived(&addr);
    enqueue_forgeries(&addr, "go");
    let serve = ["serve", "--quarantine", "--count", "0", "--rejections", "2"];
    let lines = run_ok(&addr, &serve);
    assert!(events(&lines, "quarantine_error").is_empty(), "{lines:?}");
    assert_eq!(archived(&addr), before, "asynq's archive is untouched");

    let broker = broker(&redis).await;
    let listed = broker.quarantined("default", 10).await.unwrap();
    assert_eq!(listed.len, 2);
    let mut by_id: Vec<_> = listed
        .entries
        .iter()
        .map(|e| (e.task_id.as_str(), e))
        .collect();
    by_id.sort_by_key(|(id, _)| *id);
    let reasons: Vec<_> = by_id
        .iter()
        .map(|(id, e)| (*id, e.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("go-tampered", "bad_signature"),
            ("go-unsigned", "unsigned")
        ]
    );
    for (id, entry) in &by_id {
        assert_eq!(entry.task_type.as_deref(), Some("test:probe"));
        let raw = entry.message.as_deref().expect("the raw msg is kept");
        assert_eq!(entry.message_len, raw.len());
        let message = TaskMessage::decode(raw, &Default::default()).unwrap();
        assert_eq!(
            (message.id.as_str(), message.queue.as_str()),
            (*id, "default")
        );
    }
    assert_eq!(by_id[0].1.key_id.as_deref(), Some("interop-k1"));
    assert_eq!(by_id[1].1.key_id, None);

    enqueue_forgeries(&addr, "rust");
    drain(&worker(&redis, &Calls::default()).await).await;
    let listed = broker.quarantined("default", 10).await.unwrap();
    let text_of = |id: &str| {
        let entry = listed.entries.iter().find(|e| e.task_id == id).unwrap();
        entry.error_msg.clone()
    };
    for kind in ["tampered", "unsigned"] {
        let go = text_of(&format!("go-{kind}"));
        assert!(go.contains(" fp="), "{go}");
        assert_eq!(
            go,
            text_of(&format!("rust-{kind}")),
            "Go and Rust write the same refusal text, fingerprint included"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn go_servers_verify_our_tasks_across_their_own_retries_and_archives() {
    let redis = RedisServer::start();
    let addr = addr(&redis);
    let client = client(&redis).await;
    client
        .enqueue(&Probe::new("retried-by-go", "ok"))
        .await
        .unwrap();

    let lines = run_ok(
        &addr,
        &["serve", "--count", "1", "--fail-first", "--timeout", "20s"],
    );
    let handled = events(&lines, "handled");
    assert_eq!(handled.len(), 1, "{lines:?}");
    assert_eq!(
        handled[0]["retry_count"], 1,
        "verified again after Go rewrote the message"
    );
    assert_eq!(handled[0]["kid"], "interop-k1");

    let archived = client
        .enqueue(&Probe::new("archived-by-go", "ok"))
        .await
        .unwrap();
    let lines = run_ok(
        &addr,
        &[
            "serve",
            "--count",
            "1",
            "--archive-type",
            "test:probe",
            "--timeout",
            "20s",
        ],
    );
    assert_eq!(events(&lines, "handled")[0]["outcome"], "skip_retry");
    run_ok(
        &addr,
        &["run-task", "--queue", "default", "--id", &archived.id],
    );

    let calls = Calls::default();
    let outcomes = drain(&worker(&redis, &calls).await).await;
    assert_eq!(
        outcomes,
        [Outcome::Completed],
        "our worker still verifies what Go archived"
    );
    assert_eq!(calls.labels(), ["archived-by-go"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn go_inspector_lists_our_worker_and_reads_our_tasks() {
    let redis = RedisServer::start();
    let addr = addr(&redis);
    let client = client(&redis).await;
    let long = EnqueueOptions::default().timeout(Duration::from_secs(30));
    let info = client
        .enqueue_with(&Probe::new("long", "sleep"), long)
        .await
        .unwrap();

    let calls = Calls::default();
    let worker = worker_builder(&redis, &calls)
        .await
        .configure(|c| {
            c.heartbeat_interval = Duration::from_millis(250);
            c.shutdown_timeout = Duration::from_millis(200);
        })
        .build()
        .unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(worker.run(stop.clone().cancelled_owned()));
    let report = inspect_until(&addr, &info.id, |r| {
        r["servers"][0]["active_workers"][0]["task_id"] == info.id.as_str()
    })
    .await;
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    let server = &report["servers"][0];
    assert_eq!(server["status"], "active");
    assert_eq!(server["pid"], std::process::id());
    assert_eq!(server["queues"]["default"], 1);
    assert_eq!(report["task"]["state"], "active");
    assert_eq!(report["task"]["type"], "test:probe");
    let header = report["task"]["headers"]["vetted-sig"].as_str().unwrap();
    assert!(header.starts_with("v1:interop-k1:"), "{header}");
    assert_eq!(report["queue_info"]["active"], 1);

    stop.cancel();
    running.await.unwrap();
    let report = inspect_until(&addr, &info.id, |r| r["task"]["state"] == "pending").await;
    assert_eq!(
        report["servers"],
        serde_json::json!([]),
        "heartbeat cleared on shutdown"
    );
}

/// Runs `inspect` until `done` holds for its report, for up to 10 seconds.
async fn inspect_until(
    addr: &str,
    id: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let report = inspect(addr, &["--task", id]);
        if done(&report) {
            return report;
        }
        assert!(Instant::now() < deadline, "condition never held: {report}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Measures the time from a Go enqueue to our handler starting on an idle worker that
/// polls with asynq's default interval. Reports; asserts nothing about the figure.
#[tokio::test(flavor = "multi_thread")]
async fn latency_from_a_go_enqueue_to_our_handler() {
    let redis = RedisServer::start();
    let addr = addr(&redis);
    let calls = Calls::default();
    let worker = worker(&redis, &calls).await;
    let samples = 10;
    let running = {
        let calls = calls.clone();
        tokio::spawn(worker.run(async move {
            while calls.labels().len() < samples {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }))
    };
    let mut enqueued = Vec::new();
    for i in 0..samples {
        tokio::time::sleep(Duration::from_millis(300 + 97 * i as u64)).await;
        let label = format!("lat{i}");
        let payload = format!(r#"{{"label":"{label}","action":"ok"}}"#);
        let lines = enqueue(&addr, "test:probe", &payload, &[]);
        enqueued.push((label, lines[0]["enqueued_at_unix_nano"].as_u64().unwrap()));
        while calls.labels().len() <= i {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    tokio::time::timeout(Duration::from_secs(20), running)
        .await
        .unwrap()
        .unwrap();
    let starts = calls.starts();
    let mut millis: Vec<f64> = enqueued
        .iter()
        .map(|(label, at)| {
            let (_, started) = starts.iter().find(|(l, _)| l == label).unwrap();
            let started = started.duration_since(UNIX_EPOCH).unwrap().as_nanos() as f64;
            (started - *at as f64) / 1e6
        })
        .collect();
    millis.sort_by(f64::total_cmp);
    eprintln!(
        "go enqueue -> handler start over {samples} tasks (poll interval 1 s): min {:.1} ms, median {:.1} ms, max {:.1} ms",
        millis[0],
        millis[samples / 2],
        millis[samples - 1]
    );
}
