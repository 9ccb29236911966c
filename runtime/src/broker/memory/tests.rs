//! Behaviour specific to the memory broker; the shared semantics are covered by the
//! conformance suite in the `vetted-tests` crate.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{MemoryBroker, TaskState};
use crate::broker::{Broker, BrokerError, Dequeued, QuarantineLimits, QuarantineNote, TaskRef};
use crate::reason::{Reason, Rejection};

const START: u64 = 1_767_268_800; // 2026-01-01 12:00 UTC
const DAY: Duration = Duration::from_secs(86_400);

/// A broker whose clock only moves when the test moves it.
fn broker_with_clock() -> (MemoryBroker, Arc<Mutex<SystemTime>>) {
    let now = Arc::new(Mutex::new(UNIX_EPOCH + Duration::from_secs(START)));
    let clock = Arc::clone(&now);
    let broker = MemoryBroker::with_clock(move || *clock.lock().unwrap());
    (broker, now)
}

fn advance(clock: &Mutex<SystemTime>, by: Duration) {
    *clock.lock().unwrap() += by;
}

fn lease_until() -> SystemTime {
    SystemTime::now() + Duration::from_secs(30)
}

fn queues(name: &str) -> Vec<String> {
    vec![name.to_owned()]
}

/// Plants `id` as pending with `msg` and dequeues it.
async fn activate(broker: &MemoryBroker, queue: &str, id: &str, msg: &[u8]) {
    broker.push_raw_pending(queue, id, Some(msg.to_vec()));
    let taken = broker
        .dequeue(&queues(queue), lease_until(), usize::MAX)
        .await
        .unwrap();
    assert!(matches!(taken, Some(Dequeued::Task { .. })));
}

#[tokio::test]
async fn archive_deletes_tasks_older_than_ninety_days() {
    let (broker, clock) = broker_with_clock();
    activate(&broker, "q", "old", b"old").await;
    broker
        .archive(
            TaskRef {
                queue: "q",
                id: "old",
            },
            b"old",
        )
        .await
        .unwrap();
    advance(&clock, 90 * DAY + Duration::from_secs(1));
    activate(&broker, "q", "new", b"new").await;
    broker
        .archive(
            TaskRef {
                queue: "q",
                id: "new",
            },
            b"new",
        )
        .await
        .unwrap();
    assert_eq!(broker.ids("q", TaskState::Archived), ["new"]);
    assert_eq!(broker.state_of("q", "old"), None);
}

#[tokio::test]
async fn archive_keeps_the_newest_9999_tasks() {
    let (broker, clock) = broker_with_clock();
    for n in 0..10_000 {
        let id = format!("t{n:05}");
        activate(&broker, "q", &id, b"m").await;
        broker
            .archive(
                TaskRef {
                    queue: "q",
                    id: &id,
                },
                b"m",
            )
            .await
            .unwrap();
        advance(&clock, Duration::from_secs(1));
    }
    let archived = broker.ids("q", TaskState::Archived);
    assert_eq!(archived.len(), 9_999);
    assert_eq!(archived.first().map(String::as_str), Some("t00001"));
    assert_eq!(broker.state_of("q", "t00000"), None);
    assert_eq!(broker.totals("q").failed, 10_000);
}

#[tokio::test]
async fn quarantine_trims_exactly_by_count_and_age() {
    let (broker, clock) = broker_with_clock();
    let rejection = Rejection::new(Reason::Unsigned);
    let note = QuarantineNote {
        rejection: &rejection,
        task_type: None,
        message_len: 1,
        message: Some(b"x"),
    };
    let limits = QuarantineLimits {
        max_entries: 3,
        keep_message_bytes: 16,
        max_age: Duration::from_secs(60),
    };
    for i in 0..5 {
        let id = format!("t{i}");
        activate(&broker, "q", &id, b"\xff").await;
        let task = TaskRef {
            queue: "q",
            id: &id,
        };
        broker.quarantine(task, &note, &limits).await.unwrap();
    }
    let list = broker.quarantined("q", 10).await.unwrap();
    assert_eq!(list.len, 3);
    let ids: Vec<&str> = list.entries.iter().map(|e| e.task_id.as_str()).collect();
    assert_eq!(ids, ["t4", "t3", "t2"]);
    let entry_ids: Vec<&str> = list.entries.iter().map(|e| e.entry_id.as_str()).collect();
    assert_eq!(
        entry_ids,
        ["1767268800000-4", "1767268800000-3", "1767268800000-2"]
    );
    advance(&clock, Duration::from_secs(61));
    activate(&broker, "q", "late", b"\xff").await;
    let task = TaskRef {
        queue: "q",
        id: "late",
    };
    broker.quarantine(task, &note, &limits).await.unwrap();
    let list = broker.quarantined("q", 10).await.unwrap();
    assert_eq!(list.len, 1, "entries over a minute old are trimmed");
    assert_eq!(list.entries[0].entry_id, "1767268861000-0");
}

