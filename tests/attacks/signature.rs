//! Catalogue §4 A: signature tampering, by an attacker who can write to Redis.
//!
//! Each test plants hostile tasks with raw Redis writes between legitimate ones, runs a
//! real worker on a real redis-server, and checks the reason code, that no handler saw
//! the hostile task, that the legitimate ones ran once, and that the canary leaked
//! nowhere.

use vetted::signing::KeyRing;
use vetted::wire::TaskMessage;
use vetted::worker::{BuildError, Worker};
use vetted_tests::attack::{
    Arena, PREVIOUS_SIGNER, RETIRED_SIGNER, capture, header_of, hostile_label, label_was_parsed,
    note_json, ring, set_header, signed, split_tag, task_key, with_tag,
};
use vetted_tests::quarantine_stream::quarantine_key;

/// A note signed with the worker's own key, carrying the canary.
fn hostile_note(arena: &Arena, row: &str) -> (TaskMessage, String) {
    let label = hostile_label(row);
    let message = signed(
        &arena.keyring,
        "atk:note",
        "default",
        &note_json(&label, "ok"),
        |_| {},
    );
    (message, label)
}

/// Plants every message between two legitimate notes, runs the worker, and checks
/// that each was refused with `code` and that the legitimate notes ran once.
async fn expect_all_refused(arena: &Arena, messages: &[TaskMessage], code: &str) {
    let before = arena.legit().await;
    let ids: Vec<String> = messages.iter().map(|m| arena.plant(m)).collect();
    let after = arena.legit().await;
    arena.run_until_settled().await;
    for id in &ids {
        arena.assert_refused("default", id, code);
    }
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn a1_a_flipped_body_bit_fails_the_mac_before_any_parsing() {
    let arena = Arena::start().await;
    let (mut message, label) = hostile_note(&arena, "a1");
    let at = message.payload.len() - 3;
    assert_eq!(message.payload[at], b'x', "the label ends in x");
    message.payload[at] ^= 0x01;
    let tampered = label.replace("-x", "-y");
    message.error_msg = format!("<img src=x onerror=alert(1)> {label}");

    expect_all_refused(&arena, &[message], "bad_signature").await;

    assert!(
        !label_was_parsed(&tampered),
        "the JSON parser never saw the tampered body"
    );
}

#[tokio::test]
async fn a2_a_changed_tag_fails_the_mac() {
    let arena = Arena::start().await;
    let mut forged = Vec::new();
    let flips: [fn(&mut Vec<u8>); 3] = [
        |tag| tag[17] ^= 0x10,
        |tag| tag.iter_mut().for_each(|b| *b = 0),
        |tag| tag.iter_mut().for_each(|b| *b = 0xff),
    ];
    for flip in flips {
        let (mut message, _) = hostile_note(&arena, "a2");
        let header = header_of(&message);
        let (_, mut tag) = split_tag(&header);
        flip(&mut tag);
        set_header(&mut message, with_tag(&header, &tag));
        forged.push(message);
    }
    expect_all_refused(&arena, &forged, "bad_signature").await;
}

#[tokio::test]
async fn a3_a_truncated_or_empty_tag_is_malformed() {
    let arena = Arena::start().await;
    let mut forged = Vec::new();
    for keep in [16, 31, 0] {
        let (mut message, _) = hostile_note(&arena, "a3");
        let header = header_of(&message);
        let (_, tag) = split_tag(&header);
        set_header(&mut message, with_tag(&header, &tag[..keep]));
        forged.push(message);
    }
    expect_all_refused(&arena, &forged, "malformed_signature").await;
}

#[tokio::test]
async fn a4_bytes_after_the_tag_or_a_header_cut_mid_field_are_malformed() {
    let arena = Arena::start().await;
    let edits: [fn(&str) -> String; 5] = [
        |h| format!("{h}AA"),
        |h| format!("{h}:extra"),
        |h| format!("{h}\n"),
        |h| h[..h.len() / 2].to_owned(),
        |h| h[..h.rfind(':').unwrap_or(0)].to_owned(),
    ];
    let mut forged = Vec::new();
    for edit in edits {
        let (mut message, _) = hostile_note(&arena, "a4");
        let header = header_of(&message);
        set_header(&mut message, edit(&header));
        forged.push(message);
    }
    expect_all_refused(&arena, &forged, "malformed_signature").await;
}

#[tokio::test]
async fn a5_oversized_headers_and_payloads_are_refused_within_their_caps() {
    let arena = Arena::start().await;
    let before = arena.legit().await;

    let (mut long_value, _) = hostile_note(&arena, "a5");
    set_header(&mut long_value, format!("v1:{}", "A".repeat(300)));
    let long_value = arena.plant(&long_value);

    let (mut megabyte_header, _) = hostile_note(&arena, "a5");
    megabyte_header
        .headers
        .insert("x-pad".to_owned(), "B".repeat(1_000_000));
    let megabyte_header = arena.plant(&megabyte_header);

    let (mut huge_key, _) = hostile_note(&arena, "a5");
    huge_key.headers.insert("k".repeat(20_000), String::new());
    let huge_key = arena.plant(&huge_key);

    let (mut many, _) = hostile_note(&arena, "a5");
    for i in 0..65 {
        many.headers.insert(format!("h{i}"), String::new());
    }
    let many = arena.plant(&many);

    let (mut unread, _) = hostile_note(&arena, "a5");
    unread
        .headers
        .insert("x-pad".to_owned(), "C".repeat(2_000_000));
    let unread = arena.plant(&unread);

    let label = hostile_label("a5");
    let big_payload = note_json(&format!("{label}{}", " ".repeat(70 * 1024)), "ok");
    let big_payload = arena.plant(&signed(
        &arena.keyring,
        "atk:note",
        "default",
        &big_payload,
        |_| {},
    ));
    let after = arena.legit().await;

    arena.run_until_settled().await;

    arena.assert_refused("default", &long_value, "malformed_signature");
    arena.assert_quarantined("default", &megabyte_header, "malformed_message");
    arena.assert_quarantined("default", &huge_key, "malformed_message");
    arena.assert_quarantined("default", &many, "malformed_message");
    arena.assert_quarantined("default", &unread, "oversize");
    arena.assert_refused("default", &big_payload, "oversize");
    let entry = arena.quarantine_entry("default", &big_payload);
    let error = entry.text("error_msg").unwrap_or_default();
    assert!(error.contains("len="), "{error}");
    assert!(!label_was_parsed(&label));
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn a7_another_scheme_version_is_unsupported_and_a_missing_one_malformed() {
    let arena = Arena::start().await;
    let mut unsupported = Vec::new();
    for version in ["v2", "v0", "V1", "none", "hs256"] {
        let (mut message, _) = hostile_note(&arena, "a7");
        let header = header_of(&message);
        set_header(&mut message, header.replacen("v1", version, 1));
        unsupported.push(message);
    }
    expect_all_refused(&arena, &unsupported, "unsupported_scheme").await;

    let (mut missing, _) = hostile_note(&arena, "a7");
    let header = header_of(&missing);
    set_header(&mut missing, header["v1:".len()..].to_owned());
    let (mut empty, _) = hostile_note(&arena, "a7");
    set_header(&mut empty, String::new());
    expect_all_refused(&arena, &[missing, empty], "malformed_signature").await;
}

#[tokio::test]
async fn a8_an_unknown_key_is_retried_a_bounded_number_of_times_then_quarantined() {
    let arena = Arena::start().await;
    let stranger = KeyRing::ephemeral("atk-unknown");
    let label = hostile_label("a8");
    let message = signed(
        &stranger,
        "atk:note",
        "default",
        &note_json(&label, "ok"),
        |_| {},
    );
    let before = arena.legit().await;
    let id = arena.plant(&message);
    let worker = arena.spawn(arena.builder());
    let mut retries_seen = 0;
    let entry_key = quarantine_key("default");
    arena
        .wait_for("the unknown-key task to be quarantined", |redis| {
            let state: Option<String> =
                redis::Commands::hget(redis, task_key("default", &id), "state").unwrap_or(None);
            if state.as_deref() == Some("retry") {
                retries_seen += 1;
                arena.make_retries_due("default");
            }
            redis::Commands::xlen::<_, usize>(redis, &entry_key).unwrap_or(0) > 0
        })
        .await;
    worker.stop().await;

    arena.assert_refused("default", &id, "unknown_key");
    let lines = capture::log_lines_with(&format!("{id:?}"));
    let retried: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("task refused") && l.contains("\"unknown_key\""))
        .collect();
    assert_eq!(
        retried.len(),
        3,
        "three retries for rotation lag: {lines:#?}"
    );
    assert!(retried[2].contains("retried=2"), "{}", retried[2]);
    let entry = arena.quarantine_entry("default", &id);
    let error = entry.text("error_msg").unwrap_or_default();
    assert!(error.contains("key=atk-unknown"), "{error}");
    assert!(retries_seen >= 1);
    assert!(!label_was_parsed(&label));
    arena.assert_handled_once(&[&before]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn a10_a_retired_key_is_refused_while_a_verify_only_key_still_works() {
    let arena = Arena::start().await;
    let retired = ring(RETIRED_SIGNER);
    let label = hostile_label("a10");
    let old = signed(
        &retired,
        "atk:note",
        "default",
        &note_json(&label, "ok"),
        |_| {},
    );
    let previous = ring(PREVIOUS_SIGNER);
    let overlap = signed(
        &previous,
        "atk:note",
        "default",
        &note_json("rotating", "ok"),
        |_| {},
    );
    let overlap = arena.plant(&overlap);

    expect_all_refused(&arena, &[old], "retired_key").await;

    arena.assert_handled_once(&[&overlap]);
    assert!(!label_was_parsed(&label));
}

#[tokio::test]
async fn a11_a_task_without_its_signature_header_is_unsigned() {
    let arena = Arena::start().await;
    let (mut stripped, _) = hostile_note(&arena, "a11");
    stripped.headers.clear();
    let (mut rewritten_by_old_go, _) = hostile_note(&arena, "a11");
    rewritten_by_old_go.headers.clear();
    rewritten_by_old_go.retried = 1;
    rewritten_by_old_go.error_msg = "handler failed".to_owned();
    rewritten_by_old_go.last_failed_at = 1_700_000_000;
    let (mut renamed, _) = hostile_note(&arena, "a11");
    let header = header_of(&renamed);
    renamed.headers.clear();
    renamed.headers.insert("Vetted-Sig".to_owned(), header);

    expect_all_refused(
        &arena,
        &[stripped, rewritten_by_old_go, renamed],
        "unsigned",
    )
    .await;
}

#[tokio::test]
async fn a12_a_short_or_empty_key_refuses_to_start() {
    let short_secret = "00112233445566778899aabbccddeeff";
    for text in [
        format!("sign short hex:{short_secret}"),
        "sign empty hex:".to_owned(),
        "sign empty base64:".to_owned(),
        format!("sign ok hex:{short_secret}{short_secret}; verify short hex:{short_secret}"),
    ] {
        let error = KeyRing::parse(&text).expect_err("a key under 32 bytes is refused");
        assert!(
            !error.to_string().contains(short_secret),
            "no secret in the error: {error}"
        );
    }
    let arena = Arena::start().await;
    let no_ring = Worker::builder(arena.broker.clone())
        .handler::<vetted_tests::attack::note>()
        .state(arena.calls.clone())
        .state(arena.gate.clone());
    assert!(matches!(no_ring.build(), Err(BuildError::NoKeyRing)));
}
