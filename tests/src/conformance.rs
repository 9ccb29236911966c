//! A conformance suite for [`Broker`] implementations.
//!
//! Each public async function checks one behaviour of asynq's Redis semantics against a
//! broker that also implements [`Inspect`], a read-and-plant view of its storage. The
//! [`conformance_suite!`](crate::conformance_suite) macro turns every function into a
//! `#[tokio::test]` for one broker, so each broker runs the same list.
//!
//! Functions use their own queue names, so brokers sharing one store do not interfere.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use vetted::broker::{Broker, Dequeued, TaskRef};
use vetted::wire::TaskMessage;

mod accounting;
mod duplicates;
mod inspect;
mod lifecycle;
mod quarantine;
mod upkeep;
mod vetted_data;

pub use accounting::*;
pub use duplicates::*;
pub use inspect::Inspect;
pub use lifecycle::*;
pub use quarantine::*;
pub use upkeep::*;
pub use vetted_data::*;

/// Lease length used by the suite, like asynq's 30 s.
const LEASE: Duration = Duration::from_secs(30);

/// A task message for `id` in `queue`, with the defaults an asynq client writes.
pub fn message(queue: &str, id: &str) -> TaskMessage {
    TaskMessage {
        type_name: "conformance:task".to_owned(),
        payload: format!("{{\"id\":\"{id}\"}}").into_bytes(),
        id: id.to_owned(),
        queue: queue.to_owned(),
        retry: 25,
        timeout: 1800,
        ..TaskMessage::default()
    }
}

/// The bytes a worker writes back after a failure of `id`: error text, retry count and
/// payload all differ from [`message`], so a broker that kept the old bytes is caught.
pub fn rewritten(queue: &str, id: &str) -> Vec<u8> {
    let mut failed = message(queue, id);
    failed.payload = format!("{{\"id\":\"{id}\",\"rewritten\":true}}").into_bytes();
    failed.retried = 1;
    failed.error_msg = "boom".to_owned();
    failed.last_failed_at = 1_767_225_600;
    failed.encode()
}

/// Whole Unix seconds of `time`, the unit of asynq's sorted-set scores.
pub fn unix_secs(time: SystemTime) -> i64 {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// `base` moved `secs` seconds later.
fn after(base: SystemTime, secs: u64) -> SystemTime {
    base + Duration::from_secs(secs)
}

/// The one-element queue list `[queue]`.
fn only(queue: &str) -> Vec<String> {
    vec![queue.to_owned()]
}

/// A reference to task `id` of `queue`.
fn task<'a>(queue: &'a str, id: &'a str) -> TaskRef<'a> {
    TaskRef { queue, id }
}

/// Enqueues task `id` in `queue` for now.
async fn enqueue_now<B: Broker>(broker: &B, queue: &str, id: &str) {
    broker
        .enqueue(&message(queue, id), None)
        .await
        .expect("enqueue");
}

/// Dequeues from `queues` with the suite's lease and no size cap.
async fn dequeue_any<B: Broker>(broker: &B, queues: &[String]) -> Option<Dequeued> {
    let lease_until = SystemTime::now() + LEASE;
    broker
        .dequeue(queues, lease_until, usize::MAX)
        .await
        .expect("dequeue")
}

/// Dequeues from `queues` and returns the task's id and message, failing unless a
/// readable task came.
async fn take<B: Broker>(broker: &B, queues: &[String]) -> (String, Vec<u8>) {
    match dequeue_any(broker, queues).await {
        Some(Dequeued::Task { id, message, .. }) => (id, message),
        other => panic!("expected a task from {queues:?}, got {other:?}"),
    }
}

/// Enqueues task `id` in `queue` for now and dequeues it, so that it is active.
async fn start<B: Broker>(broker: &B, queue: &str, id: &str) {
    broker
        .enqueue(&message(queue, id), None)
        .await
        .expect("enqueue");
    let (taken, _) = take(broker, &only(queue)).await;
    assert_eq!(taken, id, "dequeued the wrong task");
}

/// Retries active task `id` of `queue` with its [`rewritten`] bytes, due at `at`;
/// `failure` says whether it counts as a failed attempt.
async fn retry_rewritten<B: Broker>(
    broker: &B,
    queue: &str,
    id: &str,
    at: SystemTime,
    failure: bool,
) {
    broker
        .retry(task(queue, id), &rewritten(queue, id), at, failure)
        .await
        .expect("retry");
}

/// Archives active task `id` of `queue` with its [`rewritten`] bytes.
async fn archive_rewritten<B: Broker>(broker: &B, queue: &str, id: &str) {
    broker
        .archive(task(queue, id), &rewritten(queue, id))
        .await
        .expect("archive");
}

/// Marks active task `id` of `queue` complete with its [`rewritten`] bytes, kept until
/// `expires_at`; `lock` names the uniqueness lock to release (empty for none).
async fn complete_rewritten<B: Broker>(
    broker: &B,
    queue: &str,
    id: &str,
    expires_at: SystemTime,
    lock: &str,
) {
    broker
        .mark_complete(task(queue, id), &rewritten(queue, id), expires_at, lock)
        .await
        .expect("mark complete");
}

/// Defines one `#[tokio::test]` per conformance function, each running it against the
/// broker `$broker` builds (an expression evaluated inside each test, so it may `.await`).
#[macro_export]
macro_rules! conformance_suite {
    ($broker:expr) => {
        $crate::conformance_suite!(@tests $broker;
            enqueue_then_dequeue_is_fifo,
            dequeue_tries_queues_in_the_given_order,
            duplicate_id_conflicts,
            enqueue_registers_the_queue,
            scheduled_task_waits_until_forwarded,
            forward_moves_earliest_due_first,
            done_deletes_the_task,
            mark_complete_keeps_the_task_until_the_janitor,
            retry_waits_then_forwards_to_pending,
            archive_stores_the_failed_message,
            requeue_puts_the_task_next,
            reschedule_moves_the_task_back_to_scheduled,
            outcomes_of_a_task_not_active_fail_not_found,
            extend_leases_moves_the_expiry,
            expired_leases_respect_the_cutoff,
            expired_leases_measure_before_reading,
            oversize_message_is_leased_unread,
            dangling_id_is_leased_without_message,
            duplicate_of_a_leased_task_is_dropped_and_the_holder_finishes,
            stray_copy_of_a_waiting_or_ended_task_is_dropped,
            quarantine_deletes_the_task_and_records_an_entry,
            quarantine_of_an_id_without_record_counts_nothing,
            quarantine_keeps_only_short_messages,
            quarantine_store_is_bounded,
            forward_drops_a_due_id_without_record,
            requeue_and_reschedule_create_no_record,
            done_releases_the_unique_lock_it_holds,
            done_keeps_a_unique_lock_held_by_another_task,
            mark_complete_releases_the_unique_lock,
            success_leaves_a_lock_of_another_queue_alone,
            retry_and_archive_keep_the_unique_lock,
            counters_follow_the_accounting_table,
            queue_stats_count_each_state,
            heartbeat_is_written_and_cleared,
            completion_marker_is_per_task_and_kept_once,
            completion_marker_expires_with_its_ttl,
            shared_counters_add_up,
            shared_counters_bound_the_names,
        );
    };
    (@tests $broker:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let broker = $broker;
                $crate::conformance::$name(&broker).await;
            }
        )*
    };
}
