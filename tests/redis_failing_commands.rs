//! RedisBroker against keys that make a Redis command fail: values of another type,
//! streams at their last id, corrupted counters, missing lease entries. Redis keeps
//! whatever a script wrote before a command failed, so each script must either check
//! first or carry on past the failure; none may lose a task or block a queue.

use std::time::{Duration, SystemTime};

use redis::Commands;
use vetted::broker::{Broker, TaskRef};
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
    let _: () = f.redis.zadd("asynq:{default}:scheduled", "s-string", 1).unwrap();
    f.broker
        .enqueue(&message("default", "s-group"), Some(in_secs(60)))
        .await
        .unwrap();
    let _: () = f.redis.hset("asynq:{default}:t:s-group", "group", "evil").unwrap();
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
