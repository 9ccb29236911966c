//! The worker pipeline on the in-memory broker: what reaches a handler, what is refused
//! with which reason, and how each outcome is recorded.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use vetted::broker::memory::TaskState;
use vetted::broker::{Broker, TaskRef};
use vetted::client::EnqueueOptions;
use vetted::reason::{Disposition, Reason};
use vetted::signing::KeyRing;
use vetted::worker::{BuildError, Outcome, Worker};
use vetted_tests::fixtures::{Probe, Rig, probe, probe_json, process_next, signed_message};

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

async fn run_one(rig: &Rig) -> Outcome {
    process_next(&rig.worker()).await
}

/// Asserts `outcome` is a refusal with reason `code`, recorded where the reason sends it
/// (archive after verification, quarantine before), and returns its error text.
fn refused_with(outcome: &Outcome, code: &str) -> String {
    let quarantines = Reason::from_code(code)
        .expect("a reason code")
        .after_retries()
        == Disposition::Quarantine;
    match outcome {
        Outcome::Archived { error } if !quarantines => check_error(error, code),
        Outcome::Quarantined { error } if quarantines => check_error(error, code),
        other => panic!("expected a refusal with {code}, got {other:?}"),
    }
}

fn check_error(error: &str, code: &str) -> String {
    assert!(
        error.starts_with(&format!("vetted: reason={code}")),
        "{error}"
    );
    error.to_owned()
}

#[tokio::test]
async fn a_signed_task_reaches_its_handler_and_is_deleted() {
    let rig = Rig::new();
    let info = rig
        .client
        .enqueue(&Probe::new("first", "ok"))
        .await
        .unwrap();
    assert_eq!(run_one(&rig).await, Outcome::Completed);
    assert_eq!(rig.calls.labels(), ["first"]);
    let stored = rig
        .broker
        .task_message(TaskRef {
            queue: "default",
            id: &info.id,
        })
        .await
        .unwrap();
    assert!(stored.is_none(), "done deletes the task");
}

#[tokio::test]
async fn a_tampered_payload_is_quarantined_without_running() {
    let rig = Rig::new();
    let mut message = signed_message(&rig.keyring, &probe_json("good", "ok"), |_| {});
    message.payload = probe_json("evil", "ok");
    rig.plant(&message).await;
    let error = refused_with(&run_one(&rig).await, "bad_signature");
    assert!(!error.contains("evil"), "no payload in the error: {error}");
    assert!(rig.calls.labels().is_empty());
    let task = TaskRef {
        queue: "default",
        id: &message.id,
    };
    assert_eq!(rig.broker.task_message(task).await.unwrap(), None);
    let list = rig.broker.quarantined("default", 1).await.unwrap();
    assert_eq!(list.entries[0].task_id, message.id);
    assert_eq!(list.entries[0].error_msg, error);
    assert_eq!(list.entries[0].message, Some(message.encode()));
}

#[tokio::test]
async fn a_task_moved_to_another_type_or_queue_fails_its_mac() {
    let rig = Rig::new();
    let mut moved = signed_message(&rig.keyring, &probe_json("a", "ok"), |_| {});
    moved.queue = "critical".to_owned();
    rig.plant(&moved).await;
    let worker = rig
        .builder()
        .configure(|c| c.queues = vec![("critical".to_owned(), 1)])
        .build()
        .unwrap();
    let outcome = worker.process_one().await.unwrap().unwrap().outcome;
    refused_with(&outcome, "bad_signature");
}

#[tokio::test]
async fn an_unsigned_task_is_quarantined() {
    let rig = Rig::new();
    let mut message = signed_message(&rig.keyring, &probe_json("a", "ok"), |_| {});
    message.headers.clear();
    rig.plant(&message).await;
    refused_with(&run_one(&rig).await, "unsigned");
    assert!(rig.calls.labels().is_empty());
}

