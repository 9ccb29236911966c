//! RedisBroker against a real redis-server: how dequeue tells a stray copy of an id from
//! a task it may take, in the cases only raw Redis writes can set up (the conformance
//! suite covers the leased, scheduled, retry, archived and completed ones on both brokers).

use std::time::{Duration, SystemTime};

use redis::Commands;
use vetted::broker::redis::RedisBroker;
use vetted::broker::{Broker, Dequeued, HeldIn, TaskRef};
use vetted_tests::redis_fixtures::{broker, message};
use vetted_tests::redis_server::RedisServer;

const PENDING: &str = "asynq:{default}:pending";
const ACTIVE: &str = "asynq:{default}:active";
const LEASE: &str = "asynq:{default}:lease";

async fn dequeue(broker: &RedisBroker) -> Option<Dequeued> {
    let lease_until = SystemTime::now() + Duration::from_secs(30);
    broker
        .dequeue(&["default".to_owned()], lease_until, 1 << 20)
        .await
        .unwrap()
}

fn duplicate(id: &str, held: HeldIn) -> Option<Dequeued> {
    Some(Dequeued::Duplicate {
        queue: "default".into(),
        id: id.into(),
        held,
    })
}

/// Enqueues `id` and takes it, so that it is active and leased.
async fn start(broker: &RedisBroker, id: &str) {
    broker.enqueue(&message("default", id), None).await.unwrap();
    assert!(matches!(dequeue(broker).await, Some(Dequeued::Task { .. })));
}

fn list(redis: &mut redis::Connection, key: &str) -> Vec<String> {
    redis.lrange(key, 0, -1).unwrap()
}

/// A running task whose lease entry was lost (asynq#1144) is still held by its `active`
/// entry: a stray copy is dropped, the one active entry stays, and no lease is made up
/// for it (lease recovery does that).
#[tokio::test]
async fn a_copy_of_an_active_task_without_lease_is_dropped() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    start(&broker, "t").await;
    let _: () = redis.zrem(LEASE, "t").unwrap();
    let _: () = redis.lpush(PENDING, "t").unwrap();

    assert_eq!(dequeue(&broker).await, duplicate("t", HeldIn::Active));

    assert_eq!(list(&mut redis, ACTIVE), ["t"]);
    assert!(list(&mut redis, PENDING).is_empty());
    let lease: Option<f64> = redis.zscore(LEASE, "t").unwrap();
    assert_eq!(lease, None);
    let state: String = redis.hget("asynq:{default}:t:t", "state").unwrap();
    assert_eq!(state, "active");
}

/// A task waiting in its aggregation group set is held there.
#[tokio::test]
async fn a_copy_of_a_task_in_its_group_is_dropped() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    let hash = "asynq:{default}:t:g1";
    let _: () = redis
        .hset_multiple(
            hash,
            &[
                ("msg", message("default", "g1").encode()),
                ("state", b"aggregating".to_vec()),
                ("group", b"batch".to_vec()),
            ],
        )
        .unwrap();
    let _: () = redis.zadd("asynq:{default}:g:batch", "g1", 1).unwrap();
    let _: () = redis.lpush(PENDING, "g1").unwrap();

    assert_eq!(dequeue(&broker).await, duplicate("g1", HeldIn::Aggregating));

    let state: String = redis.hget(hash, "state").unwrap();
    assert_eq!(state, "aggregating");
    let member: Option<f64> = redis.zscore("asynq:{default}:g:batch", "g1").unwrap();
    assert_eq!(member, Some(1.0));
    assert!(list(&mut redis, ACTIVE).is_empty());
}

/// What decides is where the id is listed, not the hash's `state`: a copy is dropped
/// even when someone rewrote the state to `pending`, and a task moved by hand out of its
/// set (its state left stale) or a hash with no state field at all is taken as usual, so
/// that the worker's checks, not dequeue, decide what happens to it.
#[tokio::test]
async fn the_listing_decides_not_the_state_field() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    let mut redis = server.connection();
    start(&broker, "waiting").await;
    let later = SystemTime::now() + Duration::from_secs(3600);
    let raw = message("default", "waiting").encode();
    broker
        .retry(
            TaskRef {
                queue: "default",
                id: "waiting",
            },
            &raw,
            later,
            true,
        )
        .await
        .unwrap();
    let _: () = redis
        .hset("asynq:{default}:t:waiting", "state", "pending")
        .unwrap();
    let _: () = redis.lpush(PENDING, "waiting").unwrap();
    assert_eq!(dequeue(&broker).await, duplicate("waiting", HeldIn::Retry));

    let future = SystemTime::now() + Duration::from_secs(3600);
    broker
        .enqueue(&message("default", "moved"), Some(future))
        .await
        .unwrap();
    let _: () = redis.zrem("asynq:{default}:scheduled", "moved").unwrap();
    let _: () = redis.lpush(PENDING, "moved").unwrap();
    let _: () = redis
        .hset(
            "asynq:{default}:t:stateless",
            "msg",
            message("default", "stateless").encode(),
        )
        .unwrap();
    let _: () = redis.lpush(PENDING, "stateless").unwrap();

    for id in ["moved", "stateless"] {
        match dequeue(&broker).await {
            Some(Dequeued::Task { id: taken, .. }) => assert_eq!(taken, id),
            other => panic!("expected {id} to be taken, got {other:?}"),
        }
        let state: String = redis
            .hget(format!("asynq:{{default}}:t:{id}"), "state")
            .unwrap();
        assert_eq!(state, "active");
    }
    assert_eq!(list(&mut redis, ACTIVE), ["stateless", "moved"]);
}
