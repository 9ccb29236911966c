//! RedisBroker against a real redis-server: the data effects of creating, taking and
//! finishing tasks (asynq-protocol §5.1 to §5.11).

use std::time::{Duration, SystemTime};

use redis::Commands;
use vetted::broker::{Broker, BrokerError, Dequeued, TaskRef};
use vetted_tests::redis_fixtures::{
    Fixture, NINETY_DAYS, assert_between, message, now_nanos, unix_secs, utc_today,
};

const MAX_INT64: &str = "9223372036854775807";

fn task<'a>(queue: &'a str, id: &'a str) -> TaskRef<'a> {
    TaskRef { queue, id }
}

fn lease_in(secs: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(secs)
}

/// Asserts `result` is the broker's `NotFound`.
#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: Result<T, BrokerError>) {
    assert!(matches!(result, Err(BrokerError::NotFound)), "{result:?}");
}

#[tokio::test]
async fn enqueue_stores_a_pending_task_and_registers_the_queue() {
    let mut f = Fixture::start().await;
    let message = message("default", "t1");
    let before = now_nanos();

    f.broker.enqueue(&message, None).await.unwrap();

    let hash = f.hash("default", "t1");
    assert_eq!(hash["msg"], message.encode());
    assert_eq!(hash["state"], b"pending");
    let since: i64 = String::from_utf8(hash["pending_since"].clone())
        .unwrap()
        .parse()
        .unwrap();
    assert_between(since, before, now_nanos());
    assert_eq!(hash.len(), 3);
    assert_eq!(f.list("default", "pending"), ["t1"]);
    assert!(f.queue_registered("default"));
}

#[tokio::test]
async fn enqueue_refuses_an_id_that_exists() {
    let mut f = Fixture::start().await;
    f.enqueue("default", "t1").await;

    let again = f.broker.enqueue(&message("default", "t1"), None).await;

    assert!(
        matches!(again, Err(BrokerError::TaskIdConflict)),
        "{again:?}"
    );
    assert_eq!(f.list("default", "pending"), ["t1"]);
    let later = f
        .broker
        .enqueue(&message("default", "t1"), Some(lease_in(60)))
        .await;
    assert!(
        matches!(later, Err(BrokerError::TaskIdConflict)),
        "{later:?}"
    );
}

#[tokio::test]
async fn enqueue_for_later_schedules_the_task() {
    let mut f = Fixture::start().await;
    let at = SystemTime::now() + Duration::from_secs(3600);

    f.broker
        .enqueue(&message("low", "s1"), Some(at))
        .await
        .unwrap();

    let hash = f.hash("low", "s1");
    assert_eq!(hash["state"], b"scheduled");
    assert!(!hash.contains_key("pending_since"));
    let score: f64 = f.redis.zscore("asynq:{low}:scheduled", "s1").unwrap();
    assert_eq!(score as i64, unix_secs(at));
    assert!(f.queue_registered("low"));
    assert!(!f.exists("asynq:{low}:pending"));
}

#[tokio::test]
async fn enqueue_with_a_past_time_is_pending_now() {
    let mut f = Fixture::start().await;
    let past = SystemTime::now() - Duration::from_secs(5);

    f.broker
        .enqueue(&message("default", "p1"), Some(past))
        .await
        .unwrap();

    assert_eq!(f.state("default", "p1").as_deref(), Some("pending"));
}

#[tokio::test]
async fn dequeue_leases_the_oldest_task_of_the_first_queue_that_has_one() {
    let mut f = Fixture::start().await;
    for id in ["a", "b"] {
        f.enqueue("low", id).await;
    }
    let until = lease_in(30);
    let queues = ["critical".to_owned(), "low".to_owned()];

    let taken = f.broker.dequeue(&queues, until, 1 << 20).await.unwrap();

    let expected = message("low", "a").encode();
    assert_eq!(
        taken,
        Some(Dequeued::Task {
            queue: "low".into(),
            id: "a".into(),
            message: expected
        })
    );
    let hash = f.hash("low", "a");
    assert_eq!(hash["state"], b"active");
    assert!(!hash.contains_key("pending_since"));
    let lease = f.assert_only_active("low", "a");
    assert_eq!(lease, unix_secs(until));
    assert_eq!(f.list("low", "pending"), ["b"]);
}

#[tokio::test]
async fn dequeue_skips_paused_and_empty_queues() {
    let mut f = Fixture::start().await;
    f.enqueue("default", "a").await;
    let queues = ["empty", "default"];
    let _: () = f
        .redis
        .set("asynq:{default}:paused", unix_secs(SystemTime::now()))
        .unwrap();

    assert_eq!(f.take(&queues).await, None);

    let _: () = f.redis.del("asynq:{default}:paused").unwrap();
    assert!(f.take(&queues).await.is_some());
    assert_eq!(f.take(&queues).await, None);
}