#[tokio::test]
async fn a_type_the_worker_lists_as_unsigned_runs_without_a_signature() {
    let rig = Rig::new();
    let mut message = signed_message(&rig.keyring, &probe_json("plain", "ok"), |_| {});
    message.headers.clear();
    rig.plant(&message).await;
    let worker = rig
        .builder()
        .configure(|c| c.unsigned_types = vec!["test:probe".to_owned()])
        .build()
        .unwrap();
    assert_eq!(
        worker.process_one().await.unwrap().unwrap().outcome,
        Outcome::Completed
    );
    assert_eq!(rig.calls.labels(), ["plain"]);
}

#[tokio::test]
async fn a_malformed_signature_header_is_quarantined() {
    let rig = Rig::new();
    let mut message = signed_message(&rig.keyring, &probe_json("a", "ok"), |_| {});
    message
        .headers
        .insert(vetted::signing::HEADER.to_owned(), "v1:garbage".to_owned());
    rig.plant(&message).await;
    refused_with(&run_one(&rig).await, "malformed_signature");
}

#[tokio::test]
async fn an_unknown_key_is_retried_a_bounded_number_of_times() {
    let rig = Rig::new();
    let stranger = KeyRing::ephemeral("other-key");
    rig.plant(&signed_message(&stranger, &probe_json("a", "ok"), |_| {}))
        .await;
    match run_one(&rig).await {
        Outcome::Retried { error } => assert!(
            error.contains("reason=unknown_key key=other-key"),
            "{error}"
        ),
        other => panic!("expected a retry, got {other:?}"),
    }
    let mut exhausted = signed_message(&stranger, &probe_json("b", "ok"), |_| {});
    exhausted.retried = 3;
    rig.plant(&exhausted).await;
    refused_with(&run_one(&rig).await, "unknown_key");
    assert!(rig.calls.labels().is_empty());
}

#[tokio::test]
async fn an_expired_task_is_archived() {
    let rig = Rig::new();
    let message = signed_message(&rig.keyring, &probe_json("a", "ok"), |c| {
        c.issued_at = now_secs() - 7200;
        c.expires_at = now_secs() - 3600;
    });
    rig.plant(&message).await;
    refused_with(&run_one(&rig).await, "expired");
}

#[tokio::test]
async fn a_task_delivered_before_its_time_goes_back_to_scheduled() {
    let rig = Rig::new();
    let message = signed_message(&rig.keyring, &probe_json("a", "ok"), |c| {
        c.not_before = now_secs() + 3600
    });
    rig.plant(&message).await;
    assert_eq!(run_one(&rig).await, Outcome::Rescheduled);
    assert_eq!(
        rig.broker.queue_stats("default").await.unwrap().scheduled,
        1
    );
    assert!(rig.calls.labels().is_empty());
}

#[tokio::test]
async fn a_payload_signed_for_another_schema_version_is_archived() {
    let rig = Rig::new();
    rig.plant(&signed_message(&rig.keyring, &probe_json("a", "ok"), |c| {
        c.schema_version = 2
    }))
    .await;
    refused_with(&run_one(&rig).await, "schema_version");
}

