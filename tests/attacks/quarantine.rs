//! Catalogue §4 F1 and R10: tasks refused before their sender was proven go to vetted's
//! bounded quarantine store, so a flood of forgeries cannot push real tasks out of
//! asynq's archive, the store stays within its cap, and an alert fires once per window.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Commands;
use vetted::broker::QuarantineLimits;
use vetted::wire::TaskMessage;
use vetted_tests::attack::{
    Arena, Forgery, capture, garbage_message, hostile_label, note_json, signed, task_key,
};
use vetted_tests::conformance::STREAM_TRIM_SLACK;
use vetted_tests::quarantine_stream::{quarantine_len, read_quarantine};

/// asynq's archive cap per queue.
const ARCHIVE_CAP: usize = 10_000;

/// Writes `ARCHIVE_CAP` real archived tasks, `real-00000` the oldest, 30 days old and
/// one second apart, with raw pipelined writes as Go workers would have left them.
fn plant_real_archive(arena: &Arena) {
    let now = UNIX_EPOCH.elapsed().unwrap().as_secs() as i64;
    let mut redis = arena.redis();
    for chunk in (0..ARCHIVE_CAP).collect::<Vec<_>>().chunks(1_000) {
        let mut pipe = redis::pipe();
        for i in chunk {
            let id = format!("real-{i:05}");
            let message = TaskMessage {
                type_name: "billing:charge".into(),
                payload: b"{}".to_vec(),
                id: id.clone(),
                queue: "default".into(),
                error_msg: "card declined".into(),
                ..TaskMessage::default()
            };
            pipe.hset_multiple(
                task_key("default", &id),
                &[("msg", message.encode()), ("state", b"archived".to_vec())],
            )
            .ignore()
            .zadd(
                "asynq:{default}:archived",
                &id,
                now - 30 * 86_400 + *i as i64,
            )
            .ignore();
        }
        let _: () = pipe.query(&mut redis).expect("plant the archive");
    }
}

/// Plants forged task number `i`, of all six kinds in turn; returns its id and the
/// reason it must be refused with.
fn forge(arena: &Arena, i: usize) -> (String, &'static str) {
    let forgery = Forgery::ALL[i % Forgery::ALL.len()];
    (arena.plant_forged(forgery, "f1q"), forgery.reason())
}

#[tokio::test]
async fn f1_a_flood_cannot_push_real_archived_tasks_out_and_the_store_stays_bounded() {
    let arena = Arena::start().await;
    plant_real_archive(&arena);
    let cap = 100;
    let limits = QuarantineLimits {
        max_entries: cap,
        ..QuarantineLimits::default()
    };
    let worker = arena.spawn(arena.builder().quarantine_limits(limits));
    let mut expected = HashMap::new();
    let mut legit = Vec::new();
    for i in 0..360 {
        let (id, code) = forge(&arena, i);
        expected.insert(id, code);
        if i % 60 == 0 {
            legit.push(arena.legit().await);
        }
    }
    // Redis trims a stream with `MAXLEN ~` by whole nodes of its radix tree (each at most
    // 100 entries, `stream-node-max-entries`, or 4 KiB), so it may hold up to one node
    // more than the cap; the bound below is the cap plus that slack, sampled throughout.
    let mut longest = 0;
    arena
        .wait_for("the flood to drain", |redis| {
            longest = longest.max(quarantine_len(redis, "default"));
            let pending = redis.llen::<_, usize>("asynq:{default}:pending").unwrap();
            let active = redis.llen::<_, usize>("asynq:{default}:active").unwrap();
            pending == 0 && active == 0
        })
        .await;
    assert!(worker.is_running());
    worker.stop().await;

    let mut redis = arena.redis();
    let archived: usize = redis.zcard("asynq:{default}:archived").unwrap();
    assert_eq!(
        archived, ARCHIVE_CAP,
        "the archive holds exactly the real tasks"
    );
    let oldest: Vec<String> = redis.zrange("asynq:{default}:archived", 0, 0).unwrap();
    assert_eq!(
        oldest,
        ["real-00000"],
        "the oldest real archived task survives"
    );
    assert_eq!(
        arena.state("default", "real-00000").as_deref(),
        Some("archived")
    );
    let len = quarantine_len(&mut redis, "default");
    assert!(
        (cap..=cap + STREAM_TRIM_SLACK).contains(&len) && longest <= cap + STREAM_TRIM_SLACK,
        "store of {len} entries (longest seen {longest}) for a cap of {cap}"
    );
    let entries = read_quarantine(&mut redis, "default");
    for entry in &entries {
        let id = entry.task_id();
        assert_eq!(
            entry.text("reason").as_deref(),
            expected.get(&id).copied(),
            "{id}"
        );
    }
    for (id, code) in &expected {
        let exists: bool = redis.exists(task_key("default", id)).unwrap();
        assert!(!exists, "{id}: hash deleted");
        arena.assert_only_in("default", id, "none");
        arena.assert_not_run(id);
        arena.assert_logged(id, code);
    }
    let legit: Vec<&str> = legit.iter().map(String::as_str).collect();
    arena.assert_handled_once(&legit);
    arena.assert_no_canary();
}

