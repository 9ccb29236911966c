//! Stray copies of a task id in `pending`: dropped by dequeue while the task is held
//! elsewhere, with the holder left exactly as it was.

use std::time::SystemTime;

use vetted::broker::{Broker, Dequeued, HeldIn};

use super::{
    Inspect, after, dequeue_any, enqueue_now, message, only, rewritten, start, take, task,
};

/// What dequeue reports for a stray copy of `id` held in `held`.
fn duplicate(queue: &str, id: &str, held: HeldIn) -> Option<Dequeued> {
    Some(Dequeued::Duplicate {
        queue: queue.to_owned(),
        id: id.to_owned(),
        held,
    })
}

/// An id pushed twice runs once: the second copy, taken while the first is leased, is
/// dropped from `pending` without touching the holder's active entry, lease, state or
/// message, and the task queued behind it comes next. Each way the holder can finish
/// (done, retry, archive) still works afterwards and leaves no copy behind.
pub async fn duplicate_of_a_leased_task_is_dropped_and_the_holder_finishes<B: Broker + Inspect>(
    broker: &B,
) {
    let now = SystemTime::now();
    for outcome in ["done", "retry", "archive"] {
        let queue = &format!("dup-leased-{outcome}");
        enqueue_now(broker, queue, "t").await;
        broker.push_pending_id(queue, "t").await;
        enqueue_now(broker, queue, "next").await;
        assert_eq!(broker.list(queue, "pending").await, ["t", "t", "next"]);
        assert_eq!(take(broker, &only(queue)).await.0, "t");
        let lease = broker.score(queue, "lease", "t").await;
        assert!(lease.is_some(), "the holder is leased");

        let found = dequeue_any(broker, &only(queue)).await;
        assert_eq!(found, duplicate(queue, "t", HeldIn::Lease));
        assert_eq!(broker.list(queue, "pending").await, ["next"]);
        assert_eq!(broker.list(queue, "active").await, ["t"]);
        assert_eq!(broker.score(queue, "lease", "t").await, lease);
        assert_eq!(broker.state_of(queue, "t").await.as_deref(), Some("active"));
        assert_eq!(
            broker.task_message(task(queue, "t")).await.unwrap(),
            Some(message(queue, "t").encode())
        );
        assert_eq!(take(broker, &only(queue)).await.0, "next");

        finish(broker, queue, outcome, after(now, 600)).await;
        assert_eq!(broker.list(queue, "active").await, ["next"]);
        assert_eq!(broker.list(queue, "lease").await, ["next"]);
        assert_eq!(dequeue_any(broker, &only(queue)).await, None);
    }
}

/// Ends the active task `t` of `queue` by `outcome` and checks where it went.
async fn finish<B: Broker + Inspect>(broker: &B, queue: &str, outcome: &str, at: SystemTime) {
    let t = task(queue, "t");
    let bytes = rewritten(queue, "t");
    let (state, set) = match outcome {
        "done" => {
            broker.done(t, "").await.unwrap();
            assert_eq!(broker.state_of(queue, "t").await, None);
            assert_eq!(broker.totals(queue).await, (1, 0));
            return;
        }
        "retry" => {
            broker.retry(t, &bytes, at, true).await.unwrap();
            ("retry", "retry")
        }
        _ => {
            broker.archive(t, &bytes).await.unwrap();
            ("archived", "archived")
        }
    };
    assert_eq!(broker.state_of(queue, "t").await.as_deref(), Some(state));
    assert_eq!(broker.list(queue, set).await, ["t"]);
    assert_eq!(broker.task_message(t).await.unwrap(), Some(bytes));
    assert_eq!(broker.totals(queue).await, (1, 1));
}

/// A copy of an id pushed while its task waits in `scheduled` or `retry`, or has ended in
/// `archived` or `completed`, is dropped: the task keeps its set, score, state and
/// message, nothing becomes active or leased, and nothing is counted.
pub async fn stray_copy_of_a_waiting_or_ended_task_is_dropped<B: Broker + Inspect>(broker: &B) {
    let now = SystemTime::now();
    let at = after(now, 3600);
    for (held, set) in [
        (HeldIn::Scheduled, "scheduled"),
        (HeldIn::Retry, "retry"),
        (HeldIn::Archived, "archived"),
        (HeldIn::Completed, "completed"),
    ] {
        let queue = &format!("dup-{set}");
        let stored = place_in(broker, queue, held, at).await;
        let score = broker.score(queue, set, "t").await;
        assert!(score.is_some(), "t is in {set}");
        let totals = broker.totals(queue).await;
        broker.push_pending_id(queue, "t").await;

        assert_eq!(
            dequeue_any(broker, &only(queue)).await,
            duplicate(queue, "t", held)
        );
        assert_eq!(broker.list(queue, "pending").await, Vec::<String>::new());
        assert_eq!(broker.list(queue, "active").await, Vec::<String>::new());
        assert_eq!(broker.list(queue, "lease").await, Vec::<String>::new());
        assert_eq!(broker.list(queue, set).await, ["t"]);
        assert_eq!(broker.score(queue, set, "t").await, score);
        assert_eq!(broker.state_of(queue, "t").await.as_deref(), Some(set));
        assert_eq!(
            broker.task_message(task(queue, "t")).await.unwrap(),
            Some(stored)
        );
        assert_eq!(broker.totals(queue).await, totals);
        assert_eq!(dequeue_any(broker, &only(queue)).await, None);
    }
}

/// Puts task `t` of `queue` in the set `held` names, with `at` as its score (the
/// archive time is now), and returns the message it then holds.
async fn place_in<B: Broker + Inspect>(
    broker: &B,
    queue: &str,
    held: HeldIn,
    at: SystemTime,
) -> Vec<u8> {
    let t = task(queue, "t");
    let bytes = rewritten(queue, "t");
    match held {
        HeldIn::Scheduled => {
            broker
                .enqueue(&message(queue, "t"), Some(at))
                .await
                .unwrap();
            return message(queue, "t").encode();
        }
        HeldIn::Retry => {
            start(broker, queue, "t").await;
            broker.retry(t, &bytes, at, true).await.unwrap();
        }
        HeldIn::Archived => {
            start(broker, queue, "t").await;
            broker.archive(t, &bytes).await.unwrap();
        }
        _ => {
            start(broker, queue, "t").await;
            broker.mark_complete(t, &bytes, at, "").await.unwrap();
        }
    }
    bytes
}