#[tokio::test]
async fn dequeue_leases_an_oversize_task_without_reading_it() {
    let mut f = Fixture::start().await;
    let mut big = message("default", "big");
    big.payload = vec![b'x'; 4096];
    let len = big.encode().len();
    f.broker.enqueue(&big, None).await.unwrap();

    let taken = f
        .broker
        .dequeue(&["default".to_owned()], lease_in(30), 1024)
        .await
        .unwrap();

    assert_eq!(
        taken,
        Some(Dequeued::Oversize {
            queue: "default".into(),
            id: "big".into(),
            len
        })
    );
    assert_eq!(f.state("default", "big").as_deref(), Some("active"));
    f.assert_only_active("default", "big");
}

#[tokio::test]
async fn dequeue_reports_a_dangling_id_without_creating_a_hash() {
    let mut f = Fixture::start().await;
    let _: () = f.redis.lpush("asynq:{default}:pending", "ghost").unwrap();

    let taken = f.take(&["default"]).await;

    assert_eq!(
        taken,
        Some(Dequeued::Dangling {
            queue: "default".into(),
            id: "ghost".into()
        })
    );
    assert!(!f.task_exists("default", "ghost"));
    f.assert_only_active("default", "ghost");
}

#[tokio::test]
async fn dequeue_reports_a_hash_without_msg_as_dangling() {
    let mut f = Fixture::start().await;
    let _: () = f
        .redis
        .hset("asynq:{default}:t:stray", "result", "late write")
        .unwrap();
    let _: () = f.redis.lpush("asynq:{default}:pending", "stray").unwrap();

    let taken = f.take(&["default"]).await;

    assert_eq!(
        taken,
        Some(Dequeued::Dangling {
            queue: "default".into(),
            id: "stray".into()
        })
    );
    let msg: Option<Vec<u8>> = f.redis.hget("asynq:{default}:t:stray", "msg").unwrap();
    assert_eq!(msg, None);
}

#[tokio::test]
async fn done_deletes_the_task_and_counts_it() {
    let mut f = Fixture::start().await;
    f.enqueue_and_take("default", "t1").await;
    let now = unix_secs(SystemTime::now());

    f.broker.done(task("default", "t1"), "").await.unwrap();

    assert!(!f.task_exists("default", "t1"));
    f.assert_nothing_active("default");
    f.assert_counted_today("default", "processed");
    f.assert_totals("default", Some("1"), None);
    let daily = format!("asynq:{{default}}:processed:{}", utc_today());
    let expire_at: i64 = redis::cmd("EXPIRETIME")
        .arg(&daily)
        .query(&mut f.redis)
        .unwrap();
    assert_between(expire_at, now + NINETY_DAYS, now + NINETY_DAYS + 2);
}

#[tokio::test]
async fn done_fails_with_not_found_when_the_task_is_not_active() {
    let f = Fixture::start().await;
    f.enqueue("default", "t1").await;

    let result = f.broker.done(task("default", "t1"), "").await;

    assert_not_found(result);
    assert_not_found(f.broker.done(task("default", "nope"), "").await);
}

#[tokio::test]
async fn done_releases_the_unique_lock_only_when_the_task_owns_it() {
    let mut f = Fixture::start().await;
    let own = "asynq:{default}:unique:email:send:aaa";
    let foreign = "asynq:{default}:unique:email:send:bbb";
    let _: () = f.redis.set(own, "t1").unwrap();
    let _: () = f.redis.set(foreign, "someone-else").unwrap();
    f.enqueue_and_take("default", "t1").await;
    f.enqueue_and_take("default", "t2").await;

    f.broker.done(task("default", "t1"), own).await.unwrap();
    f.broker.done(task("default", "t2"), foreign).await.unwrap();

    assert!(!f.exists(own));
    assert_eq!(f.redis.get::<_, String>(foreign).unwrap(), "someone-else");
}

#[tokio::test]
async fn processed_total_starts_over_at_one_after_max_int64() {
    let mut f = Fixture::start().await;
    let _: () = f.redis.set("asynq:{default}:processed", MAX_INT64).unwrap();
    f.enqueue_and_take("default", "t1").await;

    f.broker.done(task("default", "t1"), "").await.unwrap();

    f.assert_totals("default", Some("1"), None);
}

