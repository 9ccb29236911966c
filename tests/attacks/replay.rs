//! Catalogue §4 B: replay and cross-type or cross-queue confusion, by an attacker who
//! can read and write Redis and so can copy, move and re-enqueue signed tasks.

use redis::Commands;
use vetted::client::EnqueueOptions;
use vetted_tests::attack::{
    Arena, Note, STAGING_RING, STAGING_SAME_KID, hostile_label, label_was_parsed, note_json,
    now_secs, ring, signed, task_key,
};

/// The raw `msg` of a task as stored.
fn raw_msg(arena: &Arena, queue: &str, id: &str) -> Vec<u8> {
    arena
        .redis()
        .hget(task_key(queue, id), "msg")
        .expect("HGET msg")
}

/// Enqueues a legitimate note carrying the canary with our client and returns its id
/// and label (a producer's payload may be sensitive too).
async fn produced(arena: &Arena, queue: &str) -> (String, String) {
    let label = hostile_label("b");
    let options = EnqueueOptions::default().queue(queue);
    let info = arena
        .client
        .enqueue_with(&Note::new(&label, "ok"), options)
        .await
        .expect("legitimate enqueue");
    (info.id, label)
}

/// Takes a task out of `pending` by hand, as an attacker moving it elsewhere would.
fn remove_pending(arena: &Arena, queue: &str, id: &str) {
    let _: () = arena
        .redis()
        .lrem(format!("asynq:{{{queue}}}:pending"), 0, id)
        .unwrap();
}

#[tokio::test]
async fn b1_a_payload_signed_for_one_type_fails_under_another() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    let (id, label) = produced(&arena, "default").await;
    remove_pending(&arena, "default", &id);
    let mut message = arena.stored("default", &id).unwrap();
    message.type_name = "atk:payout".to_owned();
    let payout = arena.plant(&message);
    let after = arena.legit().await;

    arena.run_until_settled().await;

    arena.assert_refused("default", &payout, "bad_signature");
    assert!(!label_was_parsed(&label));
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn b2_a_task_moved_to_another_queue_fails_its_mac_or_its_key_check() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    let (moved, label) = produced(&arena, "low").await;
    let (copied_as_is, _) = produced(&arena, "low").await;
    for id in [&moved, &copied_as_is] {
        remove_pending(&arena, "low", id);
    }
    // Rewritten to claim the new queue: the queue is bound into the MAC.
    let mut rewritten = arena.stored("low", &moved).unwrap();
    rewritten.queue = "critical".to_owned();
    arena.plant(&rewritten);
    // Copied byte for byte: the message still names `low`.
    arena.plant_bytes(
        "critical",
        &copied_as_is,
        &raw_msg(&arena, "low", &copied_as_is),
    );
    for id in [&moved, &copied_as_is] {
        let _: () = arena.redis().del(task_key("low", id)).unwrap();
    }
    let after = arena.legit().await;

    arena.run_until_settled().await;

    arena.assert_refused("critical", &moved, "bad_signature");
    arena.assert_quarantined("critical", &copied_as_is, "key_mismatch");
    assert!(!label_was_parsed(&label));
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn b3_signed_bytes_copied_under_a_fresh_id_fail_because_the_id_is_bound() {
    let arena = Arena::start().await;
    let (original, label) = produced(&arena, "default").await;
    let mut copy = arena.stored("default", &original).unwrap();
    copy.id = uuid::Uuid::new_v4().to_string();
    let copy = arena.plant(&copy);

    arena.run_until_settled().await;

    arena.assert_refused("default", &copy, "bad_signature");
    arena.assert_handled_once(&[&original]);
    assert!(label_was_parsed(&label), "the original ran");
    arena.assert_no_canary();
}

