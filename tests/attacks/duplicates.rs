//! Catalogue §4 B and T13: the same task id pushed into `pending` again, by an attacker
//! with Redis access or a buggy tool, while its task runs or waits elsewhere. Dequeue
//! drops such a stray copy (reason `duplicate_delivery`) instead of running the task a
//! second time.

use redis::Commands;
use vetted_tests::attack::{Arena, Note, capture, hostile_label, task_key};

const PENDING: &str = "asynq:{default}:pending";

/// `LPUSH`es `id` onto the default queue's `pending` list `times` times, and nothing else.
fn push_copies(arena: &Arena, id: &str, times: usize) {
    let mut redis = arena.redis();
    for _ in 0..times {
        let _: () = redis.lpush(PENDING, id).expect("raw LPUSH");
    }
}

/// How many captured log lines report a dropped duplicate of `id`.
fn duplicates_logged(id: &str) -> usize {
    capture::log_lines_with(&format!("{id:?}"))
        .iter()
        .filter(|line| {
            line.contains("duplicate delivery dropped") && line.contains("\"duplicate_delivery\"")
        })
        .count()
}

/// The shared `duplicate_delivery` counter the workers flushed.
fn duplicates_counted(arena: &Arena) -> u64 {
    let count: Option<u64> = arena
        .redis()
        .hget("vetted:{stats}:rejected", "duplicate_delivery")
        .expect("HGET rejected");
    count.unwrap_or(0)
}

#[tokio::test]
async fn t13_copies_of_a_running_task_are_dropped_and_it_runs_once() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    let running = arena
        .client
        .enqueue(&Note::new(&hostile_label("t13"), "gate"))
        .await
        .expect("legitimate enqueue")
        .id;
    // Two workers of four slots each: free slots on both take the copies.
    let first = arena.spawn(arena.builder());
    let second = arena.spawn(arena.builder());
    arena
        .wait_for("the gated task to start", |_| {
            arena.calls.count(&running) == 1
        })
        .await;
    let lease: Option<f64> = arena
        .redis()
        .zscore("asynq:{default}:lease", &running)
        .unwrap();

    push_copies(&arena, &running, 2);
    let after = arena.legit().await;
    arena
        .wait_for("both copies to be dropped", |redis| {
            let pending: usize = redis.llen(PENDING).unwrap_or(0);
            pending == 0 && duplicates_logged(&running) == 2
        })
        .await;

    let active: Vec<String> = arena
        .redis()
        .lrange("asynq:{default}:active", 0, -1)
        .unwrap();
    assert_eq!(active, [running.as_str()], "the holder's one active entry");
    let lease_now: Option<f64> = arena
        .redis()
        .zscore("asynq:{default}:lease", &running)
        .unwrap();
    assert!(
        lease_now >= lease && lease.is_some(),
        "the holder keeps its lease"
    );
    assert_eq!(arena.state("default", &running).as_deref(), Some("active"));
    assert_eq!(arena.calls.count(&running), 1);

    arena.gate.open();
    arena.wait_settled().await;
    first.stop().await;
    second.stop().await;

    arena.assert_handled_once(&[&before, &running, &after]);
    let archived: usize = arena.redis().zcard("asynq:{default}:archived").unwrap();
    assert_eq!(archived, 0, "a dropped copy archives nothing");
    assert_eq!(duplicates_counted(&arena), 2);
    arena.assert_never_refused(&before);
    arena.assert_never_refused(&after);
    arena.assert_no_canary();
}

#[tokio::test]
async fn t13_a_copy_of_a_task_waiting_in_retry_does_not_run_it_early() {
    let arena = Arena::start().await;
    let waiting = arena
        .client
        .enqueue(&Note::new(&hostile_label("t13r"), "fail"))
        .await
        .expect("legitimate enqueue")
        .id;
    let worker = arena.spawn(arena.builder());
    arena
        .wait_for("the failed task to wait in retry", |_| {
            arena.holds("default", "retry", &waiting)
        })
        .await;
    let score: f64 = arena
        .redis()
        .zscore("asynq:{default}:retry", &waiting)
        .unwrap();
    let stored: Vec<u8> = arena
        .redis()
        .hget(task_key("default", &waiting), "msg")
        .unwrap();

    push_copies(&arena, &waiting, 1);
    let legit = arena.legit().await;
    arena
        .wait_for("the copy to be dropped and the next task to run", |_| {
            duplicates_logged(&waiting) == 1 && arena.calls.count(&legit) == 1
        })
        .await;
    arena.wait_settled().await;
    worker.stop().await;

    assert_eq!(arena.calls.count(&waiting), 1, "ran only the first time");
    arena.assert_only_in("default", &waiting, "retry");
    let score_now: f64 = arena
        .redis()
        .zscore("asynq:{default}:retry", &waiting)
        .unwrap();
    assert_eq!(score_now, score, "the retry time is unchanged");
    let stored_now: Vec<u8> = arena
        .redis()
        .hget(task_key("default", &waiting), "msg")
        .unwrap();
    assert_eq!(stored_now, stored, "the stored message is unchanged");
    assert_eq!(arena.state("default", &waiting).as_deref(), Some("retry"));
    assert_eq!(duplicates_counted(&arena), 1);
    arena.assert_handled_once(&[&legit]);
    arena.assert_no_canary();
}
