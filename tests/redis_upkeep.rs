//! RedisBroker against a real redis-server: sending tasks back, quarantine, background
//! upkeep, the heartbeat and the read-only calls.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use redis::Commands;
use vetted::broker::{
    ActiveTask, Broker, BrokerError, Dequeued, ExpiredLease, QuarantineLimits, QuarantineNote,
    ServerState, TaskRef,
};
use vetted::reason::{Reason, Rejection};
use vetted::wire::{ServerInfo, Timestamp, WorkerInfo};
use vetted_tests::quarantine_stream::{quarantine_key, read_quarantine};
use vetted_tests::redis_fixtures::{
    assert_between, broker, message, now_nanos, unix_secs, utc_today,
};
use vetted_tests::redis_server::RedisServer;

fn task<'a>(queue: &'a str, id: &'a str) -> TaskRef<'a> {
    TaskRef { queue, id }
}

fn in_secs(secs: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(secs)
}

async fn enqueue_and_take(broker: &impl Broker, queue: &str, id: &str) {
    broker.enqueue(&message(queue, id), None).await.unwrap();
    let taken = broker
        .dequeue(&[queue.to_owned()], in_secs(30), 1 << 20)
        .await
        .unwrap();
    assert!(matches!(taken, Some(Dequeued::Task { .. })), "{taken:?}");
}

/// Puts `id` in active and lease by hand, with `msg` when given.
fn make_active(redis: &mut redis::Connection, id: &str, msg: Option<&[u8]>) {
    let _: () = redis.lpush("asynq:{default}:active", id).unwrap();
    let _: () = redis.zadd("asynq:{default}:lease", id, 1).unwrap();
    if let Some(msg) = msg {
        let key = format!("asynq:{{default}}:t:{id}");
        let _: () = redis
            .hset_multiple(&key, &[("msg", msg), ("state", b"active")])
            .unwrap();
    }
}

#[tokio::test]
async fn requeue_puts_the_task_next_in_line_without_counting_it() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    enqueue_and_take(&broker, "default", "t1").await;
    broker
        .enqueue(&message("default", "t2"), None)
        .await
        .unwrap();

    broker.requeue(task("default", "t1")).await.unwrap();

    let hash: HashMap<String, Vec<u8>> = redis.hgetall("asynq:{default}:t:t1").unwrap();
    assert_eq!(hash["state"], b"pending");
    assert!(!hash.contains_key("pending_since"));
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:lease").unwrap(), 0);
    let next = broker
        .dequeue(&["default".to_owned()], in_secs(30), 1 << 20)
        .await
        .unwrap();
    assert!(matches!(next, Some(Dequeued::Task { id, .. }) if id == "t1"));
    let counters: Vec<String> = redis.keys("asynq:{default}:processed*").unwrap();
    assert!(counters.is_empty());
    let missing = broker.requeue(task("default", "t2")).await;
    assert!(matches!(missing, Err(BrokerError::NotFound)), "{missing:?}");
}

#[tokio::test]
async fn reschedule_moves_an_active_task_back_to_scheduled() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    enqueue_and_take(&broker, "default", "t1").await;
    let at = in_secs(600);

    broker.reschedule(task("default", "t1"), at).await.unwrap();

    let state: String = redis.hget("asynq:{default}:t:t1", "state").unwrap();
    assert_eq!(state, "scheduled");
    let score: f64 = redis.zscore("asynq:{default}:scheduled", "t1").unwrap();
    assert_eq!(score as i64, unix_secs(at));
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:active").unwrap(), 0);
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:lease").unwrap(), 0);
    let again = broker.reschedule(task("default", "t1"), at).await;
    assert!(matches!(again, Err(BrokerError::NotFound)), "{again:?}");
}

/// A bad-signature refusal naming key `k1`, with the note of a read message.
fn note_of<'a>(rejection: &'a Rejection, raw: Option<&'a [u8]>) -> QuarantineNote<'a> {
    QuarantineNote {
        rejection,
        task_type: raw.map(|_| "email:send"),
        message_len: raw.map_or(0, <[u8]>::len),
        message: raw,
    }
}

