//! Leases, recovery and the handling of tasks a worker cannot read.

use std::time::SystemTime;

use vetted::broker::{Broker, Dequeued, ExpiredLease};

use super::{Inspect, after, dequeue_any, enqueue_now, message, only, start, task, unix_secs};

/// Extending leases moves the expiry of leased ids and adds no lease for other ids.
pub async fn extend_leases_moves_the_expiry<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("extend", SystemTime::now());
    start(broker, queue, "t").await;
    assert_eq!(
        broker
            .expired_leases(queue, after(now, 60), usize::MAX)
            .await
            .unwrap()
            .len(),
        1
    );
    let until = after(now, 300);
    let ids = ["t", "ghost"].map(str::to_owned);
    broker.extend_leases(queue, &ids, until).await.unwrap();
    assert_eq!(
        broker.score(queue, "lease", "t").await,
        Some(unix_secs(until))
    );
    assert_eq!(broker.list(queue, "lease").await, ["t"]);
    assert!(
        broker
            .expired_leases(queue, after(now, 60), usize::MAX)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Expired leases are those ending at or before the cutoff, earliest first, each with
/// its message.
pub async fn expired_leases_respect_the_cutoff<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("expired", SystemTime::now());
    for (id, lease_secs) in [("late", 100), ("early", 10)] {
        enqueue_now(broker, queue, id).await;
        broker
            .dequeue(&only(queue), after(now, lease_secs), usize::MAX)
            .await
            .unwrap();
    }
    let expired = |id: &str| ExpiredLease {
        id: id.to_owned(),
        message: Some(message(queue, id).encode()),
        len: message(queue, id).encode().len(),
    };
    assert!(
        broker
            .expired_leases(queue, after(now, 9), usize::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        broker
            .expired_leases(queue, after(now, 50), usize::MAX)
            .await
            .unwrap(),
        [expired("early")]
    );
    let both = broker
        .expired_leases(queue, after(now, 100), usize::MAX)
        .await
        .unwrap();
    assert_eq!(both, [expired("early"), expired("late")]);
}

/// A message over the cap is reported by length, unread, and the task is leased.
pub async fn oversize_message_is_leased_unread<B: Broker + Inspect>(broker: &B) {
    let queue = "oversize";
    let mut big = message(queue, "big");
    big.payload = vec![b'x'; 4096];
    broker.enqueue(&big, None).await.unwrap();
    let lease = after(SystemTime::now(), 30);
    let found = broker.dequeue(&only(queue), lease, 1024).await.unwrap();
    let expected = Dequeued::Oversize {
        queue: queue.to_owned(),
        id: "big".to_owned(),
        len: big.encode().len(),
    };
    assert_eq!(found, Some(expected));
    assert_eq!(
        broker.state_of(queue, "big").await.as_deref(),
        Some("active")
    );
    assert_eq!(broker.list(queue, "active").await, ["big"]);
    assert_eq!(broker.list(queue, "lease").await, ["big"]);
}

/// Recovery measures a message before reading it: one over the cap is listed by length.
pub async fn expired_leases_measure_before_reading<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("measured", SystemTime::now());
    let mut big = message(queue, "big");
    big.payload = vec![b'x'; 4096];
    broker.enqueue(&big, None).await.unwrap();
    broker
        .dequeue(&only(queue), after(now, 10), usize::MAX)
        .await
        .unwrap();
    let len = big.encode().len();
    let listed = |cap| broker.expired_leases(queue, after(now, 60), cap);
    let unread = ExpiredLease {
        id: "big".to_owned(),
        message: None,
        len,
    };
    assert_eq!(listed(1024).await.unwrap(), [unread]);
    let read = listed(len).await.unwrap();
    assert_eq!(read[0].message.as_deref(), Some(&big.encode()[..]));
}

/// An id with no record is reported as dangling and leased; recovery sees no message.
pub async fn dangling_id_is_leased_without_message<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("dangling", SystemTime::now());
    broker.push_raw_pending(queue, "ghost", None).await;
    let found = dequeue_any(broker, &only(queue)).await;
    assert_eq!(
        found,
        Some(Dequeued::Dangling {
            queue: queue.to_owned(),
            id: "ghost".to_owned()
        })
    );
    assert_eq!(broker.list(queue, "active").await, ["ghost"]);
    assert_eq!(broker.list(queue, "lease").await, ["ghost"]);
    let expired = broker
        .expired_leases(queue, after(now, 60), usize::MAX)
        .await
        .unwrap();
    assert_eq!(
        expired,
        [ExpiredLease {
            id: "ghost".to_owned(),
            message: None,
            len: 0,
        }]
    );
    assert_eq!(dequeue_any(broker, &only(queue)).await, None);
}

/// A due id whose record is gone leaves `scheduled` and `retry` without reaching
/// `pending`, and no record is created for it; the count includes it.
pub async fn forward_drops_a_due_id_without_record<B: Broker + Inspect>(broker: &B) {
    let (queue, now) = ("forward-dangling", SystemTime::now());
    for (id, secs) in [("gone", 50), ("kept", 100)] {
        broker
            .enqueue(&message(queue, id), Some(after(now, secs)))
            .await
            .unwrap();
    }
    broker.remove_record(queue, "gone").await;
    assert_eq!(broker.forward_due(queue, after(now, 200)).await.unwrap(), 2);
    assert_eq!(broker.list(queue, "pending").await, ["kept"]);
    assert!(broker.list(queue, "scheduled").await.is_empty());
    assert_eq!(broker.state_of(queue, "gone").await, None);
}

/// Requeue and reschedule move an id without record like any active id, creating no
/// record for it.
pub async fn requeue_and_reschedule_create_no_record<B: Broker + Inspect>(broker: &B) {
    let (queue, at) = ("send-back-dangling", after(SystemTime::now(), 600));
    let dangling = Some(Dequeued::Dangling {
        queue: queue.to_owned(),
        id: "ghost".to_owned(),
    });
    broker.push_raw_pending(queue, "ghost", None).await;
    assert_eq!(dequeue_any(broker, &only(queue)).await, dangling);
    broker.requeue(task(queue, "ghost")).await.unwrap();
    assert_eq!(broker.list(queue, "pending").await, ["ghost"]);
    assert_eq!(broker.state_of(queue, "ghost").await, None);
    assert_eq!(dequeue_any(broker, &only(queue)).await, dangling);
    broker.reschedule(task(queue, "ghost"), at).await.unwrap();
    assert_eq!(broker.list(queue, "scheduled").await, ["ghost"]);
    assert_eq!(broker.state_of(queue, "ghost").await, None);
}
