//! Catalogue §4 G: Redis-side tampering beyond the payload: schedule scores, re-running
//! archived tasks, paused queues and deleted keys.

use std::time::Duration;

use redis::Commands;
use vetted::client::EnqueueOptions;
use vetted::wire::TaskMessage;
use vetted_tests::attack::{
    Arena, Note, garbage_message, header_of, hostile_label, note_json, now_secs, set_header,
    signed, task_key,
};

/// What asynq's Inspector `RunTask` does to an archived task, by hand.
fn run_archived(arena: &Arena, id: &str) {
    let _: () = redis::pipe()
        .zrem("asynq:{default}:archived", id)
        .ignore()
        .lpush("asynq:{default}:pending", id)
        .ignore()
        .hset(task_key("default", id), "state", "pending")
        .ignore()
        .query(&mut arena.redis())
        .unwrap();
}

#[tokio::test]
async fn g1_an_edited_schedule_score_does_not_run_a_task_early() {
    let arena = Arena::start().await;
    let label = hostile_label("g1");
    let later = EnqueueOptions::default().process_in(Duration::from_secs(3600));
    let id = arena
        .client
        .enqueue_with(&Note::new(&label, "ok"), later.clone())
        .await
        .unwrap()
        .id;
    let _: () = arena
        .redis()
        .zadd("asynq:{default}:scheduled", &id, 0)
        .unwrap();
    let pushed = arena
        .client
        .enqueue_with(&Note::new(&label, "ok"), later)
        .await
        .unwrap()
        .id;
    let _: () = redis::pipe()
        .zrem("asynq:{default}:scheduled", &pushed)
        .ignore()
        .lpush("asynq:{default}:pending", &pushed)
        .ignore()
        .query(&mut arena.redis())
        .unwrap();
    let legit = arena.legit().await;

    let worker = arena.spawn(arena.builder());
    arena
        .wait_for("both early tasks back at their signed time", |redis| {
            let mut back = |id: &str| {
                let score: Option<f64> = redis
                    .zscore("asynq:{default}:scheduled", id)
                    .unwrap_or(None);
                score.is_some_and(|s| s as u64 >= now_secs() + 3500)
            };
            back(&id) && back(&pushed) && arena.calls.count(&legit) == 1
        })
        .await;
    arena.wait_settled().await;
    worker.stop().await;

    for id in [&id, &pushed] {
        arena.assert_not_run(id);
        let score: f64 = arena
            .redis()
            .zscore("asynq:{default}:scheduled", id)
            .unwrap();
        assert!(score as u64 >= now_secs() + 3500, "back at its signed time");
        arena.assert_logged(id, "too_early");
    }
    arena.assert_handled_once(&[&legit]);
    arena.assert_no_canary();
}

/// Writes `message` as an archived task, as an attacker with Redis access could.
fn plant_archived(arena: &Arena, message: &TaskMessage) -> String {
    let id = message.id.clone();
    let _: () = redis::pipe()
        .hset_multiple(
            task_key("default", &id),
            &[("msg", message.encode()), ("state", b"archived".to_vec())],
        )
        .ignore()
        .zadd("asynq:{default}:archived", &id, now_secs())
        .ignore()
        .query(&mut arena.redis())
        .unwrap();
    id
}

#[tokio::test]
async fn g3_an_archived_task_run_again_is_verified_and_refused_again() {
    let arena = Arena::start().await;
    let too_long = "x".repeat(17);
    let hostile = signed(
        &arena.keyring,
        "atk:note",
        "default",
        &note_json(&hostile_label("g3"), &too_long),
        |_| {},
    );
    let hostile = arena.plant(&hostile);
    let mut forged = signed(
        &arena.keyring,
        "atk:note",
        "default",
        &note_json(&hostile_label("g3"), "ok"),
        |_| {},
    );
    let header = header_of(&forged);
    set_header(&mut forged, header.replace("v1:atk-k1:", "v1:atk-k1:0"));
    let forged = plant_archived(&arena, &forged);
    arena.plant_bytes("default", "g3-garbage", &garbage_message());
    arena.run_until_settled().await;
    arena.assert_refused("default", &hostile, "validation_error");
    arena.assert_quarantined("default", "g3-garbage", "malformed_message");

    run_archived(&arena, &hostile);
    run_archived(&arena, &forged);
    let legit = arena.legit().await;
    arena.run_until_settled().await;

    arena.assert_refused("default", &hostile, "validation_error");
    arena.assert_refused("default", &forged, "malformed_signature");
    let exists: bool = arena
        .redis()
        .exists(task_key("default", "g3-garbage"))
        .unwrap();
    assert!(!exists, "a quarantined task leaves nothing to run again");
    arena.assert_handled_once(&[&legit]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn g4_paused_queues_and_deleted_keys_are_out_of_scope_but_the_worker_survives() {
    let arena = Arena::start().await;
    let _: () = arena.redis().set("asynq:{default}:paused", 1).unwrap();
    let waiting = arena.legit().await;
    let worker = arena.spawn(arena.builder());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        arena.calls.count(&waiting),
        0,
        "a paused queue is not served"
    );
    let _: () = arena.redis().del("asynq:{default}:paused").unwrap();
    arena
        .wait_for("the unpaused task", |_| arena.calls.count(&waiting) == 1)
        .await;

    let held = arena.legit_note("gate").await;
    arena
        .wait_for("the gated task to run", |_| arena.calls.count(&held) == 1)
        .await;
    let _: () = redis::pipe()
        .del("asynq:{default}:active")
        .ignore()
        .del("asynq:{default}:lease")
        .ignore()
        .del(task_key("default", &held))
        .ignore()
        .query(&mut arena.redis())
        .unwrap();
    arena.gate.open();
    let after = arena.legit().await;
    arena
        .wait_for("a task after the deletion", |_| {
            arena.calls.count(&after) == 1
        })
        .await;
    assert!(worker.is_running(), "the worker survived");
    worker.stop().await;
    arena.assert_handled_once(&[&waiting, &after]);
}