#[tokio::test]
async fn quarantine_deletes_the_task_and_writes_one_stream_entry() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let garbage: &[u8] = b"\xff\xff\x00garbage";
    make_active(&mut redis, "bad", Some(garbage));
    let rejection = Rejection::new(Reason::BadSignature)
        .with_key("k1")
        .with_len(7);
    let before_ms = unix_secs(SystemTime::now()) * 1000;

    broker
        .quarantine(
            task("default", "bad"),
            &note_of(&rejection, Some(garbage)),
            &QuarantineLimits::default(),
        )
        .await
        .unwrap();

    assert_eq!(redis.exists::<_, i64>("asynq:{default}:t:bad").unwrap(), 0);
    for key in ["active", "lease", "archived"] {
        let key = format!("asynq:{{default}}:{key}");
        assert_eq!(redis.exists::<_, i64>(&key).unwrap(), 0, "{key}");
    }
    let entries = read_quarantine(&mut redis, "default");
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    let texts: Vec<(&str, String)> = ["task_id", "task_type", "reason", "error_msg", "key", "len"]
        .into_iter()
        .map(|name| (name, entry.text(name).unwrap_or_default()))
        .collect();
    assert_eq!(
        texts,
        [
            ("task_id", "bad".to_owned()),
            ("task_type", "email:send".to_owned()),
            ("reason", "bad_signature".to_owned()),
            (
                "error_msg",
                "vetted: reason=bad_signature key=k1 len=7".to_owned()
            ),
            ("key", "k1".to_owned()),
            ("len", garbage.len().to_string()),
        ]
    );
    assert_eq!(entry.fields["msg"], garbage);
    assert_eq!(entry.fields.len(), 7);
    let ms: i64 = entry.entry_id.split('-').next().unwrap().parse().unwrap();
    assert_between(ms, before_ms, before_ms + 3_000);
    let failed = format!("asynq:{{default}}:failed:{}", utc_today());
    assert_eq!(redis.get::<_, String>(&failed).unwrap(), "1");
    assert_eq!(
        redis.get::<_, String>("asynq:{default}:processed").unwrap(),
        "1"
    );
}

#[tokio::test]
async fn quarantine_of_a_hash_without_msg_counts_it_and_keeps_no_bytes() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    make_active(&mut redis, "stray", None);
    let _: () = redis
        .hset("asynq:{default}:t:stray", "result", "x")
        .unwrap();
    let rejection = Rejection::new(Reason::MalformedMessage);

    broker
        .quarantine(
            task("default", "stray"),
            &note_of(&rejection, None),
            &QuarantineLimits::default(),
        )
        .await
        .unwrap();

    assert_eq!(
        redis.exists::<_, i64>("asynq:{default}:t:stray").unwrap(),
        0
    );
    let entries = read_quarantine(&mut redis, "default");
    assert_eq!(entries.len(), 1);
    assert!(!entries[0].fields.contains_key("msg"));
    assert_eq!(
        redis.get::<_, String>("asynq:{default}:failed").unwrap(),
        "1"
    );
}

#[tokio::test]
async fn quarantine_of_an_id_without_hash_counts_nothing() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    make_active(&mut redis, "ghost", None);
    let rejection = Rejection::new(Reason::MalformedMessage);
    let note = note_of(&rejection, None);
    let limits = QuarantineLimits::default();

    broker
        .quarantine(task("default", "ghost"), &note, &limits)
        .await
        .unwrap();

    assert_eq!(
        redis.exists::<_, i64>("asynq:{default}:t:ghost").unwrap(),
        0
    );
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:active").unwrap(), 0);
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:lease").unwrap(), 0);
    let counters: Vec<String> = redis.keys("asynq:{default}:processed*").unwrap();
    assert!(counters.is_empty(), "{counters:?}");
    assert_eq!(read_quarantine(&mut redis, "default").len(), 1);
    let again = broker
        .quarantine(task("default", "ghost"), &note, &limits)
        .await;
    assert!(matches!(again, Err(BrokerError::NotFound)), "{again:?}");
    assert_eq!(read_quarantine(&mut redis, "default").len(), 1);
}

#[tokio::test]
async fn quarantine_into_a_key_of_another_type_changes_nothing() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    make_active(&mut redis, "bad", Some(b"garbage"));
    let _: () = redis
        .set(quarantine_key("default"), "not a stream")
        .unwrap();
    let rejection = Rejection::new(Reason::MalformedMessage);

    let result = broker
        .quarantine(
            task("default", "bad"),
            &note_of(&rejection, Some(b"garbage")),
            &QuarantineLimits::default(),
        )
        .await;

    assert!(
        matches!(result, Err(BrokerError::Unavailable(_))),
        "{result:?}"
    );
    let active: Vec<String> = redis.lrange("asynq:{default}:active", 0, -1).unwrap();
    assert_eq!(active, ["bad"], "the task stays active for a later attempt");
    assert_eq!(redis.exists::<_, i64>("asynq:{default}:t:bad").unwrap(), 1);
    let counters: Vec<String> = redis.keys("asynq:{default}:processed*").unwrap();
    assert!(counters.is_empty(), "{counters:?}");
}

