//! RedisBroker against keys that make a Redis command fail: values of another type,
//! streams at their last id, corrupted counters, missing lease entries. Redis keeps
//! whatever a script wrote before a command failed, so each script must either check
//! first or carry on past the failure; none may lose a task or block a queue.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use redis::Commands;
use vetted::broker::{
    Broker, BrokerError, CounterSnapshot, Dequeued, QuarantineLimits, QuarantineNote, TaskRef,
};
use vetted::reason::{Reason, Rejection};
use vetted_tests::quarantine_stream::{quarantine_key, read_quarantine};
use vetted_tests::redis_fixtures::{Fixture, message};

fn task<'a>(queue: &'a str, id: &'a str) -> TaskRef<'a> {
    TaskRef { queue, id }
}

fn in_secs(secs: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(secs)
}

#[tokio::test]
async fn forward_due_carries_on_past_keys_of_another_type() {
    let mut f = Fixture::start().await;
    let _: () = f.redis.set("asynq:{default}:t:s-string", "x").unwrap();
    let _: () = f
        .redis
        .zadd("asynq:{default}:scheduled", "s-string", 1)
        .unwrap();
    f.broker
        .enqueue(&message("default", "s-group"), Some(in_secs(60)))
        .await
        .unwrap();
    let _: () = f
        .redis
        .hset("asynq:{default}:t:s-group", "group", "evil")
        .unwrap();
    let _: () = f.redis.set("asynq:{default}:g:evil", "x").unwrap();

    let moved = f.broker.forward_due("default", in_secs(120)).await.unwrap();

    assert_eq!(moved, 2);
    assert_eq!(f.list("default", "pending"), ["s-group"]);
    assert_eq!(f.state("default", "s-group").as_deref(), Some("pending"));
    let string: String = f.redis.get("asynq:{default}:t:s-string").unwrap();
    assert_eq!(string, "x", "a key of another type is left as it is");
}

/// Deletes the lease entry of an active task, as asynq#1144 or an operator may.
fn drop_lease(f: &mut Fixture, id: &str) {
    let _: () = f.redis.zrem("asynq:{default}:lease", id).unwrap();
}

#[tokio::test]
async fn requeue_sends_an_active_task_without_lease_back_to_pending() {
    let mut f = Fixture::start().await;
    f.enqueue_and_take("default", "t1").await;
    drop_lease(&mut f, "t1");

    f.broker.requeue(task("default", "t1")).await.unwrap();

    assert_eq!(f.list("default", "pending"), ["t1"]);
    assert!(f.list("default", "active").is_empty());
    assert_eq!(f.state("default", "t1").as_deref(), Some("pending"));
}

#[tokio::test]
async fn retry_and_archive_move_an_active_task_without_lease() {
    let mut f = Fixture::start().await;
    let first = f.enqueue_and_take("default", "t1").await;
    drop_lease(&mut f, "t1");
    f.broker
        .retry(task("default", "t1"), &first.encode(), in_secs(60), true)
        .await
        .unwrap();
    f.assert_moved_to("retry", &first);

    let second = f.enqueue_and_take("default", "t2").await;
    drop_lease(&mut f, "t2");
    f.broker
        .archive(task("default", "t2"), &second.encode())
        .await
        .unwrap();
    f.assert_moved_to("archived", &second);
}

#[tokio::test]
async fn mark_complete_of_an_id_already_completed_changes_nothing() {
    let mut f = Fixture::start().await;
    let message = f.enqueue_and_take("default", "t1").await;
    let _: () = f.redis.zadd("asynq:{default}:completed", "t1", 1).unwrap();

    let result = f
        .broker
        .mark_complete(task("default", "t1"), &message.encode(), in_secs(60), "")
        .await;

    assert!(result.is_err(), "{result:?}");
    f.assert_only_active("default", "t1");
    assert_eq!(f.state("default", "t1").as_deref(), Some("active"));
}

/// Adds an entry with the given id to `default`'s quarantine stream.
fn add_entry(f: &mut Fixture, entry_id: &str) {
    let _: String = redis::cmd("XADD")
        .arg(quarantine_key("default"))
        .arg(entry_id)
        .arg("task_id")
        .arg("old")
        .query(&mut f.redis)
        .unwrap();
}

/// Quarantines the active task `t1` of `default` as malformed.
async fn quarantine_t1(f: &Fixture, limits: &QuarantineLimits) -> Result<(), BrokerError> {
    let rejection = Rejection::new(Reason::MalformedMessage);
    let note = QuarantineNote {
        rejection: &rejection,
        task_type: None,
        message_len: 0,
        message: None,
    };
    f.broker
        .quarantine(task("default", "t1"), &note, limits)
        .await
}

#[tokio::test]
async fn quarantine_into_an_exhausted_stream_keeps_the_task_active() {
    let mut f = Fixture::start().await;
    f.enqueue_and_take("default", "t1").await;
    add_entry(&mut f, "18446744073709551615-18446744073709551615");

    let result = quarantine_t1(&f, &QuarantineLimits::default()).await;

    assert!(
        matches!(result, Err(BrokerError::Unavailable(_))),
        "{result:?}"
    );
    f.assert_only_active("default", "t1");
    assert!(f.task_exists("default", "t1"));
    assert_eq!(f.counter("asynq:{default}:processed"), None);
    assert_eq!(read_quarantine(&mut f.redis, "default").len(), 1);
}

