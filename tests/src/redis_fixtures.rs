//! Shared pieces of the Redis broker tests: a connected broker, sample messages, and
//! independent clock readings to compare stored scores with.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use vetted::broker::redis::RedisBroker;
use vetted::wire::TaskMessage;

use crate::redis_server::RedisServer;

/// A broker connected to `server`.
pub async fn broker(server: &RedisServer) -> RedisBroker {
    RedisBroker::connect(&server.url())
        .await
        .expect("connect the broker")
}

/// A task message as a Go client would enqueue it by default.
pub fn message(queue: &str, id: &str) -> TaskMessage {
    TaskMessage {
        type_name: "email:send".into(),
        payload: br#"{"to":"a@example.com"}"#.to_vec(),
        id: id.into(),
        queue: queue.into(),
        retry: 25,
        timeout: 1800,
        ..TaskMessage::default()
    }
}

/// Whole Unix seconds of `time`.
pub fn unix_secs(time: SystemTime) -> i64 {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    i64::try_from(secs).expect("in range")
}

/// Unix nanoseconds now.
pub fn now_nanos() -> i64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    i64::try_from(nanos).expect("in range")
}

/// Today's UTC date as `YYYY-MM-DD`, read from `date -u` rather than computed here.
pub fn utc_today() -> String {
    let output = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .expect("run date");
    String::from_utf8(output.stdout)
        .expect("ASCII date")
        .trim()
        .to_owned()
}

/// Asserts `value` lies in `low..=high`.
#[track_caller]
pub fn assert_between(value: i64, low: i64, high: i64) {
    assert!(
        (low..=high).contains(&value),
        "{value} not in {low}..={high}"
    );
}