#[tokio::test]
async fn quarantine_trims_entries_older_than_the_max_age() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    for i in 1..=300 {
        let _: String = redis::cmd("XADD")
            .arg(quarantine_key("default"))
            .arg(format!("1000-{i}"))
            .arg("task_id")
            .arg(format!("old-{i}"))
            .query(&mut redis)
            .unwrap();
    }
    make_active(&mut redis, "new", None);
    let rejection = Rejection::new(Reason::Unsigned);

    broker
        .quarantine(
            task("default", "new"),
            &note_of(&rejection, None),
            &QuarantineLimits::default(),
        )
        .await
        .unwrap();

    // MINID ~ drops whole stream nodes (at most 100 entries each) that are entirely
    // older than the cutoff, so at most one node of old entries may remain.
    let entries = read_quarantine(&mut redis, "default");
    assert!(entries.len() <= 101, "{} entries left", entries.len());
    assert_eq!(entries.last().unwrap().task_id(), "new");
}

#[tokio::test]
async fn extend_leases_moves_only_leases_that_exist() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    enqueue_and_take(&broker, "default", "t1").await;
    let until = in_secs(300);
    let ids = ["t1".to_owned(), "gone".to_owned()];

    broker.extend_leases("default", &ids, until).await.unwrap();
    broker.extend_leases("default", &[], until).await.unwrap();

    let score: f64 = redis.zscore("asynq:{default}:lease", "t1").unwrap();
    assert_eq!(score as i64, unix_secs(until));
    let gone: Option<f64> = redis.zscore("asynq:{default}:lease", "gone").unwrap();
    assert_eq!(gone, None);
}

#[tokio::test]
async fn forward_due_moves_due_tasks_to_pending() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let past = SystemTime::now() - Duration::from_secs(10);
    for i in 0..150 {
        let id = format!("s{i:03}");
        broker
            .enqueue(&message("default", &id), Some(in_secs(1)))
            .await
            .unwrap();
        let _: () = redis
            .zadd("asynq:{default}:scheduled", &id, unix_secs(past))
            .unwrap();
    }
    broker
        .enqueue(&message("default", "later"), Some(in_secs(3600)))
        .await
        .unwrap();
    let message = message("default", "r1");
    broker.enqueue(&message, None).await.unwrap();
    broker
        .dequeue(&["default".to_owned()], in_secs(30), 1 << 20)
        .await
        .unwrap();
    broker
        .retry(task("default", "r1"), &message.encode(), past, true)
        .await
        .unwrap();
    let before = now_nanos();

    let moved = broker
        .forward_due("default", SystemTime::now())
        .await
        .unwrap();

    assert_eq!(moved, 151);
    assert_eq!(
        redis.llen::<_, i64>("asynq:{default}:pending").unwrap(),
        151
    );
    assert_eq!(
        redis.zcard::<_, i64>("asynq:{default}:scheduled").unwrap(),
        1
    );
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:retry").unwrap(), 0);
    let state: String = redis.hget("asynq:{default}:t:r1", "state").unwrap();
    assert_eq!(state, "pending");
    let since: i64 = redis
        .hget("asynq:{default}:t:s042", "pending_since")
        .unwrap();
    assert_between(since, before, now_nanos());
}

#[tokio::test]
async fn forward_due_sends_grouped_tasks_to_their_group() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    broker
        .enqueue(&message("default", "g1"), Some(in_secs(60)))
        .await
        .unwrap();
    let _: () = redis
        .hset("asynq:{default}:t:g1", "group", "batch")
        .unwrap();
    let now = in_secs(120);

    assert_eq!(broker.forward_due("default", now).await.unwrap(), 1);

    let score: f64 = redis.zscore("asynq:{default}:g:batch", "g1").unwrap();
    assert_eq!(score as i64, unix_secs(now));
    let state: String = redis.hget("asynq:{default}:t:g1", "state").unwrap();
    assert_eq!(state, "aggregating");
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:pending").unwrap(), 0);
    assert_eq!(redis.exists::<_, i64>("asynq:{default}:groups").unwrap(), 0);
}

#[tokio::test]
async fn forward_due_drops_ids_without_a_hash() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let _: () = redis.zadd("asynq:{default}:retry", "ghost", 1).unwrap();

    assert_eq!(
        broker
            .forward_due("default", SystemTime::now())
            .await
            .unwrap(),
        1
    );

    assert_eq!(
        redis.exists::<_, i64>("asynq:{default}:t:ghost").unwrap(),
        0
    );
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:retry").unwrap(), 0);
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:pending").unwrap(), 0);
}

