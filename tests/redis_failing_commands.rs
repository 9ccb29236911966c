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
