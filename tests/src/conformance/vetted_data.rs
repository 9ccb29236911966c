//! vetted's own data beside asynq's: completion markers of one-time tasks and the
//! counters every worker adds to.
//!
//! The counters are global to a broker, not per queue, so only these functions touch
//! them, each on the broker its test was given.

use std::time::Duration;

use vetted::broker::{Broker, CounterSnapshot, MAX_TRACKED_NAMES, OTHER_NAMES};

use super::{Inspect, start, task};

/// A marker is absent until recorded, belongs to one id of one queue, outlives the
/// task's record, and a second recording keeps the first marker and its TTL.
pub async fn completion_marker_is_per_task_and_kept_once<B: Broker + Inspect>(broker: &B) {
    let queue = "marker";
    let done = task(queue, "m1");
    start(broker, queue, "m1").await;
    assert!(!broker.is_completed(done).await.unwrap());
    broker
        .record_completion(done, Duration::from_secs(600))
        .await
        .unwrap();
    broker.done(done, "").await.unwrap();
    assert!(
        broker.is_completed(done).await.unwrap(),
        "outlives the task"
    );
    assert!(!broker.is_completed(task(queue, "m2")).await.unwrap());
    assert!(
        !broker
            .is_completed(task("marker-other", "m1"))
            .await
            .unwrap()
    );
    broker
        .record_completion(done, Duration::from_secs(5))
        .await
        .unwrap();
    let ttl = broker.marker_ttl(queue, "m1").await.expect("a marker");
    assert!(
        ttl > Duration::from_secs(590) && ttl <= Duration::from_secs(600),
        "the first marker stays: {ttl:?}"
    );
}

/// A TTL is rounded up to whole seconds, a zero TTL records nothing, and the marker is
/// gone once its TTL has run out.
pub async fn completion_marker_expires_with_its_ttl<B: Broker + Inspect>(broker: &B) {
    let queue = "marker-ttl";
    broker
        .record_completion(task(queue, "zero"), Duration::ZERO)
        .await
        .unwrap();
    assert!(!broker.is_completed(task(queue, "zero")).await.unwrap());
    assert_eq!(broker.marker_ttl(queue, "zero").await, None);
    let short = task(queue, "short");
    broker
        .record_completion(short, Duration::from_millis(200))
        .await
        .unwrap();
    assert!(broker.is_completed(short).await.unwrap());
    let ttl = broker.marker_ttl(queue, "short").await.expect("a marker");
    assert!(
        ttl > Duration::from_millis(500) && ttl <= Duration::from_secs(1),
        "200 ms rounds up to one second: {ttl:?}"
    );
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert!(!broker.is_completed(short).await.unwrap());
    assert_eq!(broker.marker_ttl(queue, "short").await, None);
}

/// Counts added by several workers add up name by name and read back whole.
pub async fn shared_counters_add_up<B: Broker + Inspect>(broker: &B) {
    assert_eq!(broker.counters().await.unwrap(), CounterSnapshot::default());
    let mut first = CounterSnapshot::default();
    first.rejected.insert("bad_signature".into(), 2);
    first.rejected_by_key.insert("old".into(), 2);
    first.verified_by_key.insert("new".into(), 5);
    let mut second = CounterSnapshot::default();
    second.rejected.insert("unsigned".into(), 1);
    second.rejected.insert("bad_signature".into(), 1);
    second.verified_by_key.insert("new".into(), 1);
    second.verified_by_key.insert("old".into(), 4);
    broker.add_counters(&first).await.unwrap();
    broker.add_counters(&second).await.unwrap();
    broker
        .add_counters(&CounterSnapshot::default())
        .await
        .unwrap();
    let mut expected = first;
    expected.add(&second);
    assert_eq!(expected.rejected["bad_signature"], 3);
    assert_eq!(broker.counters().await.unwrap(), expected);
}

/// Each counter map holds at most `MAX_TRACKED_NAMES` names; counts for further names
/// go to `OTHER_NAMES`, while names already present keep counting.
pub async fn shared_counters_bound_the_names<B: Broker + Inspect>(broker: &B) {
    let mut forged = CounterSnapshot::default();
    for i in 0..MAX_TRACKED_NAMES + 40 {
        forged.rejected_by_key.insert(format!("forged-{i:04}"), 1);
    }
    broker.add_counters(&forged).await.unwrap();
    let mut later = CounterSnapshot::default();
    later.rejected_by_key.insert("forged-0000".into(), 1);
    later.rejected_by_key.insert("another".into(), 3);
    broker.add_counters(&later).await.unwrap();
    let counts = broker.counters().await.unwrap().rejected_by_key;
    assert_eq!(counts.len(), MAX_TRACKED_NAMES + 1);
    assert_eq!(counts[OTHER_NAMES], 43);
    assert_eq!(counts["forged-0000"], 2);
    assert!(!counts.contains_key("another"));
}
