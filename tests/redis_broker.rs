//! RedisBroker against a real redis-server: the data effects of creating, taking and
//! finishing tasks (asynq-protocol §5.1 to §5.11).

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use redis::Commands;
use vetted::broker::{Broker, BrokerError, Dequeued, TaskRef};
use vetted::wire::TaskMessage;
use vetted_tests::redis_fixtures::{
    assert_between, broker, message, now_nanos, unix_secs, utc_today,
};
use vetted_tests::redis_server::RedisServer;

const NINETY_DAYS: i64 = 90 * 24 * 60 * 60;
const MAX_INT64: &str = "9223372036854775807";

fn task<'a>(queue: &'a str, id: &'a str) -> TaskRef<'a> {
    TaskRef { queue, id }
}

fn lease_in(secs: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(secs)
}

async fn enqueue_and_take(broker: &impl Broker, queue: &str, id: &str) -> TaskMessage {
    let message = message(queue, id);
    broker.enqueue(&message, None).await.unwrap();
    let taken = broker
        .dequeue(&[queue.to_owned()], lease_in(30), 1 << 20)
        .await
        .unwrap();
    assert!(matches!(taken, Some(Dequeued::Task { .. })), "{taken:?}");
    message
}

#[tokio::test]
async fn enqueue_stores_a_pending_task_and_registers_the_queue() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let message = message("default", "t1");
    let before = now_nanos();

    broker.enqueue(&message, None).await.unwrap();

    let hash: HashMap<String, Vec<u8>> = redis.hgetall("asynq:{default}:t:t1").unwrap();
    assert_eq!(hash["msg"], message.encode());
    assert_eq!(hash["state"], b"pending");
    let since: i64 = String::from_utf8(hash["pending_since"].clone())
        .unwrap()
        .parse()
        .unwrap();
    assert_between(since, before, now_nanos());
    assert_eq!(hash.len(), 3);
    let pending: Vec<String> = redis.lrange("asynq:{default}:pending", 0, -1).unwrap();
    assert_eq!(pending, ["t1"]);
    assert!(
        redis
            .sismember::<_, _, bool>("asynq:queues", "default")
            .unwrap()
    );
}

#[tokio::test]
async fn enqueue_refuses_an_id_that_exists() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    broker
        .enqueue(&message("default", "t1"), None)
        .await
        .unwrap();

    let again = broker.enqueue(&message("default", "t1"), None).await;

    assert!(
        matches!(again, Err(BrokerError::TaskIdConflict)),
        "{again:?}"
    );
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:pending").unwrap(), 1);
    let later = broker
        .enqueue(&message("default", "t1"), Some(lease_in(60)))
        .await;
    assert!(
        matches!(later, Err(BrokerError::TaskIdConflict)),
        "{later:?}"
    );
}

#[tokio::test]
async fn enqueue_for_later_schedules_the_task() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let at = SystemTime::now() + Duration::from_secs(3600);

    broker
        .enqueue(&message("low", "s1"), Some(at))
        .await
        .unwrap();

    let hash: HashMap<String, Vec<u8>> = redis.hgetall("asynq:{low}:t:s1").unwrap();
    assert_eq!(hash["state"], b"scheduled");
    assert!(!hash.contains_key("pending_since"));
    let score: f64 = redis.zscore("asynq:{low}:scheduled", "s1").unwrap();
    assert_eq!(score as i64, unix_secs(at));
    assert!(
        redis
            .sismember::<_, _, bool>("asynq:queues", "low")
            .unwrap()
    );
    assert_eq!(redis.exists::<_, i64>("asynq:{low}:pending").unwrap(), 0);
}

#[tokio::test]
async fn enqueue_with_a_past_time_is_pending_now() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let past = SystemTime::now() - Duration::from_secs(5);

    broker
        .enqueue(&message("default", "p1"), Some(past))
        .await
        .unwrap();

    let state: String = redis.hget("asynq:{default}:t:p1", "state").unwrap();
    assert_eq!(state, "pending");
}

