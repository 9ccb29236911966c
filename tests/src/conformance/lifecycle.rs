//! Enqueue, dequeue and the outcomes a worker reports.

use std::time::SystemTime;

use vetted::broker::{Broker, BrokerError};

use super::{
    Inspect, after, archive_rewritten, dequeue_any, enqueue_now, message, only, retry_rewritten,
    rewritten, start, take, task, unix_secs,
};

/// Tasks of one queue come out in the order they went in, with their bytes intact, and
/// end up active and leased.
pub async fn enqueue_then_dequeue_is_fifo<B: Broker + Inspect>(broker: &B) {
    let queue = "fifo";
    for id in ["a", "b", "c"] {
        enqueue_now(broker, queue, id).await;
    }
    assert_eq!(broker.list(queue, "pending").await, ["a", "b", "c"]);
    for id in ["a", "b", "c"] {
        assert_eq!(
            take(broker, &only(queue)).await,
            (id.to_owned(), message(queue, id).encode())
        );
        assert_eq!(broker.state_of(queue, id).await.as_deref(), Some("active"));
    }
    assert_eq!(broker.list(queue, "active").await, ["a", "b", "c"]);
    assert_eq!(broker.list(queue, "lease").await.len(), 3);
    assert_eq!(dequeue_any(broker, &only(queue)).await, None);
}

/// Dequeue takes from the first listed queue that has a task.
pub async fn dequeue_tries_queues_in_the_given_order<B: Broker + Inspect>(broker: &B) {
    enqueue_now(broker, "order-low", "low").await;
    enqueue_now(broker, "order-high", "high").await;
    let order = ["order-empty", "order-high", "order-low"].map(str::to_owned);
    assert_eq!(take(broker, &order).await.0, "high");
    assert_eq!(take(broker, &order).await.0, "low");
    assert_eq!(dequeue_any(broker, &order).await, None);
    assert_eq!(dequeue_any(broker, &[]).await, None);
}

/// An id already used in the queue, even by an archived task, is refused; the same id
/// in another queue is a different task.
pub async fn duplicate_id_conflicts<B: Broker + Inspect>(broker: &B) {
    let queue = "duplicate";
    start(broker, queue, "dup").await;
    archive_rewritten(broker, queue, "dup").await;
    let again = broker.enqueue(&message(queue, "dup"), None).await;
    assert!(
        matches!(again, Err(BrokerError::TaskIdConflict)),
        "got {again:?}"
    );
    assert_eq!(broker.list(queue, "pending").await, Vec::<String>::new());
    assert_eq!(
        broker.task_message(task(queue, "dup")).await.unwrap(),
        Some(rewritten(queue, "dup"))
    );
    enqueue_now(broker, "duplicate-other", "dup").await;
}

/// Every enqueue registers its queue.
pub async fn enqueue_registers_the_queue<B: Broker + Inspect>(broker: &B) {
    let future = after(SystemTime::now(), 3600);
    enqueue_now(broker, "registered-now", "t").await;
    broker
        .enqueue(&message("registered-later", "t"), Some(future))
        .await
        .unwrap();
    let queues = broker.queues().await;
    assert!(
        queues.iter().any(|queue| queue == "registered-now"),
        "{queues:?}"
    );
    assert!(
        queues.iter().any(|queue| queue == "registered-later"),
        "{queues:?}"
    );
}

/// A task for later is scheduled, not dequeued, until forwarded when due; a task whose
/// time has passed is pending at once.
pub async fn scheduled_task_waits_until_forwarded<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("scheduled", SystemTime::now());
    let at = after(now, 600);
    broker
        .enqueue(&message(queue, "later"), Some(at))
        .await
        .unwrap();
    assert_eq!(
        broker.state_of(queue, "later").await.as_deref(),
        Some("scheduled")
    );
    assert_eq!(
        broker.score(queue, "scheduled", "later").await,
        Some(unix_secs(at))
    );
    assert_eq!(dequeue_any(broker, &only(queue)).await, None);
    assert_eq!(broker.forward_due(queue, now).await.unwrap(), 0);
    assert_eq!(broker.forward_due(queue, after(now, 601)).await.unwrap(), 1);
    assert_eq!(
        broker.state_of(queue, "later").await.as_deref(),
        Some("pending")
    );
    assert_eq!(take(broker, &only(queue)).await.0, "later");
    let past = now - std::time::Duration::from_secs(5);
    broker
        .enqueue(&message(queue, "overdue"), Some(past))
        .await
        .unwrap();
    assert_eq!(broker.list(queue, "pending").await, ["overdue"]);
}

