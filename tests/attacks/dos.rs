//! Catalogue §4 F: floods, expensive parameters and handlers that never return.

use std::time::{Duration, Instant};

use redis::Commands;
use serde_json::json;
use vetted::wire::TaskMessage;
use vetted_tests::attack::{Arena, CANARY, Forgery, hostile_label, note_json, signed, task_key};
use vetted_tests::quarantine_stream::quarantine_len;

/// Forged notes of the first three kinds in turn: changed tag, no signature, garbage
/// protobuf; each with the reason it must be refused with.
fn forged(arena: &Arena, n: usize) -> Vec<(String, &'static str)> {
    (0..n)
        .map(|i| {
            let forgery = Forgery::ALL[i % 3];
            (arena.plant_forged(forgery, "f1"), forgery.reason())
        })
        .collect()
}

#[tokio::test]
async fn f1_a_flood_of_forged_tasks_is_refused_cheaply_counted_and_loses_nothing() {
    let arena = Arena::start().await;
    let archived_before = arena.legit_note("skip").await;
    let worker = arena.builder().build().unwrap();
    while worker.process_one().await.unwrap().is_some() {}
    let mut legit = Vec::new();
    let mut hostile = Vec::new();
    for _ in 0..10 {
        legit.push(arena.legit().await);
        hostile.extend(forged(&arena, 150));
    }

    let started = Instant::now();
    let mut processed = 0;
    while worker.process_one().await.unwrap().is_some() {
        processed += 1;
    }
    let elapsed = started.elapsed();
    println!(
        "f1: {processed} tasks ({} forged) in {elapsed:?}: {:.0} µs per task through Redis",
        hostile.len(),
        elapsed.as_micros() as f64 / processed as f64
    );

    let counters = worker.counters();
    for code in ["bad_signature", "unsigned", "malformed_message"] {
        assert_eq!(counters.rejected.get(code), Some(&500), "{code}");
    }
    for (id, code) in hostile.iter().step_by(37) {
        arena.assert_quarantined("default", id, code);
    }
    let archived: usize = arena.redis().zcard("asynq:{default}:archived").unwrap();
    assert_eq!(archived, 1, "no forged task enters asynq's archive");
    let quarantined = quarantine_len(&mut arena.redis(), "default");
    assert_eq!(quarantined, hostile.len(), "each forged task has its entry");
    assert_eq!(
        arena.state("default", &archived_before).as_deref(),
        Some("archived"),
        "a real archived task is still there"
    );
    let legit: Vec<&str> = legit.iter().map(String::as_str).collect();
    arena.assert_handled_once(&legit);
    arena.assert_no_canary();
}

#[tokio::test]
async fn f2_an_expensive_parameter_is_bounded_by_its_rule() {
    let arena = Arena::start().await;
    let job = |cost: u32| {
        json!({
            "file": "reports/q3.pdf",
            "arg": format!("report-{CANARY}"),
            "sort": "created_at",
            "name": "Ann",
            "hook": "https://hooks.example.com/in",
            "cost": cost,
        })
    };
    let plant = |body: serde_json::Value| {
        let body = serde_json::to_vec(&body).unwrap();
        arena.plant(&signed(&arena.keyring, "atk:job", "default", &body, |_| {}))
    };
    let too_costly = plant(job(31));
    let too_cheap = plant(job(1));
    let fine = plant(job(10));

    arena.run_until_settled().await;

    for id in [&too_costly, &too_cheap] {
        arena.assert_refused("default", id, "validation_error");
        let error = arena.stored("default", id).unwrap().error_msg;
        assert!(error.contains("fields=cost:range"), "{error}");
    }
    arena.assert_handled_once(&[&fine]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn f3_a_handler_that_ignores_cancellation_is_abandoned_at_its_deadline() {
    let arena = Arena::start().await;
    let mut hanging: TaskMessage = signed(
        &arena.keyring,
        "atk:note",
        "default",
        &note_json(&hostile_label("f3"), "hang"),
        |_| {},
    );
    hanging.timeout = 1;
    let hanging = arena.plant(&hanging);
    let started = Instant::now();

    let worker = arena.spawn(arena.builder());
    arena
        .wait_for("the hanging handler to start", |_| {
            arena.calls.count(&hanging) == 1
        })
        .await;
    let others = [arena.legit().await, arena.legit().await];
    arena
        .wait_for("the hanging task to leave active", |redis| {
            let state: Option<String> = redis
                .hget(task_key("default", &hanging), "state")
                .unwrap_or(None);
            state.as_deref() == Some("retry")
        })
        .await;
    let abandoned_after = started.elapsed();
    arena.wait_settled().await;
    assert!(worker.is_running());
    worker.stop().await;

    assert!(
        abandoned_after < Duration::from_secs(5),
        "abandoned after {abandoned_after:?}, deadline 1 s"
    );
    let stored = arena.stored("default", &hanging).unwrap();
    assert_eq!(stored.error_msg, "context deadline exceeded");
    arena.assert_only_in("default", &hanging, "retry");
    arena.assert_handled_once(&[&others[0], &others[1]]);
    arena.assert_no_canary();
}