#[tokio::test]
async fn dequeue_leases_the_oldest_task_of_the_first_queue_that_has_one() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    for id in ["a", "b"] {
        broker.enqueue(&message("low", id), None).await.unwrap();
    }
    let until = lease_in(30);
    let queues = ["critical".to_owned(), "low".to_owned()];

    let taken = broker.dequeue(&queues, until, 1 << 20).await.unwrap();

    let expected = message("low", "a").encode();
    assert_eq!(
        taken,
        Some(Dequeued::Task {
            queue: "low".into(),
            id: "a".into(),
            message: expected
        })
    );
    let hash: HashMap<String, Vec<u8>> = redis.hgetall("asynq:{low}:t:a").unwrap();
    assert_eq!(hash["state"], b"active");
    assert!(!hash.contains_key("pending_since"));
    let active: Vec<String> = redis.lrange("asynq:{low}:active", 0, -1).unwrap();
    assert_eq!(active, ["a"]);
    let score: f64 = redis.zscore("asynq:{low}:lease", "a").unwrap();
    assert_eq!(score as i64, unix_secs(until));
    let pending: Vec<String> = redis.lrange("asynq:{low}:pending", 0, -1).unwrap();
    assert_eq!(pending, ["b"]);
}

#[tokio::test]
async fn dequeue_skips_paused_and_empty_queues() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    broker
        .enqueue(&message("default", "a"), None)
        .await
        .unwrap();
    let queues = ["empty".to_owned(), "default".to_owned()];
    let _: () = redis
        .set("asynq:{default}:paused", unix_secs(SystemTime::now()))
        .unwrap();

    assert_eq!(
        broker
            .dequeue(&queues, lease_in(30), 1 << 20)
            .await
            .unwrap(),
        None
    );

    let _: () = redis.del("asynq:{default}:paused").unwrap();
    assert!(
        broker
            .dequeue(&queues, lease_in(30), 1 << 20)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        broker
            .dequeue(&queues, lease_in(30), 1 << 20)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn dequeue_leases_an_oversize_task_without_reading_it() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let mut big = message("default", "big");
    big.payload = vec![b'x'; 4096];
    let len = big.encode().len();
    broker.enqueue(&big, None).await.unwrap();

    let taken = broker
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
    let state: String = redis.hget("asynq:{default}:t:big", "state").unwrap();
    assert_eq!(state, "active");
    assert!(
        redis
            .zscore::<_, _, Option<f64>>("asynq:{default}:lease", "big")
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn dequeue_reports_a_dangling_id_without_creating_a_hash() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let _: () = redis.lpush("asynq:{default}:pending", "ghost").unwrap();

    let taken = broker
        .dequeue(&["default".to_owned()], lease_in(30), 1 << 20)
        .await
        .unwrap();

    assert_eq!(
        taken,
        Some(Dequeued::Dangling {
            queue: "default".into(),
            id: "ghost".into()
        })
    );
    assert_eq!(
        redis.exists::<_, i64>("asynq:{default}:t:ghost").unwrap(),
        0
    );
    let active: Vec<String> = redis.lrange("asynq:{default}:active", 0, -1).unwrap();
    assert_eq!(active, ["ghost"]);
    assert!(
        redis
            .zscore::<_, _, Option<f64>>("asynq:{default}:lease", "ghost")
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn dequeue_reports_a_hash_without_msg_as_dangling() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let _: () = redis
        .hset("asynq:{default}:t:stray", "result", "late write")
        .unwrap();
    let _: () = redis.lpush("asynq:{default}:pending", "stray").unwrap();

    let taken = broker
        .dequeue(&["default".to_owned()], lease_in(30), 1 << 20)
        .await
        .unwrap();

    assert_eq!(
        taken,
        Some(Dequeued::Dangling {
            queue: "default".into(),
            id: "stray".into()
        })
    );
    let msg: Option<Vec<u8>> = redis.hget("asynq:{default}:t:stray", "msg").unwrap();
    assert_eq!(msg, None);
}

#[tokio::test]
async fn done_deletes_the_task_and_counts_it() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    enqueue_and_take(&broker, "default", "t1").await;
    let now = unix_secs(SystemTime::now());

    broker.done(task("default", "t1"), "").await.unwrap();

    assert_eq!(redis.exists::<_, i64>("asynq:{default}:t:t1").unwrap(), 0);
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:active").unwrap(), 0);
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:lease").unwrap(), 0);
    let daily = format!("asynq:{{default}}:processed:{}", utc_today());
    assert_eq!(redis.get::<_, String>(&daily).unwrap(), "1");
    assert_between(
        redis.ttl::<_, i64>(&daily).unwrap(),
        NINETY_DAYS - 5,
        NINETY_DAYS,
    );
    assert_eq!(
        redis.get::<_, String>("asynq:{default}:processed").unwrap(),
        "1"
    );
    assert_eq!(redis.exists::<_, i64>("asynq:{default}:failed").unwrap(), 0);
    let expire_at: i64 = redis::cmd("EXPIRETIME")
        .arg(&daily)
        .query(&mut redis)
        .unwrap();
    assert_between(expire_at, now + NINETY_DAYS, now + NINETY_DAYS + 2);
}

#[tokio::test]
async fn done_fails_with_not_found_when_the_task_is_not_active() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    broker
        .enqueue(&message("default", "t1"), None)
        .await
        .unwrap();

    let result = broker.done(task("default", "t1"), "").await;

    assert!(matches!(result, Err(BrokerError::NotFound)), "{result:?}");
    let missing = broker.done(task("default", "nope"), "").await;
    assert!(matches!(missing, Err(BrokerError::NotFound)), "{missing:?}");
}

