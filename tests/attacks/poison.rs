//! Poison messages (issue 4, item 2): an undecodable `msg`, a dangling id, a message
//! whose id or queue disagrees with its key, and a `msg` over the cap, in `pending` and
//! in `active` with an expired lease. Each is quarantined on its own with its reason;
//! the worker, lease recovery and every other task carry on. (Go asynq's recoverer
//! aborts its whole pass on the first message it cannot decode.)

use std::time::Duration;

use redis::Commands;
use vetted::wire::TaskMessage;
use vetted::worker::WorkerConfig;
use vetted_tests::attack::{
    Arena, CANARY, capture, garbage_message, hostile_label, note_json, signed, task_key,
};

/// A note signed by the worker's own key, under `id`, claiming `queue`.
fn note_claiming(arena: &Arena, id: &str, queue: &str) -> TaskMessage {
    let mut message = signed(
        &arena.keyring,
        "atk:note",
        queue,
        &note_json(&hostile_label("poison"), "ok"),
        |_| {},
    );
    message.id = id.to_owned();
    message
}

/// A note whose encoding is about `bytes` long, with the canary as padding.
fn oversize_note(arena: &Arena, id: &str, bytes: usize) -> Vec<u8> {
    let mut message = note_claiming(arena, id, "default");
    message
        .headers
        .insert("x-pad".to_owned(), CANARY.repeat(bytes / CANARY.len()));
    message.encode()
}

/// Runs a worker with fast lease recovery until no lease is left and nothing moves, then
/// for `linger` more, and checks it is still running before it stops.
async fn run_until_leases_recovered(arena: &Arena, linger: Duration) {
    let worker = arena.spawn(arena.builder().configure(fast_recovery));
    arena
        .wait_for("recovery of every expired lease", |redis| {
            redis
                .zcard::<_, usize>("asynq:{default}:lease")
                .unwrap_or(1)
                == 0
        })
        .await;
    arena.wait_settled().await;
    tokio::time::sleep(linger).await;
    assert!(worker.is_running(), "the worker survived");
    worker.stop().await;
}

fn fast_recovery(config: &mut WorkerConfig) {
    config.lease_duration = Duration::from_secs(2);
    config.lease_extend_interval = Duration::from_millis(300);
    config.recover_interval = Duration::from_millis(100);
    config.recover_margin = Duration::from_millis(200);
}

#[tokio::test]
async fn poison_in_pending_is_quarantined_one_at_a_time() {
    let arena = Arena::start().await;
    let mut legit = vec![arena.legit().await];
    arena.plant_bytes("default", "p-garbage", &garbage_message());
    legit.push(arena.legit().await);
    arena.push_pending_id("default", "p-dangling");
    legit.push(arena.legit().await);
    let wrong_id = note_claiming(&arena, "p-someone-else", "default");
    arena.plant_bytes("default", "p-wrong-id", &wrong_id.encode());
    let wrong_queue = note_claiming(&arena, "p-wrong-queue", "critical");
    arena.plant_bytes("default", "p-wrong-queue", &wrong_queue.encode());
    legit.push(arena.legit().await);
    arena.plant_bytes(
        "default",
        "p-oversize",
        &oversize_note(&arena, "p-oversize", 4 << 20),
    );
    legit.push(arena.legit().await);

    arena.run_until_settled().await;

    arena.assert_quarantined("default", "p-garbage", "malformed_message");
    arena.assert_dropped("default", "p-dangling");
    arena.assert_quarantined("default", "p-wrong-id", "key_mismatch");
    arena.assert_quarantined("default", "p-wrong-queue", "key_mismatch");
    arena.assert_quarantined("default", "p-oversize", "oversize");
    let legit: Vec<&str> = legit.iter().map(String::as_str).collect();
    arena.assert_handled_once(&legit);
    arena.assert_no_canary();
}