/// Forwarding moves due tasks earliest first, scheduled before retry, and leaves the rest.
pub async fn forward_moves_earliest_due_first<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("forward", SystemTime::now());
    start(broker, queue, "retried").await;
    retry_rewritten(broker, queue, "retried", after(now, 50), true).await;
    for (id, secs) in [("second", 200), ("first", 100), ("not-due", 900)] {
        broker
            .enqueue(&message(queue, id), Some(after(now, secs)))
            .await
            .unwrap();
    }
    assert_eq!(broker.forward_due(queue, after(now, 300)).await.unwrap(), 3);
    assert_eq!(
        broker.list(queue, "pending").await,
        ["first", "second", "retried"]
    );
    assert_eq!(broker.list(queue, "scheduled").await, ["not-due"]);
}

/// Done deletes the task and its lease; a second Done finds nothing.
pub async fn done_deletes_the_task<B: Broker + Inspect>(broker: &B) {
    let queue = "done";
    start(broker, queue, "t").await;
    broker.done(task(queue, "t"), "").await.unwrap();
    assert_eq!(broker.state_of(queue, "t").await, None);
    assert_eq!(broker.task_message(task(queue, "t")).await.unwrap(), None);
    assert!(broker.list(queue, "active").await.is_empty());
    assert!(broker.list(queue, "lease").await.is_empty());
    let again = broker.done(task(queue, "t"), "").await;
    assert!(matches!(again, Err(BrokerError::NotFound)), "got {again:?}");
}

/// MarkAsComplete keeps the new message in `completed` until its expiry, after which the
/// janitor deletes it.
pub async fn mark_complete_keeps_the_task_until_the_janitor<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("complete", SystemTime::now());
    start(broker, queue, "t").await;
    let expires_at = after(now, 3600);
    let completed = rewritten(queue, "t");
    broker
        .mark_complete(task(queue, "t"), &completed, expires_at, "")
        .await
        .unwrap();
    assert_eq!(
        broker.state_of(queue, "t").await.as_deref(),
        Some("completed")
    );
    assert_eq!(
        broker.score(queue, "completed", "t").await,
        Some(unix_secs(expires_at))
    );
    assert_eq!(
        broker.task_message(task(queue, "t")).await.unwrap(),
        Some(completed)
    );
    assert!(broker.list(queue, "active").await.is_empty());
    assert_eq!(
        broker.delete_expired_completed(queue, now).await.unwrap(),
        0
    );
    assert_eq!(
        broker
            .delete_expired_completed(queue, after(now, 3601))
            .await
            .unwrap(),
        1
    );
    assert_eq!(broker.state_of(queue, "t").await, None);
    assert!(broker.list(queue, "completed").await.is_empty());
}

/// Retry stores the rewritten message, waits in `retry`, and is forwarded when due.
pub async fn retry_waits_then_forwards_to_pending<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("retry", SystemTime::now());
    start(broker, queue, "t").await;
    let retry_at = after(now, 600);
    broker
        .retry(task(queue, "t"), &rewritten(queue, "t"), retry_at, true)
        .await
        .unwrap();
    assert_eq!(broker.state_of(queue, "t").await.as_deref(), Some("retry"));
    assert_eq!(
        broker.score(queue, "retry", "t").await,
        Some(unix_secs(retry_at))
    );
    assert!(broker.list(queue, "lease").await.is_empty());
    assert_eq!(broker.forward_due(queue, now).await.unwrap(), 0);
    assert_eq!(broker.forward_due(queue, after(now, 601)).await.unwrap(), 1);
    assert_eq!(
        take(broker, &only(queue)).await,
        ("t".to_owned(), rewritten(queue, "t"))
    );
}