#[tokio::test]
async fn done_releases_the_unique_lock_only_when_the_task_owns_it() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let own = "asynq:{default}:unique:email:send:aaa";
    let foreign = "asynq:{default}:unique:email:send:bbb";
    let _: () = redis.set(own, "t1").unwrap();
    let _: () = redis.set(foreign, "someone-else").unwrap();
    enqueue_and_take(&broker, "default", "t1").await;
    enqueue_and_take(&broker, "default", "t2").await;

    broker.done(task("default", "t1"), own).await.unwrap();
    broker.done(task("default", "t2"), foreign).await.unwrap();

    assert_eq!(redis.exists::<_, i64>(own).unwrap(), 0);
    assert_eq!(redis.get::<_, String>(foreign).unwrap(), "someone-else");
}

#[tokio::test]
async fn processed_total_starts_over_at_one_after_max_int64() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let _: () = redis.set("asynq:{default}:processed", MAX_INT64).unwrap();
    enqueue_and_take(&broker, "default", "t1").await;

    broker.done(task("default", "t1"), "").await.unwrap();

    assert_eq!(
        redis.get::<_, String>("asynq:{default}:processed").unwrap(),
        "1"
    );
}

#[tokio::test]
async fn mark_complete_keeps_the_task_until_its_retention_ends() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let lock = "asynq:{default}:unique:email:send:ccc";
    let _: () = redis.set(lock, "t1").unwrap();
    let mut message = enqueue_and_take(&broker, "default", "t1").await;
    message.completed_at = unix_secs(SystemTime::now());
    let expires = SystemTime::now() + Duration::from_secs(3600);

    broker
        .mark_complete(task("default", "t1"), &message.encode(), expires, lock)
        .await
        .unwrap();

    let hash: HashMap<String, Vec<u8>> = redis.hgetall("asynq:{default}:t:t1").unwrap();
    assert_eq!(hash["state"], b"completed");
    assert_eq!(hash["msg"], message.encode());
    let score: f64 = redis.zscore("asynq:{default}:completed", "t1").unwrap();
    assert_eq!(score as i64, unix_secs(expires));
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:active").unwrap(), 0);
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:lease").unwrap(), 0);
    let daily = format!("asynq:{{default}}:processed:{}", utc_today());
    assert_eq!(redis.get::<_, String>(&daily).unwrap(), "1");
    assert_eq!(
        redis.get::<_, String>("asynq:{default}:processed").unwrap(),
        "1"
    );
    assert_eq!(redis.exists::<_, i64>(lock).unwrap(), 0);
    let again = broker
        .mark_complete(task("default", "t1"), b"", expires, "")
        .await;
    assert!(matches!(again, Err(BrokerError::NotFound)), "{again:?}");
}

