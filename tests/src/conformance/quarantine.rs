//! vetted's quarantine store: where tasks refused before their sender was proven go,
//! apart from asynq's archive.

use vetted::broker::{Broker, BrokerError, QuarantineLimits, QuarantineNote};
use vetted::reason::{Reason, Rejection};

use super::{Inspect, archive_rewritten, dequeue_any, only, start, task};

/// How far a Redis stream trimmed with `MAXLEN ~` may exceed its cap: Redis trims whole
/// stream nodes only, and a node holds up to 100 entries (`stream-node-max-entries`).
pub const STREAM_TRIM_SLACK: usize = 100;

/// A bad-signature refusal naming key `k1`.
fn forged() -> Rejection {
    Rejection::new(Reason::BadSignature)
        .with_key("k1")
        .with_len(12)
}

/// Quarantine takes the task out of `active` and the lease set, deletes its record,
/// counts a failure, leaves the archive alone and adds one entry with every field; a
/// second quarantine finds nothing.
pub async fn quarantine_deletes_the_task_and_records_an_entry<B: Broker + Inspect>(broker: &B) {
    let queue = "quarantine";
    start(broker, queue, "real").await;
    archive_rewritten(broker, queue, "real").await;
    let raw = b"\x0a\x04sendnot quite a message".to_vec();
    broker.push_raw_pending(queue, "bad", Some(&raw)).await;
    dequeue_any(broker, &only(queue)).await;
    let rejection = forged();
    let note = QuarantineNote {
        rejection: &rejection,
        task_type: Some("email:send"),
        message_len: raw.len(),
        message: Some(&raw),
    };
    let limits = QuarantineLimits::default();
    broker
        .quarantine(task(queue, "bad"), &note, &limits)
        .await
        .unwrap();
    assert_eq!(broker.state_of(queue, "bad").await, None);
    for key in [
        "pending",
        "active",
        "lease",
        "retry",
        "scheduled",
        "completed",
    ] {
        assert!(
            broker.list(queue, key).await.is_empty(),
            "{key} holds an id"
        );
    }
    assert_eq!(broker.list(queue, "archived").await, ["real"]);
    assert_eq!(broker.totals(queue).await, (2, 2));
    let list = broker.quarantined(queue, 10).await.unwrap();
    assert_eq!(list.len, 1);
    let entry = &list.entries[0];
    assert_eq!(entry.task_id, "bad");
    assert_eq!(entry.task_type.as_deref(), Some("email:send"));
    assert_eq!(entry.reason, "bad_signature");
    assert_eq!(
        entry.error_msg,
        "vetted: reason=bad_signature key=k1 len=12"
    );
    assert_eq!(entry.key_id.as_deref(), Some("k1"));
    assert_eq!(entry.message_len, raw.len());
    assert_eq!(entry.message.as_deref(), Some(&raw[..]));
    let age = entry.at.elapsed().unwrap_or_default();
    assert!(age.as_secs() < 60, "entry time {:?}", entry.at);
    let again = broker.quarantine(task(queue, "bad"), &note, &limits).await;
    assert!(matches!(again, Err(BrokerError::NotFound)), "got {again:?}");
    assert_eq!(broker.quarantined(queue, 10).await.unwrap().len, 1);
}

/// An id without a record leaves `active` and the lease set and is recorded, without a
/// type or message, but counts nothing.
pub async fn quarantine_of_an_id_without_record_counts_nothing<B: Broker + Inspect>(broker: &B) {
    let queue = "quarantine-dangling";
    broker.push_raw_pending(queue, "ghost", None).await;
    dequeue_any(broker, &only(queue)).await;
    let rejection = Rejection::new(Reason::MalformedMessage);
    let note = QuarantineNote {
        rejection: &rejection,
        task_type: None,
        message_len: 0,
        message: None,
    };
    broker
        .quarantine(task(queue, "ghost"), &note, &QuarantineLimits::default())
        .await
        .unwrap();
    for key in ["active", "lease", "archived", "pending"] {
        assert!(
            broker.list(queue, key).await.is_empty(),
            "{key} holds the id"
        );
    }
    assert_eq!(broker.state_of(queue, "ghost").await, None);
    assert_eq!(broker.totals(queue).await, (0, 0));
    let list = broker.quarantined(queue, 10).await.unwrap();
    assert_eq!(list.len, 1);
    let entry = &list.entries[0];
    assert_eq!(entry.task_id, "ghost");
    assert_eq!(entry.reason, "malformed_message");
    assert_eq!(entry.error_msg, "vetted: reason=malformed_message");
    assert_eq!(
        (entry.task_type.as_deref(), entry.key_id.as_deref()),
        (None, None)
    );
    assert_eq!((entry.message_len, entry.message.as_deref()), (0, None));
}

/// A message longer than the keep cap is recorded by its length only.
pub async fn quarantine_keeps_only_short_messages<B: Broker + Inspect>(broker: &B) {
    let queue = "quarantine-cap";
    let limits = QuarantineLimits {
        keep_message_bytes: 8,
        ..QuarantineLimits::default()
    };
    let rejection = Rejection::new(Reason::Unsigned);
    for (id, raw) in [("short", &b"12345678"[..]), ("long", &b"123456789"[..])] {
        broker.push_raw_pending(queue, id, Some(raw)).await;
        dequeue_any(broker, &only(queue)).await;
        let note = QuarantineNote {
            rejection: &rejection,
            task_type: None,
            message_len: raw.len(),
            message: Some(raw),
        };
        broker
            .quarantine(task(queue, id), &note, &limits)
            .await
            .unwrap();
    }
    let list = broker.quarantined(queue, 10).await.unwrap();
    let kept: Vec<(&str, usize, bool)> = list
        .entries
        .iter()
        .map(|e| (e.task_id.as_str(), e.message_len, e.message.is_some()))
        .collect();
    assert_eq!(kept, [("long", 9, false), ("short", 8, true)]);
}

/// The store stays within its cap (plus Redis's trim slack, see [`STREAM_TRIM_SLACK`]),
/// lists newest first and honours the count asked for.
pub async fn quarantine_store_is_bounded<B: Broker + Inspect>(broker: &B) {
    let queue = "quarantine-bounded";
    let limits = QuarantineLimits {
        max_entries: 5,
        ..QuarantineLimits::default()
    };
    let rejection = Rejection::new(Reason::Unsigned);
    let note = QuarantineNote {
        rejection: &rejection,
        task_type: None,
        message_len: 0,
        message: None,
    };
    for i in 0..8 {
        let id = format!("t{i}");
        broker.push_raw_pending(queue, &id, None).await;
        dequeue_any(broker, &only(queue)).await;
        broker
            .quarantine(task(queue, &id), &note, &limits)
            .await
            .unwrap();
    }
    let list = broker.quarantined(queue, 3).await.unwrap();
    assert!(
        (5..=5 + STREAM_TRIM_SLACK).contains(&list.len),
        "store holds {}",
        list.len
    );
    let ids: Vec<&str> = list.entries.iter().map(|e| e.task_id.as_str()).collect();
    assert_eq!(ids, ["t7", "t6", "t5"]);
    assert_eq!(broker.quarantined(queue, 0).await.unwrap().entries, []);
    assert_eq!(broker.quarantined("no-such-queue", 5).await.unwrap().len, 0);
}
