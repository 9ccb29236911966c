//! No decoding stage of the worker panics on hostile bytes (security.md §3.5 "never
//! panics"): message decode, signature header, JSON, and the whole pipeline. The stage
//! functions are those the fuzz targets call (`vetted_tests::fuzz_entry`), so their
//! invariants are checked on every case too.

use std::sync::{Mutex, MutexGuard, PoisonError};

use proptest::collection::vec;
use proptest::prelude::*;
use serde::de::IgnoredAny;
use vetted::json;
use vetted::wire::{DecodeLimits, TaskMessage};
use vetted::worker::Outcome;
use vetted_tests::fixtures::probe_json;
use vetted_tests::fuzz_entry::{self, signed_task};

/// Tests that decode JSON read the process-wide parse counter: one at a time.
static JSON: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    JSON.lock().unwrap_or_else(PoisonError::into_inner)
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// A valid signed probe message, encoded.
fn valid_message() -> Vec<u8> {
    signed_task("test:probe", &probe_json("prop", "ok"), 3).encode()
}

/// A valid message with one byte replaced, inserted or removed at `at`.
fn mutated(at: usize, byte: u8, kind: u8) -> Vec<u8> {
    let mut bytes = valid_message();
    let at = at % bytes.len();
    match kind % 3 {
        0 => bytes[at] = byte,
        1 => bytes.insert(at, byte),
        _ => drop(bytes.remove(at)),
    }
    bytes
}

/// Text shaped like a signature header: eight fields of header characters.
fn header_like() -> impl Strategy<Value = String> {
    vec("[v0-9a-zA-Z._:-]{0,44}", 1..10).prop_map(|fields| fields.join(":"))
}

/// Text built from the characters that make up JSON.
fn json_like() -> impl Strategy<Value = String> {
    "[\\[\\]{}\",: 0-9a-z.eE+\\\\-]{0,64}"
}

/// What `json::decode::<IgnoredAny>` should decide, from serde_json and the stage's
/// documented extra rules.
fn reference_accepts(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
        && !bytes.starts_with(b"\xEF\xBB\xBF")
        && serde_json::from_slice::<IgnoredAny>(bytes).is_ok()
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn task_message_decode_never_panics(bytes in vec(any::<u8>(), 0..512)) {
        let _ = TaskMessage::decode(&bytes, &DecodeLimits::default());
        fuzz_entry::task_message(&bytes);
    }

    #[test]
    fn a_changed_valid_message_decodes_or_is_refused(at in any::<usize>(), byte in any::<u8>(), kind in any::<u8>()) {
        fuzz_entry::task_message(&mutated(at, byte, kind));
    }

    #[test]
    fn signature_header_parsing_never_panics(text in any::<String>()) {
        fuzz_entry::signature_header(text.as_bytes());
    }

    #[test]
    fn header_shaped_text_never_panics(text in header_like()) {
        fuzz_entry::signature_header(text.as_bytes());
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn json_decode_never_panics_and_follows_serde_json(bytes in vec(any::<u8>(), 0..256)) {
        let _serial = serial();
        let accepted = json::decode::<IgnoredAny>(&bytes).is_ok();
        prop_assert_eq!(accepted, reference_accepts(&bytes));
    }

    #[test]
    fn json_shaped_text_follows_serde_json(text in json_like()) {
        let _serial = serial();
        let accepted = json::decode::<IgnoredAny>(text.as_bytes()).is_ok();
        prop_assert_eq!(accepted, reference_accepts(text.as_bytes()));
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_pipeline_quarantines_or_archives_arbitrary_messages(bytes in vec(any::<u8>(), 0..512)) {
        let _serial = serial();
        let outcome = fuzz_entry::pipeline(&bytes);
        prop_assert!(
            matches!(outcome, Outcome::Quarantined { .. } | Outcome::Archived { .. }),
            "{:?}", outcome
        );
    }

    #[test]
    fn a_changed_valid_message_is_parsed_only_if_it_still_verifies(
        at in any::<usize>(), byte in any::<u8>(), kind in any::<u8>(),
    ) {
        let _serial = serial();
        fuzz_entry::pipeline(&mutated(at, byte, kind));
    }

    #[test]
    fn signed_json_shaped_payloads_meet_the_pipeline_invariants(text in json_like()) {
        let _serial = serial();
        fuzz_entry::signed_payload(text.as_bytes());
    }
}