#[tokio::test]
async fn mark_complete_of_a_task_not_active_is_not_found_before_completed() {
    let broker = MemoryBroker::new();
    let task = TaskRef {
        queue: "q",
        id: "t",
    };
    broker.push_raw_pending("q", "t", Some(b"m".to_vec()));
    broker.store().queue_mut("q").completed.add("t", 0);
    let later = SystemTime::now() + DAY;
    let result = broker.mark_complete(task, b"m", later, "").await;
    assert!(matches!(result, Err(BrokerError::NotFound)), "{result:?}");
}

#[tokio::test]
async fn unique_locks_expire_with_their_ttl() {
    let (broker, clock) = broker_with_clock();
    assert!(broker.set_unique_lock("k", "a", Duration::from_secs(10)));
    assert!(!broker.set_unique_lock("k", "b", Duration::from_secs(10)));
    advance(&clock, Duration::from_secs(10));
    assert_eq!(broker.unique_lock("k"), None);
    assert!(broker.set_unique_lock("k", "b", Duration::from_secs(10)));
    assert_eq!(broker.unique_lock("k").as_deref(), Some("b"));
}

#[tokio::test]
async fn heartbeats_expire_with_their_ttl() {
    let (broker, clock) = broker_with_clock();
    let state = crate::broker::ServerState {
        host: "h".into(),
        pid: 1,
        server_id: "s".into(),
        concurrency: 1,
        queues: vec![("q".into(), 1)],
        strict_priority: false,
        status: "active",
        started: SystemTime::now(),
        workers: Vec::new(),
    };
    broker
        .write_server_state(&state, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(broker.servers(), std::slice::from_ref(&state));
    advance(&clock, Duration::from_secs(10));
    assert!(broker.servers().is_empty());
}

#[tokio::test]
async fn huge_times_and_ttls_do_not_panic() {
    let broker = MemoryBroker::new();
    broker.push_raw_pending("q", "t", Some(b"m".to_vec()));
    let far = UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 1_000);
    broker.dequeue(&queues("q"), far, 0).await.unwrap();
    broker
        .extend_leases("q", &["t".to_owned()], far)
        .await
        .unwrap();
    assert!(
        broker
            .expired_leases("q", UNIX_EPOCH, usize::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(broker.set_unique_lock("k", "t", Duration::MAX));
    assert_eq!(broker.unique_lock("k").as_deref(), Some("t"));
}

#[tokio::test]
async fn a_poisoned_lock_is_taken_over() {
    let broker = MemoryBroker::new();
    broker.push_raw_pending("q", "t", Some(b"m".to_vec()));
    let clone = broker.clone();
    let panicked = std::thread::spawn(move || {
        let _guard = clone.store();
        panic!("poison the lock");
    })
    .join();
    assert!(panicked.is_err());
    assert_eq!(broker.len("q", TaskState::Pending), 1);
    assert!(
        broker
            .dequeue(&queues("q"), lease_until(), 10)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn clones_share_state_and_clear_empties_it() {
    let broker = MemoryBroker::new();
    let clone = broker.clone();
    clone.push_raw_pending("q", "t", Some(b"m".to_vec()));
    assert_eq!(broker.ids("q", TaskState::Pending), ["t"]);
    broker.clear();
    assert_eq!(clone.len("q", TaskState::Pending), 0);
    assert!(clone.queues().is_empty());
}

#[tokio::test]
async fn snapshots_follow_the_order_tasks_leave_in() {
    let broker = MemoryBroker::new();
    for id in ["a", "b", "c"] {
        broker.push_raw_pending("q", id, Some(id.as_bytes().to_vec()));
    }
    let ids: Vec<_> = broker
        .tasks("q", TaskState::Pending)
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let lease = lease_until();
    broker.dequeue(&queues("q"), lease, 10).await.unwrap();
    let active = broker.tasks("q", TaskState::Active);
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].state, TaskState::Active);
    assert_eq!(
        active[0].score,
        Some(super::time::from_unix_secs(super::time::unix_secs(lease)))
    );
}

#[tokio::test]
async fn an_active_id_without_lease_gets_one_when_leases_are_listed() {
    let (broker, clock) = broker_with_clock();
    activate(&broker, "q", "t", b"m").await;
    broker.store().queue_mut("q").lease.remove("t");
    let now = *clock.lock().unwrap();
    let earlier = now - Duration::from_secs(1);

    let before_margin = broker.expired_leases("q", earlier, usize::MAX).await;
    assert!(before_margin.unwrap().is_empty());
    let unread = broker.expired_leases("q", now, 0).await.unwrap();
    let read = broker.expired_leases("q", now, 1).await.unwrap();

    assert_eq!((unread[0].message.as_deref(), unread[0].len), (None, 1));
    assert_eq!(read[0].message.as_deref(), Some(&b"m"[..]));
}

#[tokio::test]
async fn an_expired_lease_of_an_id_that_is_not_active_is_dropped() {
    let (broker, clock) = broker_with_clock();
    broker.push_raw_pending("q", "waiting", Some(b"m".to_vec()));
    broker.store().queue_mut("q").lease.add("waiting", 0);
    let now = *clock.lock().unwrap();

    let listed = broker.expired_leases("q", now, usize::MAX).await.unwrap();

    assert!(listed.is_empty());
    assert!(!broker.store().queue_mut("q").lease.contains("waiting"));
}
