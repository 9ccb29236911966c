//! Uniqueness locks, counters, queue statistics and heartbeats.

use std::time::{Duration, SystemTime};

use vetted::broker::{Broker, QueueStats};

use super::inspect::server_state;
use super::{
    Inspect, after, archive_rewritten, complete_rewritten, enqueue_now, message, retry_rewritten,
    rewritten, start, task,
};

/// The uniqueness lock key the suite uses for task `id` of `queue`.
fn lock_key(queue: &str, id: &str) -> String {
    format!("asynq:{{{queue}}}:unique:conformance:task:{id}")
}

/// Done releases the uniqueness lock when the lock holds the task's id.
pub async fn done_releases_the_unique_lock_it_holds<B: Broker + Inspect>(broker: &B) {
    let (queue, key) = ("unique-done", lock_key("unique-done", "t"));
    broker.set_unique_lock(&key, "t").await;
    start(broker, queue, "t").await;
    broker.done(task(queue, "t"), &key).await.unwrap();
    assert_eq!(broker.unique_lock(&key).await, None);
}

/// Done leaves alone a lock that now belongs to another task.
pub async fn done_keeps_a_unique_lock_held_by_another_task<B: Broker + Inspect>(broker: &B) {
    let (queue, key) = ("unique-other", lock_key("unique-other", "t"));
    broker.set_unique_lock(&key, "newer").await;
    start(broker, queue, "t").await;
    broker.done(task(queue, "t"), &key).await.unwrap();
    assert_eq!(broker.unique_lock(&key).await.as_deref(), Some("newer"));
}

/// A lock named outside the task's own queue is never released, even when it holds the
/// task's id. This is vetted's hardening, not asynq's behaviour: the name comes from the
/// message, and a forged one must not delete another queue's lock.
pub async fn success_leaves_a_lock_of_another_queue_alone<B: Broker + Inspect>(broker: &B) {
    let queue = "unique-foreign";
    let later = after(SystemTime::now(), 3600);
    for id in ["done", "complete"] {
        broker.set_unique_lock(&lock_key("elsewhere", id), id).await;
        start(broker, queue, id).await;
    }
    let foreign = lock_key("elsewhere", "done");
    broker.done(task(queue, "done"), &foreign).await.unwrap();
    let foreign = lock_key("elsewhere", "complete");
    complete_rewritten(broker, queue, "complete", later, &foreign).await;
    for id in ["done", "complete"] {
        let held = broker.unique_lock(&lock_key("elsewhere", id)).await;
        assert_eq!(held.as_deref(), Some(id));
    }
}

/// MarkAsComplete releases the lock the task holds.
pub async fn mark_complete_releases_the_unique_lock<B: Broker + Inspect>(broker: &B) {
    let (queue, key) = ("unique-complete", lock_key("unique-complete", "t"));
    broker.set_unique_lock(&key, "t").await;
    start(broker, queue, "t").await;
    let expires_at = after(SystemTime::now(), 3600);
    complete_rewritten(broker, queue, "t", expires_at, &key).await;
    assert_eq!(broker.unique_lock(&key).await, None);
}

/// Retry and archive keep the lock, as asynq does.
pub async fn retry_and_archive_keep_the_unique_lock<B: Broker + Inspect>(broker: &B) {
    let queue = "unique-kept";
    for id in ["retried", "archived"] {
        broker.set_unique_lock(&lock_key(queue, id), id).await;
        start(broker, queue, id).await;
    }
    let retry_at = after(SystemTime::now(), 600);
    retry_rewritten(broker, queue, "retried", retry_at, true).await;
    archive_rewritten(broker, queue, "archived").await;
    for id in ["retried", "archived"] {
        assert_eq!(
            broker.unique_lock(&lock_key(queue, id)).await.as_deref(),
            Some(id)
        );
    }
}

/// Processed and failed counters follow asynq's accounting table (protocol notes §6.3),
/// in total and for today.
pub async fn counters_follow_the_accounting_table<B: Broker + Inspect>(broker: &B) {
    let (queue, later) = ("counters", after(SystemTime::now(), 600));
    let steps: [(&str, (u64, u64)); 6] = [
        ("done", (1, 0)),
        ("complete", (2, 0)),
        ("retry-failure", (3, 1)),
        ("retry-not-failure", (3, 1)),
        ("archive", (4, 2)),
        ("requeue", (4, 2)),
    ];
    for (id, expected) in steps {
        start(broker, queue, id).await;
        let (target, bytes) = (task(queue, id), rewritten(queue, id));
        match id {
            "done" => broker.done(target, "").await,
            "complete" => broker.mark_complete(target, &bytes, later, "").await,
            "retry-failure" => broker.retry(target, &bytes, later, true).await,
            "retry-not-failure" => broker.retry(target, &bytes, later, false).await,
            "archive" => broker.archive(target, &bytes).await,
            _ => broker.requeue(target).await,
        }
        .unwrap();
        assert_eq!(broker.totals(queue).await, expected, "after {id}");
        let stats = broker.queue_stats(queue).await.unwrap();
        assert_eq!(
            (stats.processed_today, stats.failed_today),
            expected,
            "today, after {id}"
        );
    }
}

/// Queue statistics count the tasks in each state.
pub async fn queue_stats_count_each_state<B: Broker + Inspect>(broker: &B) {
    let (queue, later) = ("stats", after(SystemTime::now(), 600));
    for id in ["active", "retry", "archived", "completed"] {
        start(broker, queue, id).await;
    }
    retry_rewritten(broker, queue, "retry", later, false).await;
    archive_rewritten(broker, queue, "archived").await;
    complete_rewritten(broker, queue, "completed", later, "").await;
    enqueue_now(broker, queue, "pending").await;
    broker
        .enqueue(&message(queue, "scheduled"), Some(later))
        .await
        .unwrap();
    let stats = broker.queue_stats(queue).await.unwrap();
    let expected = QueueStats {
        pending: 1,
        active: 1,
        scheduled: 1,
        retry: 1,
        archived: 1,
        completed: 1,
        processed_today: 2,
        failed_today: 1,
    };
    assert_eq!(stats, expected);
    assert_eq!(
        broker.queue_stats("stats-unused").await.unwrap(),
        QueueStats::default()
    );
}

/// A heartbeat is visible once written and gone once cleared.
pub async fn heartbeat_is_written_and_cleared<B: Broker + Inspect>(broker: &B) {
    let state = server_state("conformance-server");
    assert!(!broker.has_server(&state).await);
    broker
        .write_server_state(&state, Duration::from_secs(10))
        .await
        .unwrap();
    assert!(broker.has_server(&state).await);
    broker.clear_server_state(&state).await.unwrap();
    assert!(!broker.has_server(&state).await);
}