#[tokio::test]
async fn b4_a_completed_task_replayed_before_expiry_runs_again_and_after_expiry_is_refused() {
    let arena = Arena::start().await;
    // Before expiry, without the one-time mode: at-least-once, so the exact bytes of
    // a completed task run again (handlers must be idempotent). The one-time mode of
    // `#[task]` acknowledges such a replay instead; see docs/security.md.
    let (id, _) = produced(&arena, "default").await;
    let captured = raw_msg(&arena, "default", &id);
    arena.run_until_settled().await;
    assert_eq!(arena.calls.count(&id), 1);
    arena.plant_bytes("default", &id, &captured);
    arena.run_until_settled().await;
    assert_eq!(arena.calls.count(&id), 2, "replayed before expiry");

    // After expiry: the same kind of capture, from a task that completed an hour ago.
    let old = signed(
        &arena.keyring,
        "atk:note",
        "default",
        &note_json(&hostile_label("b4"), "ok"),
        |c| {
            c.issued_at = now_secs() - 3600;
            c.expires_at = now_secs() - 1800;
        },
    );
    let before = arena.legit().await;
    let replayed = arena.plant(&old);
    arena.run_until_settled().await;
    arena.assert_refused("default", &replayed, "expired");
    arena.assert_handled_once(&[&before]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn b5_a_task_held_back_past_its_expiry_is_archived_not_retried() {
    let arena = Arena::start().await;
    let held = signed(
        &arena.keyring,
        "atk:note",
        "default",
        &note_json(&hostile_label("b5"), "ok"),
        |c| {
            c.issued_at = now_secs() - 7200;
            c.expires_at = now_secs() - 3600;
        },
    );
    let mut redis = arena.redis();
    let _: () = redis
        .hset_multiple(
            task_key("default", &held.id),
            &[("msg", held.encode()), ("state", b"scheduled".to_vec())],
        )
        .unwrap();
    let _: () = redis
        .zadd("asynq:{default}:scheduled", &held.id, now_secs() - 7200)
        .unwrap();
    let before = arena.legit().await;

    let worker = arena.spawn(arena.builder());
    arena
        .wait_for("the held task to be forwarded and refused", |redis| {
            let archived: Option<f64> = redis
                .zscore("asynq:{default}:archived", &held.id)
                .unwrap_or(None);
            archived.is_some() && arena.calls.count(&before) == 1
        })
        .await;
    worker.stop().await;

    arena.assert_refused("default", &held.id, "expired");
    assert_eq!(arena.stored("default", &held.id).unwrap().retried, 0);
    arena.assert_no_canary();
}

#[tokio::test]
async fn b7_a_staging_signed_task_is_refused_in_production() {
    let arena = Arena::start().await;
    let staging_kid = signed(
        &ring(STAGING_RING),
        "atk:note",
        "default",
        &note_json(&hostile_label("b7"), "ok"),
        |c| c.max_retry = 0,
    );
    let mut staging_kid = staging_kid;
    staging_kid.retry = 0;
    let same_kid = signed(
        &ring(STAGING_SAME_KID),
        "atk:note",
        "default",
        &note_json(&hostile_label("b7"), "ok"),
        |_| {},
    );
    let before = arena.legit().await;
    let unknown = arena.plant(&staging_kid);
    let forged = arena.plant(&same_kid);

    arena.run_until_settled().await;

    arena.assert_refused("default", &unknown, "unknown_key");
    arena.assert_refused("default", &forged, "bad_signature");
    arena.assert_handled_once(&[&before]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn b9_a_genuine_retry_after_a_crash_runs_and_is_not_taken_for_a_replay() {
    let arena = Arena::start().await;
    let (id, label) = produced(&arena, "default").await;
    arena.take_into_active("default", &id);
    arena.set_lease("default", &id, 1);

    let worker = arena.spawn(arena.builder().configure(|c| {
        c.recover_margin = std::time::Duration::ZERO;
    }));
    arena
        .wait_for("the crashed task to be retried and run", |_| {
            arena.hurry_retry("default", &id);
            arena.calls.count(&id) == 1
        })
        .await;
    arena.wait_settled().await;
    worker.stop().await;

    arena.assert_handled_once(&[&id]);
    assert!(label_was_parsed(&label));
    arena.assert_never_refused(&id);
    arena.assert_no_canary();
}