/// Archive keeps the message the worker wrote, error text included.
pub async fn archive_stores_the_failed_message<B: Broker + Inspect>(broker: &B) {
    let queue = "archive";
    start(broker, queue, "t").await;
    broker
        .archive(task(queue, "t"), &rewritten(queue, "t"))
        .await
        .unwrap();
    assert_eq!(
        broker.state_of(queue, "t").await.as_deref(),
        Some("archived")
    );
    assert_eq!(broker.list(queue, "archived").await, ["t"]);
    assert_eq!(
        broker.task_message(task(queue, "t")).await.unwrap(),
        Some(rewritten(queue, "t"))
    );
    assert!(broker.list(queue, "active").await.is_empty());
    assert!(broker.list(queue, "lease").await.is_empty());
}

/// Requeue puts an active task back where it is dequeued next, ahead of older tasks.
pub async fn requeue_puts_the_task_next<B: Broker + Inspect>(broker: &B) {
    let queue = "requeue";
    start(broker, queue, "interrupted").await;
    enqueue_now(broker, queue, "waiting").await;
    broker.requeue(task(queue, "interrupted")).await.unwrap();
    assert_eq!(
        broker.state_of(queue, "interrupted").await.as_deref(),
        Some("pending")
    );
    assert_eq!(
        broker.list(queue, "pending").await,
        ["interrupted", "waiting"]
    );
    assert!(broker.list(queue, "lease").await.is_empty());
    assert_eq!(take(broker, &only(queue)).await.0, "interrupted");
    assert_eq!(broker.totals(queue).await, (0, 0));
}

/// Reschedule moves an active task to `scheduled` at the given time, counting nothing.
pub async fn reschedule_moves_the_task_back_to_scheduled<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("reschedule", SystemTime::now());
    start(broker, queue, "early").await;
    let at = after(now, 600);
    broker.reschedule(task(queue, "early"), at).await.unwrap();
    assert_eq!(
        broker.state_of(queue, "early").await.as_deref(),
        Some("scheduled")
    );
    assert_eq!(
        broker.score(queue, "scheduled", "early").await,
        Some(unix_secs(at))
    );
    assert!(broker.list(queue, "active").await.is_empty());
    assert_eq!(broker.totals(queue).await, (0, 0));
    assert_eq!(broker.forward_due(queue, after(now, 601)).await.unwrap(), 1);
    assert_eq!(
        take(broker, &only(queue)).await,
        ("early".to_owned(), message(queue, "early").encode())
    );
}

/// Outcomes for a task that is not active fail with `NotFound` and change nothing.
pub async fn outcomes_of_a_task_not_active_fail_not_found<B: Broker + Inspect>(broker: &B) {
    let (queue, later) = ("not-active", after(SystemTime::now(), 60));
    enqueue_now(broker, queue, "t").await;
    let bytes = rewritten(queue, "t");
    for target in [
        task(queue, "t"),
        task(queue, "ghost"),
        task("no-such-queue", "t"),
    ] {
        let results = [
            broker.done(target, "").await,
            broker.mark_complete(target, &bytes, later, "").await,
            broker.retry(target, &bytes, later, true).await,
            broker.archive(target, &bytes).await,
            broker.requeue(target).await,
            broker.reschedule(target, later).await,
        ];
        for result in results {
            assert!(
                matches!(result, Err(BrokerError::NotFound)),
                "{target:?}: {result:?}"
            );
        }
    }
    assert_eq!(broker.list(queue, "pending").await, ["t"]);
    assert_eq!(
        broker.state_of(queue, "t").await.as_deref(),
        Some("pending")
    );
    assert_eq!(broker.totals(queue).await, (0, 0));
}