#[tokio::test]
async fn expired_leases_lists_tasks_past_the_cutoff_even_without_a_hash() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    broker
        .enqueue(&message("default", "late"), None)
        .await
        .unwrap();
    broker
        .enqueue(&message("default", "fresh"), None)
        .await
        .unwrap();
    let long_ago = SystemTime::now() - Duration::from_secs(120);
    broker
        .dequeue(&["default".to_owned()], long_ago, 1 << 20)
        .await
        .unwrap();
    broker
        .dequeue(&["default".to_owned()], in_secs(30), 1 << 20)
        .await
        .unwrap();
    make_active(&mut redis, "ghost", None);
    let cutoff = SystemTime::now() - Duration::from_secs(30);

    let mut expired = broker
        .expired_leases("default", cutoff, 1 << 20)
        .await
        .unwrap();

    expired.sort_by(|a, b| a.id.cmp(&b.id));
    let late = message("default", "late").encode();
    assert_eq!(
        expired,
        [
            ExpiredLease {
                id: "ghost".into(),
                message: None,
                len: 0,
            },
            ExpiredLease {
                id: "late".into(),
                len: late.len(),
                message: Some(late),
            },
        ]
    );
}

#[tokio::test]
async fn expired_leases_give_a_lease_to_an_active_id_without_one() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let _: () = redis.lpush("asynq:{default}:active", "leaseless").unwrap();
    let before = unix_secs(SystemTime::now());

    let now = broker
        .expired_leases(
            "default",
            SystemTime::now() - Duration::from_secs(30),
            1 << 20,
        )
        .await
        .unwrap();
    assert!(
        now.is_empty(),
        "not listed before the margin has passed: {now:?}"
    );

    let score: f64 = redis.zscore("asynq:{default}:lease", "leaseless").unwrap();
    assert_between(score as i64, before, unix_secs(SystemTime::now()));
    let later = broker
        .expired_leases("default", in_secs(60), 1 << 20)
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].id, "leaseless");
}

#[tokio::test]
async fn expired_leases_drop_a_lease_entry_whose_id_is_not_active() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    broker
        .enqueue(&message("default", "waiting"), None)
        .await
        .unwrap();
    let _: () = redis.zadd("asynq:{default}:lease", "waiting", 1).unwrap();
    let _: () = redis.zadd("asynq:{default}:lease", "nowhere", 1).unwrap();

    let expired = broker
        .expired_leases("default", SystemTime::now(), 1 << 20)
        .await
        .unwrap();

    assert!(expired.is_empty(), "{expired:?}");
    assert_eq!(redis.zcard::<_, i64>("asynq:{default}:lease").unwrap(), 0);
    assert_eq!(redis.llen::<_, i64>("asynq:{default}:pending").unwrap(), 1);
}

#[tokio::test]
async fn delete_expired_completed_removes_tasks_past_retention_in_batches() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let now = unix_secs(SystemTime::now());
    let mut fill = redis::pipe();
    for i in 0..250 {
        let id = format!("c{i:03}");
        fill.zadd("asynq:{default}:completed", &id, now - 1)
            .ignore();
        fill.hset(format!("asynq:{{default}}:t:{id}"), "state", "completed")
            .ignore();
    }
    fill.zadd("asynq:{default}:completed", "keep", now + 3600)
        .ignore();
    fill.hset("asynq:{default}:t:keep", "state", "completed")
        .ignore();
    let _: () = fill.query(&mut redis).unwrap();

    let deleted = broker
        .delete_expired_completed("default", SystemTime::now())
        .await
        .unwrap();

    assert_eq!(deleted, 250);
    let left: Vec<String> = redis.zrange("asynq:{default}:completed", 0, -1).unwrap();
    assert_eq!(left, ["keep"]);
    assert_eq!(redis.exists::<_, i64>("asynq:{default}:t:c000").unwrap(), 0);
    assert_eq!(redis.exists::<_, i64>("asynq:{default}:t:keep").unwrap(), 1);
}

fn server_state(started: SystemTime) -> ServerState {
    ServerState {
        host: "worker-host".into(),
        pid: 4321,
        server_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7".into(),
        concurrency: 8,
        queues: vec![("critical".into(), 6), ("default".into(), 3)],
        strict_priority: false,
        status: "active",
        started,
        workers: vec![ActiveTask {
            id: "t1".into(),
            type_name: "email:send".into(),
            queue: "default".into(),
            started,
            deadline: started + Duration::from_secs(1800),
        }],
    }
}