#[tokio::test]
async fn mark_complete_keeps_the_task_until_its_retention_ends() {
    let mut f = Fixture::start().await;
    let lock = "asynq:{default}:unique:email:send:ccc";
    let _: () = f.redis.set(lock, "t1").unwrap();
    let mut message = f.enqueue_and_take("default", "t1").await;
    message.completed_at = unix_secs(SystemTime::now());
    let expires = SystemTime::now() + Duration::from_secs(3600);

    f.broker
        .mark_complete(task("default", "t1"), &message.encode(), expires, lock)
        .await
        .unwrap();

    let score = f.assert_moved_to("completed", &message);
    assert_eq!(score, unix_secs(expires));
    f.assert_counted_today("default", "processed");
    f.assert_totals("default", Some("1"), None);
    assert!(!f.exists(lock));
    let again = f
        .broker
        .mark_complete(task("default", "t1"), b"", expires, "")
        .await;
    assert_not_found(again);
}

#[tokio::test]
async fn retry_schedules_the_task_and_counts_a_failure() {
    let mut f = Fixture::start().await;
    let lock = "asynq:{default}:unique:email:send:ddd";
    let _: () = f.redis.set(lock, "t1").unwrap();
    let mut message = f.enqueue_and_take("default", "t1").await;
    message.retried = 1;
    message.error_msg = "boom".into();
    let at = SystemTime::now() + Duration::from_secs(90);

    f.broker
        .retry(task("default", "t1"), &message.encode(), at, true)
        .await
        .unwrap();

    let score = f.assert_moved_to("retry", &message);
    assert_eq!(score, unix_secs(at));
    f.assert_counted_today("default", "processed");
    f.assert_counted_today("default", "failed");
    f.assert_totals("default", Some("1"), Some("1"));
    assert_eq!(f.redis.get::<_, String>(lock).unwrap(), "t1");
}

#[tokio::test]
async fn retry_that_is_not_a_failure_leaves_the_counters_alone() {
    let mut f = Fixture::start().await;
    let message = f.enqueue_and_take("default", "t1").await;

    f.broker
        .retry(
            task("default", "t1"),
            &message.encode(),
            lease_in(10),
            false,
        )
        .await
        .unwrap();

    assert_eq!(f.state("default", "t1").as_deref(), Some("retry"));
    let keys: Vec<String> = f.redis.keys("asynq:{default}:processed*").unwrap();
    assert!(keys.is_empty(), "{keys:?}");
    let again = f
        .broker
        .retry(task("default", "t1"), b"", lease_in(10), true)
        .await;
    assert_not_found(again);
}

#[tokio::test]
async fn archive_stores_the_message_and_counts_a_failure() {
    let mut f = Fixture::start().await;
    let _: () = f.redis.set("asynq:{default}:processed", MAX_INT64).unwrap();
    let _: () = f.redis.set("asynq:{default}:failed", "41").unwrap();
    let mut message = f.enqueue_and_take("default", "t1").await;
    message.error_msg = "fatal".into();
    let now = unix_secs(SystemTime::now());

    f.broker
        .archive(task("default", "t1"), &message.encode())
        .await
        .unwrap();

    let score = f.assert_moved_to("archived", &message);
    assert_between(score, now, now + 2);
    f.assert_counted_today("default", "failed");
    f.assert_totals("default", Some("1"), Some("1"));
    let again = f.broker.archive(task("default", "t1"), b"").await;
    assert_not_found(again);
}

#[tokio::test]
async fn archive_trims_to_9999_tasks_and_deletes_their_hashes() {
    let mut f = Fixture::start().await;
    let now = unix_secs(SystemTime::now());
    let mut fill = redis::pipe();
    fill.zadd("asynq:{default}:archived", "ancient", now - 91 * 24 * 3600)
        .ignore();
    fill.hset("asynq:{default}:t:ancient", "state", "archived")
        .ignore();
    for i in 0..10_000 {
        let id = format!("old-{i:05}");
        fill.zadd("asynq:{default}:archived", &id, now - 20_000 + i)
            .ignore();
        fill.hset(format!("asynq:{{default}}:t:{id}"), "state", "archived")
            .ignore();
    }
    let _: () = fill.query(&mut f.redis).unwrap();
    let message = f.enqueue_and_take("default", "new").await;

    f.broker
        .archive(task("default", "new"), &message.encode())
        .await
        .unwrap();

    assert_eq!(
        f.redis.zcard::<_, i64>("asynq:{default}:archived").unwrap(),
        9999
    );
    for gone in ["ancient", "old-00000", "old-00001"] {
        assert!(!f.task_exists("default", gone), "hash of {gone} deleted");
        let score: Option<f64> = f.redis.zscore("asynq:{default}:archived", gone).unwrap();
        assert_eq!(score, None, "{gone}");
    }
    assert!(f.task_exists("default", "old-00002"));
    assert_eq!(f.state("default", "new").as_deref(), Some("archived"));
}