#[tokio::test]
async fn retry_schedules_the_task_and_counts_a_failure() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let lock = "asynq:{default}:unique:email:send:ddd";
    let _: () = redis.set(lock, "t1").unwrap();
    let mut message = enqueue_and_take(&broker, "default", "t1").await;
    message.retried = 1;
    message.error_msg = "boom".into();
    let at = SystemTime::now() + Duration::from_secs(90);

    broker
        .retry(task("default", "t1"), &message.encode(), at, true)
        .await
        .unwrap();

    let hash: HashMap<String, Vec<u8>> = redis.hgetall("asynq:{default}:t:t1").unwrap();
    assert_eq!(hash["state"], b"retry");
    assert_eq!(hash["msg"], message.encode());
    let score: f64 = redis.zscore("asynq:{default}:retry", "t1").unwrap();
    assert_eq!(score as i64, unix_secs(at));
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:active").unwrap(), 0);
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:lease").unwrap(), 0);
    let today = utc_today();
    for counter in [format!("processed:{today}"), format!("failed:{today}")] {
        let key = format!("asynq:{{default}}:{counter}");
        assert_eq!(redis.get::<_, String>(&key).unwrap(), "1", "{key}");
        assert_between(
            redis.ttl::<_, i64>(&key).unwrap(),
            NINETY_DAYS - 5,
            NINETY_DAYS,
        );
    }
    assert_eq!(
        redis.get::<_, String>("asynq:{default}:processed").unwrap(),
        "1"
    );
    assert_eq!(
        redis.get::<_, String>("asynq:{default}:failed").unwrap(),
        "1"
    );
    assert_eq!(redis.get::<_, String>(lock).unwrap(), "t1");
}

#[tokio::test]
async fn retry_that_is_not_a_failure_leaves_the_counters_alone() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let message = enqueue_and_take(&broker, "default", "t1").await;

    broker
        .retry(
            task("default", "t1"),
            &message.encode(),
            lease_in(10),
            false,
        )
        .await
        .unwrap();

    let state: String = redis.hget("asynq:{default}:t:t1", "state").unwrap();
    assert_eq!(state, "retry");
    let keys: Vec<String> = redis.keys("asynq:{default}:processed*").unwrap();
    assert!(keys.is_empty(), "{keys:?}");
    let again = broker
        .retry(task("default", "t1"), b"", lease_in(10), true)
        .await;
    assert!(matches!(again, Err(BrokerError::NotFound)), "{again:?}");
}

#[tokio::test]
async fn archive_stores_the_message_and_counts_a_failure() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let _: () = redis.set("asynq:{default}:processed", MAX_INT64).unwrap();
    let _: () = redis.set("asynq:{default}:failed", "41").unwrap();
    let mut message = enqueue_and_take(&broker, "default", "t1").await;
    message.error_msg = "fatal".into();
    let now = unix_secs(SystemTime::now());

    broker
        .archive(task("default", "t1"), &message.encode())
        .await
        .unwrap();

    let hash: HashMap<String, Vec<u8>> = redis.hgetall("asynq:{default}:t:t1").unwrap();
    assert_eq!(hash["state"], b"archived");
    assert_eq!(hash["msg"], message.encode());
    let score: f64 = redis.zscore("asynq:{default}:archived", "t1").unwrap();
    assert_between(score as i64, now, now + 2);
    assert_eq!(
        redis
            .get::<_, String>(format!("asynq:{{default}}:failed:{}", utc_today()))
            .unwrap(),
        "1"
    );
    assert_eq!(
        redis.get::<_, String>("asynq:{default}:processed").unwrap(),
        "1"
    );
    assert_eq!(
        redis.get::<_, String>("asynq:{default}:failed").unwrap(),
        "1"
    );
    let again = broker.archive(task("default", "t1"), b"").await;
    assert!(matches!(again, Err(BrokerError::NotFound)), "{again:?}");
}

#[tokio::test]
async fn archive_trims_to_9999_tasks_and_deletes_their_hashes() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
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
    let _: () = fill.query(&mut redis).unwrap();
    let message = enqueue_and_take(&broker, "default", "new").await;

    broker
        .archive(task("default", "new"), &message.encode())
        .await
        .unwrap();

    assert_eq!(
        redis.zcard::<_, i64>("asynq:{default}:archived").unwrap(),
        9999
    );
    for gone in ["ancient", "old-00000", "old-00001"] {
        let key = format!("asynq:{{default}}:t:{gone}");
        assert_eq!(redis.exists::<_, i64>(&key).unwrap(), 0, "{key}");
        let score: Option<f64> = redis.zscore("asynq:{default}:archived", gone).unwrap();
        assert_eq!(score, None, "{gone}");
    }
    assert_eq!(
        redis
            .exists::<_, i64>("asynq:{default}:t:old-00002")
            .unwrap(),
        1
    );
    let state: String = redis.hget("asynq:{default}:t:new", "state").unwrap();
    assert_eq!(state, "archived");
}