/// The alert lines for queue `low` captured so far.
fn alerts_for_low() -> Vec<String> {
    capture::log_lines_with("quarantine rate over threshold")
        .into_iter()
        .filter(|line| line.contains("queue=\"low\""))
        .collect()
}

#[tokio::test]
async fn r10_the_quarantine_alert_fires_once_per_window() {
    let arena = Arena::start().await;
    let window = Duration::from_secs(3);
    let builder = arena.builder().quarantine_alert(5, window);
    let worker = builder.build().unwrap();
    let flood = |from: usize| {
        for i in from..from + 20 {
            arena.plant_bytes("low", &format!("alert-{i}"), &garbage_message());
        }
    };
    let started = SystemTime::now();
    flood(0);
    while worker.process_one().await.unwrap().is_some() {}
    assert!(
        started.elapsed().unwrap() < window,
        "the first flood fits in one window; rerun on a less loaded machine"
    );
    let first = alerts_for_low();
    assert_eq!(first.len(), 1, "{first:#?}");
    let line = &first[0];
    assert!(line.contains("ERROR"), "{line}");
    for field in ["count=6", "threshold=5", "window=3s"] {
        assert!(line.contains(field), "{field} in {line}");
    }

    tokio::time::sleep(window).await;
    flood(20);
    while worker.process_one().await.unwrap().is_some() {}
    assert_eq!(
        alerts_for_low().len(),
        2,
        "one more alert in the next window"
    );
    arena.assert_no_canary();
}

#[tokio::test]
async fn r10_unknown_task_types_are_archived_only_when_signed_and_unless_the_worker_quarantines_them()
 {
    let arena = Arena::start().await;
    let foreign = |arena: &Arena| {
        let mut message = signed(
            &arena.keyring,
            "go:only",
            "default",
            &note_json(&hostile_label("r10"), "ok"),
            |_| {},
        );
        message.retry = 0;
        arena.plant(&message)
    };
    let archived = foreign(&arena);
    let mut unsigned = signed(
        &arena.keyring,
        "go:only",
        "default",
        &note_json(&hostile_label("r10u"), "ok"),
        |_| {},
    );
    unsigned.headers.clear();
    unsigned.retry = 0;
    let unsigned = arena.plant(&unsigned);
    let mut tampered = signed(
        &arena.keyring,
        "go:only",
        "default",
        &note_json(&hostile_label("r10t"), "ok"),
        |_| {},
    );
    tampered.payload = note_json(&hostile_label("r10t"), "pay");
    tampered.retry = 0;
    let tampered = arena.plant(&tampered);
    arena.run_until_settled().await;
    arena.assert_refused("default", &archived, "unknown_task_type");
    let error_msg = arena.stored("default", &archived).unwrap().error_msg;
    let key = format!(" key={} ", arena.keyring.signing_key_id());
    assert!(
        error_msg.contains(&key),
        "the verified key is named: {error_msg}"
    );
    for unproven in [&unsigned, &tampered] {
        arena.assert_quarantined("default", unproven, "unknown_task_type");
    }

    let quarantined = foreign(&arena);
    let builder = arena.builder().quarantine_unknown_task_types(true);
    arena.run_until_settled_with(builder).await;
    arena.assert_quarantined("default", &quarantined, "unknown_task_type");
    let entry = arena.quarantine_entry("default", &quarantined);
    assert_eq!(entry.text("task_type").as_deref(), Some("go:only"));
    assert!(arena.holds("default", "archived", &archived));
    arena.assert_no_canary();
}
