//! Catalogue §4 C: malformed messages and Redis-side records, written with raw Redis
//! commands. Each hostile record is dealt with on its own; the worker, lease recovery
//! and every other task carry on.

use redis::Commands;
use vetted::client::{EnqueueError, EnqueueOptions};
use vetted::names::NameError;
use vetted::wire::TaskMessage;
use vetted_tests::attack::{
    Arena, CANARY, Note, capture, garbage_message, hostile_label, label_was_parsed, note_json,
    signed, task_key, with_unknown_field,
};

fn hostile_note(arena: &Arena, row: &str) -> TaskMessage {
    signed(
        &arena.keyring,
        "atk:note",
        "default",
        &note_json(&hostile_label(row), "ok"),
        |_| {},
    )
}

#[tokio::test]
async fn c1_an_undecodable_msg_is_quarantined_and_kept_for_forensics() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    arena.plant_bytes("default", "c1-garbage", &garbage_message());
    arena.plant_bytes("default", "c1-empty", b"");
    let after = arena.legit().await;

    arena.run_until_settled().await;

    arena.assert_quarantined("default", "c1-garbage", "malformed_message");
    let entry = arena.quarantine_entry("default", "c1-garbage");
    assert_eq!(
        entry.fields.get("msg"),
        Some(&garbage_message()),
        "original bytes kept in the quarantine entry"
    );
    assert!(!arena.holds("default", "archived", "c1-garbage"));
    // An empty msg decodes as an empty TaskMessage, whose id disagrees with its key.
    arena.assert_quarantined("default", "c1-empty", "key_mismatch");
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn c2_an_id_without_hash_or_msg_is_cleaned_out_of_active_and_lease() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    arena.push_pending_id("default", "c2-orphan");
    arena.set_state("default", "c2-no-msg", "pending");
    arena.push_pending_id("default", "c2-no-msg");
    let after = arena.legit().await;

    arena.run_until_settled().await;

    arena.assert_dropped("default", "c2-orphan");
    arena.assert_quarantined("default", "c2-no-msg", "malformed_message");
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn c4_a_huge_msg_is_refused_by_its_length_without_being_read() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    let mut huge = hostile_note(&arena, "c4");
    huge.headers.insert(
        "x-pad".to_owned(),
        CANARY.repeat(100_000_000 / CANARY.len()),
    );
    let huge_len = huge.encode().len();
    let id = arena.plant(&huge);
    drop(huge);
    let after = arena.legit().await;
    let sent_before = arena.bytes_sent();

    arena.run_until_settled().await;

    let sent = arena.bytes_sent() - sent_before;
    assert!(
        sent < 1_000_000,
        "Redis sent {sent} bytes while the worker handled a {huge_len}-byte msg"
    );
    arena.assert_quarantined("default", &id, "oversize");
    let entry = arena.quarantine_entry("default", &id);
    let error = entry.text("error_msg").unwrap_or_default();
    assert!(error.contains(&format!("len={huge_len}")), "{error}");
    assert!(
        !entry.fields.contains_key("msg"),
        "an unread msg is not kept"
    );
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn c5_header_maps_over_their_caps_never_reach_verification() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    let mut million = hostile_note(&arena, "c5");
    for i in 0..1_000_000 {
        million.headers.insert(format!("{i}"), String::new());
    }
    let million = arena.plant(&million);
    let mut long_key = hostile_note(&arena, "c5");
    long_key
        .headers
        .insert(format!("{CANARY}{}", "k".repeat(500_000)), "v".to_owned());
    let long_key = arena.plant(&long_key);
    let mut many = hostile_note(&arena, "c5");
    for i in 0..100 {
        many.headers.insert(format!("h{i}"), CANARY.to_owned());
    }
    let many = arena.plant(&many);
    let after = arena.legit().await;

    arena.run_until_settled().await;

    arena.assert_quarantined("default", &million, "oversize");
    arena.assert_quarantined("default", &long_key, "malformed_message");
    arena.assert_quarantined("default", &many, "malformed_message");
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn c7_names_that_break_keys_are_refused_at_enqueue_and_on_read() {
    let arena = Arena::start().await;
    for id in ["a{b", "a}b", "a\r\nb", &"i".repeat(4096)] {
        let options = EnqueueOptions::default().task_id(id);
        let refused = arena
            .client
            .enqueue_with(&Note::new("x", "ok"), options)
            .await;
        assert!(
            matches!(refused, Err(EnqueueError::InvalidName(_))),
            "{id:?}"
        );
    }
    for queue in ["a{b", "a}b", "a\nb", &"q".repeat(4096)] {
        let options = EnqueueOptions::default().queue(queue);
        let refused = arena
            .client
            .enqueue_with(&Note::new("x", "ok"), options)
            .await;
        assert!(matches!(
            refused,
            Err(EnqueueError::InvalidName(NameError { .. }))
        ));
    }

    let before = arena.legit().await;
    let injected = "c7\r\nFORGED level=INFO reason=\"ok\"";
    let long = format!("c7-{}", "i".repeat(4096));
    let mut planted = Vec::new();
    for id in ["c7{x}", "c7}x", injected, &long] {
        // Signed with the worker's own key, as by a producer that skipped the checks.
        let mut message = hostile_note(&arena, "c7");
        message.id = id.to_owned();
        vetted_tests::attack::resign(
            &arena.keyring,
            &mut message,
            &vetted::signing::Claims {
                key_id: "atk-k1".to_owned(),
                issued_at: vetted_tests::attack::now_secs(),
                expires_at: 0,
                not_before: 0,
                max_retry: 3,
                schema_version: 1,
            },
        );
        planted.push(arena.plant(&message));
    }
    let after = arena.legit().await;

    arena.run_until_settled().await;

    for id in &planted {
        arena.assert_quarantined("default", id, "malformed_message");
    }
    let logs = capture::logs();
    assert!(
        !logs.lines().any(|l| l.starts_with("FORGED")),
        "a newline in an id never starts a log line"
    );
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn c9_an_active_task_whose_lease_entry_was_deleted_is_recovered() {
    let arena = Arena::start().await;
    let id = arena.legit().await;
    arena.take_into_active("default", &id);
    arena.set_state("default", &id, "active");
    let other = arena.legit().await;

    let worker = arena.spawn(arena.builder().configure(|c| {
        c.recover_margin = std::time::Duration::from_millis(500);
    }));
    arena
        .wait_for("the leaseless task to be recovered and run", |_| {
            arena.hurry_retry("default", &id);
            arena.calls.count(&id) == 1 && arena.calls.count(&other) == 1
        })
        .await;
    arena.wait_settled().await;
    worker.stop().await;

    arena.assert_handled_once(&[&id, &other]);
}

#[tokio::test]
async fn c10_an_unknown_task_type_is_retried_a_few_times_not_twenty_five() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    let mut unknown = signed(
        &arena.keyring,
        "atk:nope",
        "default",
        &note_json(&hostile_label("c10"), "ok"),
        |c| c.max_retry = 25,
    );
    unknown.retry = 25;
    let id = arena.plant(&unknown);
    let worker = arena.spawn(arena.builder());
    arena
        .wait_for("the unknown type to be archived", |redis| {
            let state: Option<String> = redis
                .hget(task_key("default", &id), "state")
                .unwrap_or(None);
            if state.as_deref() == Some("retry") {
                arena.make_retries_due("default");
            }
            state.as_deref() == Some("archived")
        })
        .await;
    worker.stop().await;

    arena.assert_refused("default", &id, "unknown_task_type");
    assert_eq!(arena.stored("default", &id).unwrap().retried, 3);
    arena.assert_handled_once(&[&before]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn c11_unknown_future_fields_survive_retry_archive_and_completion() {
    let arena = Arena::start().await;
    let mut planted = Vec::new();
    for (action, retention) in [("fail", 0), ("skip", 0), ("ok", 600)] {
        let mut message = signed(
            &arena.keyring,
            "atk:note",
            "default",
            &note_json(&format!("c11-{action}"), action),
            |_| {},
        );
        message.retention = retention;
        let bytes = with_unknown_field(&message.encode());
        arena.plant_bytes("default", &message.id, &bytes);
        planted.push(message.id);
    }

    arena.run_until_settled().await;

    let [retried, archived, completed] = [&planted[0], &planted[1], &planted[2]];
    assert_eq!(arena.state("default", retried).as_deref(), Some("retry"));
    assert_eq!(
        arena.state("default", archived).as_deref(),
        Some("archived")
    );
    assert_eq!(
        arena.state("default", completed).as_deref(),
        Some("completed")
    );
    for id in &planted {
        assert_eq!(arena.calls.count(id), 1, "{id} decoded and ran");
        let raw: Vec<u8> = arena.redis().hget(task_key("default", id), "msg").unwrap();
        assert!(
            vetted_tests::attack::contains(&raw, &[0x98, 0x06, 0x01]),
            "{id}: the unknown field is kept byte for byte"
        );
    }
    assert!(label_was_parsed("c11-ok"));
}

#[tokio::test]
async fn the_heartbeat_never_copies_a_payload_into_asynq_workers() {
    let arena = Arena::start().await;
    let label = format!("{CANARY}heartbeat");
    let id = arena
        .client
        .enqueue(&Note::new(&label, "gate"))
        .await
        .unwrap()
        .id;
    let worker = arena.spawn(arena.builder());
    let mut record = Vec::new();
    arena
        .wait_for("the running task in the heartbeat", |redis| {
            let keys: Vec<String> = redis.keys("asynq:workers:*").unwrap_or_default();
            record = keys
                .iter()
                .find_map(|key| redis.hget::<_, _, Option<Vec<u8>>>(key, &id).ok().flatten())
                .unwrap_or_default();
            !record.is_empty()
        })
        .await;
    let info = vetted::wire::WorkerInfo::decode(&record).expect("WorkerInfo decodes");
    assert_eq!(
        (info.task_id.as_str(), info.task_type.as_str()),
        (id.as_str(), "atk:note")
    );
    assert!(info.task_payload.is_empty(), "no payload copy");
    assert!(!vetted_tests::attack::contains(&record, CANARY.as_bytes()));
    arena.gate.open();
    arena.wait_settled().await;
    worker.stop().await;
    arena.assert_handled_once(&[&id]);
    assert!(label_was_parsed(&label));
    arena.assert_no_canary();
}