#[tokio::test]
async fn quarantine_with_the_largest_entry_limit_works() {
    let mut f = Fixture::start().await;
    f.enqueue_and_take("default", "t1").await;
    let limits = QuarantineLimits {
        max_entries: usize::MAX,
        ..QuarantineLimits::default()
    };

    quarantine_t1(&f, &limits).await.unwrap();

    assert!(!f.task_exists("default", "t1"));
    assert!(f.list("default", "active").is_empty());
    assert_eq!(read_quarantine(&mut f.redis, "default").len(), 1);
}

#[tokio::test]
async fn quarantine_after_an_entry_from_the_far_future_skips_the_age_trim() {
    let mut f = Fixture::start().await;
    f.enqueue_and_take("default", "t1").await;
    add_entry(&mut f, "9300000000000000000-0");

    quarantine_t1(&f, &QuarantineLimits::default())
        .await
        .unwrap();

    assert!(!f.task_exists("default", "t1"));
    assert!(f.list("default", "active").is_empty());
    assert_eq!(f.counter("asynq:{default}:processed").as_deref(), Some("1"));
    let entries = read_quarantine(&mut f.redis, "default");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].task_id(), "t1");
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
}

#[tokio::test]
async fn a_corrupted_counter_field_never_fails_a_flush() {
    let mut f = Fixture::start().await;
    let by_key = "vetted:{stats}:verified_by_key";
    let _: () = f.redis.hset(by_key, "k1", "garbage").unwrap();
    let _: () = f.redis.hset(by_key, "k3", i64::MAX).unwrap();
    let delta = CounterSnapshot {
        rejected: counts(&[("unsigned", 1)]),
        rejected_by_key: counts(&[("k0", 4)]),
        verified_by_key: counts(&[("k1", 2), ("k2", 3), ("k3", 1)]),
    };

    for _ in 0..2 {
        f.broker.add_counters(&delta).await.unwrap();
    }

    let stored = f.broker.counters().await.unwrap();
    assert_eq!(stored.rejected, counts(&[("unsigned", 2)]));
    assert_eq!(stored.rejected_by_key, counts(&[("k0", 8)]));
    let max = i64::MAX.unsigned_abs();
    let verified = counts(&[("k1", 4), ("k2", 6), ("k3", max)]);
    assert_eq!(stored.verified_by_key, verified);
}

#[tokio::test]
async fn dequeue_quarantines_an_id_that_is_not_utf8_and_takes_the_next() {
    let mut f = Fixture::start().await;
    let bad: &[u8] = b"\xff\xfe-bad";
    let key = [b"asynq:{default}:t:".as_slice(), bad].concat();
    let _: () = f.redis.hset(&key, "msg", "x").unwrap();
    let _: () = f.redis.lpush("asynq:{default}:pending", bad).unwrap();
    f.enqueue("default", "t1").await;

    let taken = f.take(&["default"]).await;

    assert!(
        matches!(&taken, Some(Dequeued::Task { id, .. }) if id == "t1"),
        "{taken:?}"
    );
    f.assert_only_active("default", "t1");
    let exists: bool = f.redis.exists(&key).unwrap();
    assert!(!exists, "the hash under the raw id is deleted");
    let entries = read_quarantine(&mut f.redis, "default");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].task_id(), "\u{fffd}\u{fffd}-bad");
    assert_eq!(entries[0].fields["msg"], b"x");
}

#[tokio::test]
async fn dequeue_serves_a_queue_whose_waiting_sets_hold_another_type() {
    let mut f = Fixture::start().await;
    for set in ["scheduled", "retry", "archived", "completed"] {
        let _: () = f
            .redis
            .set(format!("asynq:{{default}}:{set}"), "x")
            .unwrap();
    }
    f.enqueue("default", "t1").await;

    let taken = f
        .broker
        .dequeue(&["default".to_owned()], in_secs(30), 1 << 20)
        .await
        .unwrap();

    assert!(
        matches!(&taken, Some(Dequeued::Task { id, .. }) if id == "t1"),
        "{taken:?}"
    );
}

#[tokio::test]
async fn a_broken_queue_is_named_and_the_next_queue_is_still_served() {
    let mut f = Fixture::start().await;
    f.enqueue("broken", "b1").await;
    let _: () = f.redis.set("asynq:{broken}:active", "x").unwrap();
    f.enqueue("default", "t1").await;
    let queues = ["broken".to_owned(), "default".to_owned()];

    let taken = f.broker.dequeue(&queues, in_secs(30), 1 << 20).await;
    assert!(
        matches!(&taken, Ok(Some(Dequeued::Task { id, .. })) if id == "t1"),
        "{taken:?}"
    );

    let again = f.broker.dequeue(&queues, in_secs(30), 1 << 20).await;
    match again {
        Err(BrokerError::Unavailable(text)) => {
            assert!(text.starts_with("queue \"broken\": "), "{text}")
        }
        other => panic!("expected the broken queue's error, got {other:?}"),
    }
}