#[tokio::test]
async fn signed_payloads_that_are_not_strict_json_of_the_type_are_archived() {
    let bad: [(&[u8], &str); 5] = [
        (
            br#"{"label":"a","action":"ok","is_admin":true}"#,
            "json=data:unknown_field@1:37",
        ),
        (
            br#"{"label":"a","label":"b","action":"ok"}"#,
            "json=data:duplicate_field@1:20",
        ),
        (
            br#"{"label":"a","action":"ok"} trailing"#,
            "json=syntax@1:29",
        ),
        (br#"{"label":1,"action":"ok"}"#, "json=data:wrong_type@1:10"),
        (
            b"\xef\xbb\xbf{\"label\":\"a\",\"action\":\"ok\"}",
            "json=syntax@1:1",
        ),
    ];
    for (payload, problem) in bad {
        let rig = Rig::new();
        rig.plant(&signed_message(&rig.keyring, payload, |_| {}))
            .await;
        let worker = rig.worker();
        let processed = worker.process_one().await.unwrap().unwrap();
        let error = refused_with(&processed.outcome, "decode_error");
        assert!(error.contains(" key=test-key "), "{error}");
        assert!(error.ends_with(problem), "{error}, expected {problem}");
        assert!(rig.calls.labels().is_empty());
        let counters = worker.counters();
        assert_eq!(counters.rejected_by_key.get("test-key"), Some(&1));
        assert_eq!(counters.verified_by_key.get("test-key"), Some(&1));
    }
}

#[tokio::test]
async fn a_signed_payload_that_breaks_a_rule_is_archived_with_its_field() {
    let rig = Rig::new();
    let long_label = "x".repeat(40);
    rig.plant(&signed_message(
        &rig.keyring,
        &probe_json(&long_label, "ok"),
        |_| {},
    ))
    .await;
    let error = refused_with(&run_one(&rig).await, "validation_error");
    assert!(error.contains("fields=label:length"), "{error}");
    assert!(error.contains(" key=test-key "), "{error}");
    assert!(
        !error.contains(&long_label),
        "no value in the error: {error}"
    );
}

#[tokio::test]
async fn a_handler_error_is_retried_with_backoff_and_headers_kept() {
    let rig = Rig::new();
    let mut message = signed_message(&rig.keyring, &probe_json("a", "fail"), |_| {});
    message
        .headers
        .insert("trace-id".to_owned(), "abc".to_owned());
    rig.plant(&message).await;
    assert_eq!(
        run_one(&rig).await,
        Outcome::Retried {
            error: "probe failed".to_owned()
        }
    );
    let stored = rig.message("default", &message.id).await;
    assert_eq!(stored.retried, 1);
    assert_eq!(stored.error_msg, "probe failed");
    assert!(stored.last_failed_at > 0);
    assert_eq!(stored.headers, message.headers, "headers survive a retry");
    assert_eq!(rig.broker.queue_stats("default").await.unwrap().retry, 1);
}

#[tokio::test]
async fn skip_retry_archives_and_revoke_deletes() {
    let rig = Rig::new();
    rig.client.enqueue(&Probe::new("s", "skip")).await.unwrap();
    assert_eq!(
        run_one(&rig).await,
        Outcome::Archived {
            error: "probe gave up".to_owned()
        }
    );
    let info = rig
        .client
        .enqueue(&Probe::new("r", "revoke"))
        .await
        .unwrap();
    assert_eq!(run_one(&rig).await, Outcome::Revoked);
    assert!(
        rig.broker
            .task_message(TaskRef {
                queue: "default",
                id: &info.id
            })
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_panic_is_an_error_whose_text_is_not_stored() {
    let rig = Rig::new();
    rig.client.enqueue(&Probe::new("p", "panic")).await.unwrap();
    assert_eq!(
        run_one(&rig).await,
        Outcome::Retried {
            error: "vetted: handler panicked".to_owned()
        }
    );
}

#[tokio::test]
async fn a_handler_past_its_timeout_is_cancelled_and_retried() {
    let rig = Rig::new();
    rig.client
        .enqueue(&Probe::new("slow", "sleep"))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        run_one(&rig).await,
        Outcome::Retried {
            error: "context deadline exceeded".to_owned()
        }
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn retries_are_bounded_by_the_signed_limit_not_the_stored_one() {
    let rig = Rig::new();
    let mut message = signed_message(&rig.keyring, &probe_json("a", "fail"), |c| c.max_retry = 0);
    message.retry = 25;
    rig.plant(&message).await;
    assert_eq!(
        run_one(&rig).await,
        Outcome::Archived {
            error: "probe failed".to_owned()
        }
    );
}

#[tokio::test]
async fn retention_keeps_a_completed_task() {
    let rig = Rig::new();
    let options = EnqueueOptions::default().retention(Duration::from_secs(600));
    let info = rig
        .client
        .enqueue_with(&Probe::new("kept", "ok"), options)
        .await
        .unwrap();
    assert_eq!(run_one(&rig).await, Outcome::Completed);
    assert!(rig.message("default", &info.id).await.completed_at > 0);
    assert_eq!(
        rig.broker.queue_stats("default").await.unwrap().completed,
        1
    );
}

#[tokio::test]
async fn shutdown_requeues_a_task_that_outlives_the_timeout() {
    let rig = Rig::new();
    let info = rig
        .client
        .enqueue(&Probe::new("long", "sleep"))
        .await
        .unwrap();
    let worker = rig
        .builder()
        .configure(|c| {
            c.shutdown_timeout = Duration::from_millis(200);
            c.poll_interval = Duration::from_millis(20);
        })
        .build()
        .unwrap();
    let shutdown = async {
        while rig.calls.labels().is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), worker.run(shutdown))
        .await
        .expect("worker stops in time");
    let stats = rig.broker.queue_stats("default").await.unwrap();
    assert_eq!((stats.pending, stats.active), (1, 0));
    assert_eq!(
        rig.message("default", &info.id).await.retried,
        0,
        "a requeue is not a retry"
    );
}

#[tokio::test]
async fn the_producer_refuses_invalid_values() {
    let rig = Rig::new();
    let err = rig.client.enqueue(&Probe::new("", "ok")).await.unwrap_err();
    assert!(err.to_string().contains("label:length"), "{err}");
    assert_eq!(rig.broker.queue_stats("default").await.unwrap().pending, 0);
}

#[tokio::test]
async fn a_duplicate_task_id_is_a_typed_error() {
    let rig = Rig::new();
    let options = || EnqueueOptions::default().task_id("same-id");
    rig.client
        .enqueue_with(&Probe::new("a", "ok"), options())
        .await
        .unwrap();
    let err = rig
        .client
        .enqueue_with(&Probe::new("b", "ok"), options())
        .await
        .unwrap_err();
    assert!(
        matches!(err, vetted::client::EnqueueError::DuplicateTaskId),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_worker_refuses_to_start_without_what_handlers_need() {
    let rig = Rig::new();
    let no_state = Worker::builder(rig.broker.clone())
        .handler::<probe>()
        .shared_keyring(rig.keyring.clone());
    assert!(matches!(no_state.build(), Err(BuildError::MissingState(_))));
    let no_keys = Worker::builder(rig.broker.clone())
        .handler::<probe>()
        .state(rig.calls.clone());
    assert!(matches!(no_keys.build(), Err(BuildError::NoKeyRing)));
    let twice = rig.builder().handler::<probe>();
    assert!(matches!(
        twice.build(),
        Err(BuildError::DuplicateTaskType(_))
    ));
}

#[tokio::test]
async fn counters_record_refusals_by_reason_and_verifications_by_key() {
    let rig = Rig::new();
    rig.client.enqueue(&Probe::new("a", "ok")).await.unwrap();
    let mut unsigned = signed_message(&rig.keyring, &probe_json("b", "ok"), |_| {});
    unsigned.headers.clear();
    rig.plant(&unsigned).await;
    let worker = rig.worker();
    while worker.process_one().await.unwrap().is_some() {}
    let counters = worker.counters();
    assert_eq!(counters.rejected.get("unsigned"), Some(&1));
    assert_eq!(counters.verified_by_key.get("test-key"), Some(&1));
}

#[tokio::test]
async fn the_test_helper_runs_a_handler_as_the_worker_would() {
    let mut state = vetted::handler::StateMap::default();
    let calls = vetted_tests::fixtures::Calls::default();
    state.insert(calls.clone());
    let outcome = vetted::testing::run_handler_with::<probe>(&Probe::new("t", "ok"), state)
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Completed);
    assert_eq!(calls.labels(), ["t"]);
}

/// A stray copy of the id of a task waiting to be retried does not run it early: the
/// worker drops it unrun, counts it as `duplicate_delivery` in its own and the shared
/// counters, and the task keeps its place, retry count and message.
#[tokio::test]
async fn a_stray_copy_of_a_task_in_retry_is_dropped_unrun_and_counted() {
    let rig = Rig::new();
    let id = rig
        .client
        .enqueue(&Probe::new("flaky", "fail"))
        .await
        .unwrap()
        .id;
    let worker = rig.worker();
    assert!(matches!(run_one(&rig).await, Outcome::Retried { .. }));
    let before = rig.message("default", &id).await;
    rig.broker.push_pending_id("default", &id);

    assert_eq!(
        worker.process_one().await.unwrap().unwrap().outcome,
        Outcome::Duplicate
    );

    assert_eq!(rig.calls.labels(), ["flaky"]);
    assert_eq!(rig.broker.ids("default", TaskState::Retry), [id.as_str()]);
    assert_eq!(rig.message("default", &id).await, before);
    assert!(worker.process_one().await.unwrap().is_none());
    assert_eq!(
        worker.counters().rejected.get("duplicate_delivery"),
        Some(&1)
    );
    worker.flush_counters().await.unwrap();
    let shared = rig.broker.counters().await.unwrap();
    assert_eq!(shared.rejected.get("duplicate_delivery"), Some(&1));
}

/// A copy taken while the same worker runs the task is dropped without disturbing the
/// run: the handler starts once and the holder keeps its lease.
#[tokio::test]
async fn a_copy_of_a_running_task_is_dropped_while_it_runs() {
    let rig = Rig::new();
    let id = rig
        .client
        .enqueue(&Probe::new("slow", "sleep"))
        .await
        .unwrap()
        .id;
    let worker = std::sync::Arc::new(rig.worker());
    let running = tokio::spawn({
        let worker = worker.clone();
        async move { worker.process_one().await }
    });
    while rig.calls.labels().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let lease = rig.broker.leases("default");
    rig.broker.push_pending_id("default", &id);

    assert_eq!(
        worker.process_one().await.unwrap().unwrap().outcome,
        Outcome::Duplicate
    );

    assert_eq!(rig.calls.labels(), ["slow"]);
    assert_eq!(rig.broker.leases("default"), lease);
    assert_eq!(rig.broker.ids("default", TaskState::Active), [id]);
    assert!(!running.is_finished(), "the holder still runs");
    running.abort();
}

/// The `fp=` value of a refusal text.
fn fingerprint_in(error: &str) -> &str {
    let start = error.find(" fp=").expect("a fingerprint") + 4;
    let rest = &error[start..];
    &rest[..rest.find(' ').unwrap_or(rest.len())]
}

#[tokio::test]
async fn refusals_carry_a_keyed_fingerprint_that_matches_only_equal_bytes() {
    let rig = Rig::new();
    let forge = |label: &str| {
        let mut message = signed_message(&rig.keyring, &probe_json("a", "ok"), |_| {});
        message.payload = probe_json(label, "ok");
        message
    };
    let (first, replay, other) = (forge("evil"), forge("evil"), forge("other"));
    let worker = rig.worker();
    let mut fingerprints = Vec::new();
    for message in [&first, &replay, &other] {
        rig.plant(message).await;
        let outcome = worker.process_one().await.unwrap().unwrap().outcome;
        let error = refused_with(&outcome, "bad_signature");
        fingerprints.push(fingerprint_in(&error).to_owned());
    }
    assert_eq!(fingerprints[0], fingerprints[1], "same payload, other id");
    assert_ne!(fingerprints[0], fingerprints[2], "other payload");
    assert_eq!(fingerprints[0].len(), 24);

    let another_ring = Rig::new();
    another_ring.plant(&first).await;
    let error = refused_with(&run_one(&another_ring).await, "bad_signature");
    assert_ne!(fingerprint_in(&error), fingerprints[0], "another key");
}