#[tokio::test]
async fn heartbeat_publishes_server_and_worker_info() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let started = SystemTime::now() - Duration::from_millis(1500);
    let state = server_state(started);
    let skey = "asynq:servers:{worker-host:4321:7c9e6679-7425-40de-944b-e07fc1f90ae7}";
    let wkey = "asynq:workers:{worker-host:4321:7c9e6679-7425-40de-944b-e07fc1f90ae7}";
    let now = unix_secs(SystemTime::now());

    broker
        .write_server_state(&state, Duration::from_secs(10))
        .await
        .unwrap();

    let score: f64 = redis.zscore("asynq:servers", skey).unwrap();
    assert_between(score as i64, now + 10, now + 11);
    let score: f64 = redis.zscore("asynq:workers", wkey).unwrap();
    assert_between(score as i64, now + 10, now + 11);
    assert_between(redis.ttl::<_, i64>(skey).unwrap(), 9, 10);
    assert_between(redis.ttl::<_, i64>(wkey).unwrap(), 9, 10);
    let info = ServerInfo::decode(&redis.get::<_, Vec<u8>>(skey).unwrap()).unwrap();
    let expected = ServerInfo {
        host: "worker-host".into(),
        pid: 4321,
        server_id: state.server_id.clone(),
        concurrency: 8,
        queues: [("critical".to_owned(), 6), ("default".to_owned(), 3)].into(),
        strict_priority: false,
        status: "active".into(),
        start_time: Some(Timestamp::from(started)),
        active_worker_count: 1,
    };
    assert_eq!(info, expected);
    let workers: HashMap<String, Vec<u8>> = redis.hgetall(wkey).unwrap();
    let worker = WorkerInfo::decode(&workers["t1"]).unwrap();
    assert_eq!(worker.task_type, "email:send");
    assert_eq!(worker.queue, "default");
    assert!(worker.task_payload.is_empty());
    assert_eq!(
        worker.deadline,
        Some(Timestamp::from(started + Duration::from_secs(1800)))
    );
}

#[tokio::test]
async fn heartbeat_replaces_workers_and_clears_on_shutdown() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let mut state = server_state(SystemTime::now());
    let skey = "asynq:servers:{worker-host:4321:7c9e6679-7425-40de-944b-e07fc1f90ae7}";
    let wkey = "asynq:workers:{worker-host:4321:7c9e6679-7425-40de-944b-e07fc1f90ae7}";
    broker
        .write_server_state(&state, Duration::from_secs(10))
        .await
        .unwrap();
    state.workers.clear();
    state.status = "stopped";

    broker
        .write_server_state(&state, Duration::from_secs(10))
        .await
        .unwrap();

    assert_eq!(redis.exists::<_, i64>(wkey).unwrap(), 0);
    let info = ServerInfo::decode(&redis.get::<_, Vec<u8>>(skey).unwrap()).unwrap();
    assert_eq!(
        (info.status.as_str(), info.active_worker_count),
        ("stopped", 0)
    );
    broker.clear_server_state(&state).await.unwrap();
    assert_eq!(redis.exists::<_, i64>(skey).unwrap(), 0);
    assert_eq!(redis.zcard::<_, i64>("asynq:servers").unwrap(), 0);
    assert_eq!(redis.zcard::<_, i64>("asynq:workers").unwrap(), 0);
}

#[tokio::test]
async fn task_message_reads_msg_or_nothing() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let message = message("default", "t1");
    broker.enqueue(&message, None).await.unwrap();

    assert_eq!(
        broker.task_message(task("default", "t1")).await.unwrap(),
        Some(message.encode())
    );
    assert_eq!(
        broker.task_message(task("default", "nope")).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn queue_stats_counts_each_state_and_today() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    for id in ["p1", "p2", "a1", "done", "fail"] {
        broker.enqueue(&message("default", id), None).await.unwrap();
    }
    broker
        .enqueue(&message("default", "s1"), Some(in_secs(3600)))
        .await
        .unwrap();
    let queues = ["default".to_owned()];
    for _ in 0..3 {
        broker.dequeue(&queues, in_secs(30), 1 << 20).await.unwrap();
    }
    broker.done(task("default", "p1"), "").await.unwrap();
    broker
        .archive(task("default", "p2"), &message("default", "p2").encode())
        .await
        .unwrap();

    let stats = broker.queue_stats("default").await.unwrap();

    assert_eq!(
        (
            stats.pending,
            stats.active,
            stats.scheduled,
            stats.retry,
            stats.archived
        ),
        (2, 1, 1, 0, 1)
    );
    assert_eq!(
        (stats.completed, stats.processed_today, stats.failed_today),
        (0, 2, 1)
    );
}
