//! R12's order on the real worker: no payload byte reaches the JSON parser before the
//! message has been decoded, matched to its key, size-checked and its MAC, schema version
//! and times verified.
//!
//! The parse counter is process-wide, so every case runs inside one `#[test]`, one after
//! the other.

use std::time::{SystemTime, UNIX_EPOCH};

use vetted::json;
use vetted::signing::{HEADER, KeyRing};
use vetted::wire::TaskMessage;
use vetted::worker::Outcome;
use vetted_tests::fixtures::{Rig, probe_json, signed_message};

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// How one planted task reaches the broker.
enum Plant {
    /// Enqueued as a message under its own id.
    Message(TaskMessage),
    /// Raw `msg` bytes pushed under an id, or an id with no record at all.
    Raw {
        id: &'static str,
        msg: Option<Vec<u8>>,
    },
}

/// A forged or unusable task and the reason code it must be refused with.
struct Forged {
    name: &'static str,
    plant: Plant,
    reason: &'static str,
}

fn forged_cases(rig: &Rig) -> Vec<Forged> {
    let ok = probe_json("forged", "ok");
    let signed = |tweak: fn(&mut vetted::signing::Claims)| signed_message(&rig.keyring, &ok, tweak);
    let mut bad_mac = signed(|_| {});
    bad_mac.payload = probe_json("evil", "ok");
    let mut unsigned = signed(|_| {});
    unsigned.headers.clear();
    let mut malformed = signed(|_| {});
    malformed
        .headers
        .insert(HEADER.to_owned(), "v1:garbage".to_owned());
    let stranger = KeyRing::ephemeral("other-key");
    let unknown_key = signed_message(&stranger, &ok, |_| {});
    let wrong_schema = signed(|c| c.schema_version = 2);
    let expired = signed(|c| {
        c.issued_at = now_secs() - 7200;
        c.expires_at = now_secs() - 3600;
    });
    let too_early = signed(|c| c.not_before = now_secs() + 3600);
    let mut retries_used_up = signed(|_| {});
    retries_used_up.retried = 4;
    let oversize_payload = signed_message(&rig.keyring, &oversize_json(64 * 1024 + 1), |_| {});
    let oversize_message = signed_message(&rig.keyring, &oversize_json(200 * 1024), |_| {});
    let moved = signed(|_| {}).encode();
    let message = |name, m, reason| Forged {
        name,
        plant: Plant::Message(m),
        reason,
    };
    let raw = |name, id, msg, reason| Forged {
        name,
        plant: Plant::Raw { id, msg },
        reason,
    };
    vec![
        message("bad mac", bad_mac, "bad_signature"),
        message("unsigned", unsigned, "unsigned"),
        message("malformed header", malformed, "malformed_signature"),
        message("unknown key", unknown_key, "unknown_key"),
        message("wrong schema", wrong_schema, "schema_version"),
        message("expired", expired, "expired"),
        message("not yet due", too_early, "too_early"),
        message("retries used up", retries_used_up, "retry_exceeded"),
        message("oversize payload", oversize_payload, "oversize"),
        message("oversize message", oversize_message, "oversize"),
        raw(
            "undecodable message",
            "garbage",
            Some(b"\xff\xff\xff not protobuf".to_vec()),
            "malformed_message",
        ),
        raw(
            "copied under another id",
            "copied",
            Some(moved),
            "key_mismatch",
        ),
        raw("dangling id", "dangling", None, "malformed_message"),
    ]
}

/// A probe payload of exactly `len` bytes whose label is over its length rule.
fn oversize_json(len: usize) -> Vec<u8> {
    let frame = probe_json("", "ok").len();
    probe_json(&"x".repeat(len - frame), "ok")
}

async fn plant(rig: &Rig, plant: Plant) {
    match plant {
        Plant::Message(message) => rig.plant(&message).await,
        Plant::Raw { id, msg } => rig.broker.push_raw_pending("default", id, msg),
    }
}

/// The reason code of a refused task, or the outcome's name.
fn reason_of(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Archived { error }
        | Outcome::Quarantined { error }
        | Outcome::Retried { error } => {
            let code = error.strip_prefix("vetted: reason=").unwrap_or(error);
            code.split(' ').next().unwrap_or_default().to_owned()
        }
        Outcome::Rescheduled => "too_early".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Processes the one pending task and returns its outcome and how often the JSON
/// parser ran meanwhile.
async fn process_counting(rig: &Rig) -> (Outcome, u64) {
    let worker = rig.worker();
    let before = json::parse_calls();
    let processed = worker
        .process_one()
        .await
        .expect("broker works")
        .expect("a task was pending");
    (processed.outcome, json::parse_calls() - before)
}

#[tokio::test]
async fn the_parser_runs_only_after_every_check_and_exactly_once() {
    let rig = Rig::new();
    for case in forged_cases(&rig) {
        plant(&rig, case.plant).await;
        let (outcome, parsed) = process_counting(&rig).await;
        assert_eq!(reason_of(&outcome), case.reason, "{}", case.name);
        assert_eq!(parsed, 0, "{}: the payload reached the parser", case.name);
        rig.broker.clear();
    }
    assert!(
        rig.calls.labels().is_empty(),
        "no forged task reached its handler"
    );

    rig.plant(&signed_message(
        &rig.keyring,
        &probe_json("real", "ok"),
        |_| {},
    ))
    .await;
    let (outcome, parsed) = process_counting(&rig).await;
    assert_eq!(
        (outcome, parsed),
        (Outcome::Completed, 1),
        "a valid task is parsed once"
    );
    assert_eq!(rig.calls.labels(), ["real"]);

    let not_json = signed_message(&rig.keyring, b"{\"label\":\"x\",", |_| {});
    rig.plant(&not_json).await;
    let (outcome, parsed) = process_counting(&rig).await;
    assert_eq!(
        (reason_of(&outcome).as_str(), parsed),
        ("decode_error", 1),
        "verified, parsed once, refused"
    );
}