#[tokio::test]
async fn poison_in_the_lease_set_is_recovered_one_by_one() {
    let arena = Arena::start().await;
    // A legitimate task whose worker died: active, lease long expired, listed last.
    let crashed = arena.legit().await;
    arena.take_into_active("default", &crashed);
    arena.set_lease("default", &crashed, 50);
    arena.set_state("default", &crashed, "active");
    // Poison, each listed before it (lower lease scores).
    arena.plant_active("default", "l-garbage", Some(&garbage_message()), 1);
    arena.plant_active("default", "l-no-hash", None, 2);
    arena.plant_active("default", "l-no-msg", None, 3);
    arena.set_state("default", "l-no-msg", "active");
    let wrong_id = note_claiming(&arena, "l-someone-else", "default").encode();
    arena.plant_active("default", "l-wrong-id", Some(&wrong_id), 4);
    let wrong_queue = note_claiming(&arena, "l-wrong-queue", "low").encode();
    arena.plant_active("default", "l-wrong-queue", Some(&wrong_queue), 5);
    let huge = oversize_note(&arena, "l-oversize", 20 << 20);
    arena.plant_active("default", "l-oversize", Some(&huge), 6);
    drop(huge);
    // Forgeries that decode and match their key: recovery checks them like a dequeue,
    // so they are quarantined rather than retried or archived by asynq's rules.
    let mut unsigned = note_claiming(&arena, "l-unsigned", "default");
    unsigned.headers.clear();
    unsigned.retry = 0;
    arena.plant_active("default", "l-unsigned", Some(&unsigned.encode()), 8);
    let mut tampered = note_claiming(&arena, "l-tampered", "default");
    tampered.payload = note_json(&hostile_label("l-tampered"), "pay");
    tampered.retry = 0;
    arena.plant_active("default", "l-tampered", Some(&tampered.encode()), 9);
    // A lease entry for an id that is not active: a stale record, dropped.
    let stale = note_claiming(&arena, "l-stale", "default").encode();
    let _: () = arena
        .redis()
        .hset(task_key("default", "l-stale"), "msg", &stale)
        .unwrap();
    arena.set_lease("default", "l-stale", 7);
    let fresh = arena.legit().await;
    let sent_before = arena.bytes_sent();

    let worker = arena.spawn(arena.builder().configure(fast_recovery));
    arena
        .wait_for("recovery of every expired lease", |redis| {
            let leases: usize = redis.zcard("asynq:{default}:lease").unwrap_or(0);
            arena.hurry_retry("default", &crashed);
            leases == 0 && arena.calls.count(&crashed) == 1
        })
        .await;
    arena.wait_settled().await;
    assert!(worker.is_running(), "the worker survived");
    worker.stop().await;

    let sent = arena.bytes_sent() - sent_before;
    assert!(
        sent < 5_000_000,
        "recovery read {sent} bytes: the 20 MB msg was read"
    );
    arena.assert_quarantined("default", "l-garbage", "malformed_message");
    arena.assert_dropped("default", "l-no-hash");
    arena.assert_quarantined("default", "l-no-msg", "malformed_message");
    arena.assert_quarantined("default", "l-wrong-id", "key_mismatch");
    arena.assert_quarantined("default", "l-wrong-queue", "key_mismatch");
    arena.assert_quarantined("default", "l-oversize", "oversize");
    arena.assert_quarantined("default", "l-unsigned", "unsigned");
    arena.assert_quarantined("default", "l-tampered", "bad_signature");
    arena.assert_only_in("default", "l-stale", "none");
    arena.assert_not_run("l-stale");
    arena.assert_handled_once(&[&crashed, &fresh]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn recovery_retries_a_crashed_task_as_asynq_does_and_it_then_runs() {
    let arena = Arena::start().await;
    let crashed = arena.legit().await;
    arena.take_into_active("default", &crashed);
    arena.set_lease("default", &crashed, 1);

    let worker = arena.spawn(arena.builder().configure(fast_recovery));
    arena
        .wait_for("the crashed task in the retry set", |_| {
            arena.holds("default", "retry", &crashed)
        })
        .await;
    let stored = arena.stored("default", &crashed).unwrap();
    assert_eq!(
        (stored.retried, stored.error_msg.as_str()),
        (1, "asynq: task lease expired")
    );
    arena.make_retries_due("default");
    arena
        .wait_for("the retry to run", |_| arena.calls.count(&crashed) == 1)
        .await;
    arena.wait_settled().await;
    worker.stop().await;
    arena.assert_handled_once(&[&crashed]);
}

/// Plants `id` in `pending` with a task key that holds a string instead of a hash.
fn plant_string_task(arena: &Arena, id: &str) {
    let _: () = arena.redis().set(task_key("default", id), "x").unwrap();
    arena.push_pending_id("default", id);
}

#[tokio::test]
async fn keys_of_another_type_never_freeze_a_queue() {
    let arena = Arena::start().await;
    let mut legit = vec![arena.legit().await];
    plant_string_task(&arena, "w-string");
    legit.push(arena.legit().await);
    // A hash naming a group whose key is a string.
    arena.plant_bytes("default", "w-group", &garbage_message());
    let mut redis = arena.redis();
    let _: () = redis
        .hset(task_key("default", "w-group"), "group", "evil")
        .unwrap();
    let _: () = redis.set("asynq:{default}:g:evil", "x").unwrap();
    legit.push(arena.legit().await);
    // A string under an active id whose lease ran out.
    arena.plant_active("default", "w-leased", None, 1);
    let _: () = redis.set(task_key("default", "w-leased"), "x").unwrap();

    run_until_leases_recovered(&arena, Duration::ZERO).await;

    arena.assert_dropped("default", "w-string");
    arena.assert_quarantined("default", "w-group", "malformed_message");
    arena.assert_dropped("default", "w-leased");
    let group: String = redis.get("asynq:{default}:g:evil").unwrap();
    assert_eq!(group, "x", "a key vetted does not own is left alone");
    let legit: Vec<&str> = legit.iter().map(String::as_str).collect();
    arena.assert_handled_once(&legit);
}

/// `asynq:{default}:t:` followed by `id`, which need not be UTF-8.
fn raw_task_key(id: &[u8]) -> Vec<u8> {
    [b"asynq:{default}:t:".as_slice(), id].concat()
}

#[tokio::test]
async fn ids_that_are_not_utf8_leave_pending_and_active_for_good() {
    let arena = Arena::start().await;
    let mut redis = arena.redis();
    let mut legit = vec![arena.legit().await];
    let pending_id: &[u8] = b"\xff\xfe-pending";
    let _: () = redis.hset(raw_task_key(pending_id), "msg", "x").unwrap();
    let _: () = redis.lpush("asynq:{default}:pending", pending_id).unwrap();
    legit.push(arena.legit().await);
    let active_id: &[u8] = b"\xc3-active";
    let _: () = redis.lpush("asynq:{default}:active", active_id).unwrap();
    let _: () = redis.zadd("asynq:{default}:lease", active_id, 1).unwrap();
    let _: () = redis.hset(raw_task_key(active_id), "msg", "y").unwrap();

    // A few more recovery passes after it, which must find nothing left.
    run_until_leases_recovered(&arena, Duration::from_millis(400)).await;

    for (id, lossy) in [
        (pending_id, "\u{fffd}\u{fffd}-pending"),
        (active_id, "\u{fffd}-active"),
    ] {
        let exists: bool = redis.exists(raw_task_key(id)).unwrap();
        assert!(!exists, "{lossy}: hash deleted");
        let entry = arena.quarantine_entry("default", lossy);
        assert_eq!(entry.text("reason").as_deref(), Some("malformed_message"));
    }
    assert_eq!(redis.zcard::<_, usize>("asynq:{default}:lease").unwrap(), 0);
    let not_found = capture::log_lines_with("task not found");
    let lossy: Vec<&String> = not_found
        .iter()
        .filter(|l| l.contains('\u{fffd}'))
        .collect();
    assert!(lossy.is_empty(), "{lossy:?}");
    let legit: Vec<&str> = legit.iter().map(String::as_str).collect();
    arena.assert_handled_once(&legit);
}
