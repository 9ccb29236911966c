//! Tests of `TaskMessage` encoding, decoding and rewriting.

use proptest::prelude::*;

use super::*;

fn full_message() -> TaskMessage {
    TaskMessage {
        type_name: "email:send".into(),
        payload: br#"{"to":"a@b.c"}"#.to_vec(),
        headers: [
            ("vetted-sig".to_owned(), "v1.k1.abc".to_owned()),
            ("x".to_owned(), String::new()),
        ]
        .into(),
        id: "6f1d7c0e-3a1b-4c2d-9e8f-0a1b2c3d4e5f".into(),
        queue: "critical".into(),
        retry: 25,
        retried: 3,
        error_msg: "boom".into(),
        last_failed_at: 1_700_000_100,
        timeout: 1800,
        deadline: 1_700_100_000,
        unique_key: "asynq:{critical}:unique:email:send:abc".into(),
        group_key: "batch".into(),
        retention: 3600,
        completed_at: 1_700_000_200,
    }
}

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// `msg` as Go asynq v0.26.0 stored it for
/// `NewTaskWithHeaders("email:send", []byte(`{"to":"a@b.c"}`), map[string]string{"k": "v"})`
/// enqueued with `TaskID("golden-1")`: read back from Redis with `HGET`.
const GO_ASYNQ_ENQUEUED: &str = "
    0a 0a 65 6d 61 69 6c 3a 73 65 6e 64
    12 0e 7b 22 74 6f 22 3a 22 61 40 62 2e 63 22 7d
    1a 08 67 6f 6c 64 65 6e 2d 31
    22 07 64 65 66 61 75 6c 74
    28 19
    40 88 0e
    7a 06 0a 01 6b 12 01 76";

fn golden_message() -> TaskMessage {
    TaskMessage {
        type_name: "email:send".into(),
        payload: br#"{"to":"a@b.c"}"#.to_vec(),
        headers: [("k".to_owned(), "v".to_owned())].into(),
        id: "golden-1".into(),
        queue: "default".into(),
        retry: 25,
        timeout: 1800,
        ..TaskMessage::default()
    }
}

#[test]
fn decodes_bytes_written_by_go_asynq() {
    let bytes = hex(GO_ASYNQ_ENQUEUED);
    assert_eq!(
        TaskMessage::decode(&bytes, &DecodeLimits::default()),
        Ok(golden_message())
    );
}

#[test]
fn encodes_the_bytes_go_asynq_writes() {
    assert_eq!(golden_message().encode(), hex(GO_ASYNQ_ENQUEUED));
}

#[test]
fn round_trips_every_field() {
    let message = full_message();
    assert_eq!(
        TaskMessage::decode(&message.encode(), &DecodeLimits::default()),
        Ok(message)
    );
}

#[test]
fn default_message_encodes_to_nothing() {
    assert!(TaskMessage::default().encode().is_empty());
    assert_eq!(
        TaskMessage::decode(&[], &DecodeLimits::default()),
        Ok(TaskMessage::default())
    );
}

#[test]
fn negative_int32_takes_ten_bytes_and_round_trips() {
    let message = TaskMessage {
        retry: -1,
        ..TaskMessage::default()
    };
    let bytes = message.encode();
    assert_eq!(bytes.len(), 11);
    assert_eq!(
        TaskMessage::decode(&bytes, &DecodeLimits::default()),
        Ok(message)
    );
}

#[test]
fn repeated_fields_keep_the_last_value() {
    let bytes =
        hex("0a 01 61  28 05  0a 01 62  28 07  7a 06 0a 01 6b 12 01 31  7a 06 0a 01 6b 12 01 32");
    let message = TaskMessage::decode(&bytes, &DecodeLimits::default()).unwrap();
    assert_eq!(message.type_name, "b");
    assert_eq!(message.retry, 7);
    assert_eq!(message.headers.get("k").map(String::as_str), Some("2"));
}

#[test]
fn map_entries_may_omit_key_or_value() {
    let bytes = hex("7a 03 12 01 76  7a 03 0a 01 6b");
    let message = TaskMessage::decode(&bytes, &DecodeLimits::default()).unwrap();
    let expected = [
        (String::new(), "v".to_owned()),
        ("k".to_owned(), String::new()),
    ]
    .into();
    assert_eq!(message.headers, expected);
}

/// Field 16 of every wire type, and an unknown field between known ones.
const UNKNOWN_FIELDS: &str = "
    80 01 2a
    81 01 01 02 03 04 05 06 07 08
    82 01 03 61 62 63
    83 01 08 01 84 01
    85 01 01 02 03 04";

#[test]
fn decode_skips_unknown_fields_of_every_wire_type() {
    let mut bytes = golden_message().encode();
    bytes.extend(hex(UNKNOWN_FIELDS));
    assert_eq!(
        TaskMessage::decode(&bytes, &DecodeLimits::default()),
        Ok(golden_message())
    );
}

#[test]
fn rewrite_keeps_unknown_fields_and_headers_byte_for_byte() {
    let unknown = hex(UNKNOWN_FIELDS);
    let mut original = hex("0a 01 74");
    original.extend(&unknown);
    original.extend(hex("30 02  7a 06 0a 01 6b 12 01 76"));
    let update = MessageUpdate {
        retried: Some(3),
        error_msg: Some("boom".into()),
        last_failed_at: Some(1000),
        completed_at: None,
    };
    let rewritten = rewrite(&original, &update).unwrap();
    let mut expected = hex("0a 01 74");
    expected.extend(&unknown);
    expected.extend(hex(
        "30 03  7a 06 0a 01 6b 12 01 76  3a 04 62 6f 6f 6d  58 e8 07",
    ));
    assert_eq!(rewritten, expected);
}

#[test]
fn rewrite_replaces_in_place_and_drops_duplicates() {
    let original = hex("30 01  0a 01 74  30 02  3a 01 65  68 05");
    let update = MessageUpdate {
        retried: Some(9),
        ..MessageUpdate::default()
    };
    assert_eq!(
        rewrite(&original, &update).unwrap(),
        hex("30 09  0a 01 74  3a 01 65  68 05")
    );
}

#[test]
fn rewrite_to_a_default_removes_the_field() {
    let original = hex("0a 01 74  30 02  3a 01 65  58 05  68 05");
    let update = MessageUpdate {
        retried: Some(0),
        error_msg: Some(String::new()),
        last_failed_at: Some(0),
        completed_at: Some(0),
    };
    assert_eq!(rewrite(&original, &update).unwrap(), hex("0a 01 74"));
}

#[test]
fn empty_update_keeps_the_message_unchanged() {
    let mut original = full_message().encode();
    original.extend(hex(UNKNOWN_FIELDS));
    assert_eq!(
        rewrite(&original, &MessageUpdate::default()).unwrap(),
        original
    );
}

#[test]
fn rewrite_result_decodes_to_the_updated_message() {
    let message = full_message();
    let update = MessageUpdate {
        retried: Some(4),
        error_msg: Some("again".into()),
        last_failed_at: Some(1_700_000_300),
        completed_at: Some(1_700_000_400),
    };
    let rewritten = rewrite(&message.encode(), &update).unwrap();
    let expected = TaskMessage {
        retried: 4,
        error_msg: "again".into(),
        last_failed_at: 1_700_000_300,
        completed_at: 1_700_000_400,
        ..message
    };
    assert_eq!(
        TaskMessage::decode(&rewritten, &DecodeLimits::default()),
        Ok(expected)
    );
}

#[test]
fn rewrite_rejects_broken_records() {
    let update = MessageUpdate {
        retried: Some(1),
        ..MessageUpdate::default()
    };
    assert!(rewrite(&hex("0a 05 61"), &update).is_err());
    assert!(rewrite(&hex("30"), &update).is_err());
}

fn with_headers(count: usize, value_len: usize) -> Vec<u8> {
    let message = TaskMessage {
        headers: (0..count)
            .map(|i| (format!("k{i:03}"), "v".repeat(value_len)))
            .collect(),
        ..TaskMessage::default()
    };
    message.encode()
}

#[test]
fn header_count_is_capped() {
    let limits = DecodeLimits {
        max_headers: 3,
        max_header_bytes: 1024,
    };
    assert_eq!(
        TaskMessage::decode(&with_headers(3, 1), &limits)
            .unwrap()
            .headers
            .len(),
        3
    );
    assert_eq!(
        TaskMessage::decode(&with_headers(4, 1), &limits),
        Err(WireError::HeadersOverCap)
    );
}

#[test]
fn header_bytes_are_capped() {
    // Each entry is a 4-byte key and a 6-byte value: 10 bytes.
    let limits = DecodeLimits {
        max_headers: 64,
        max_header_bytes: 30,
    };
    assert!(TaskMessage::decode(&with_headers(3, 6), &limits).is_ok());
    assert_eq!(
        TaskMessage::decode(&with_headers(3, 7), &limits),
        Err(WireError::HeadersOverCap)
    );
}

#[test]
fn repeated_header_entries_count_against_the_cap() {
    let entry = hex("7a 06 0a 01 6b 12 01 76");
    let bytes = entry.repeat(5);
    let limits = DecodeLimits {
        max_headers: 4,
        max_header_bytes: 1024,
    };
    assert_eq!(
        TaskMessage::decode(&bytes, &limits),
        Err(WireError::HeadersOverCap)
    );
}

#[test]
fn rejects_strings_that_are_not_utf8() {
    for bytes in [
        hex("0a 01 ff"),
        hex("1a 02 c3 28"),
        hex("7a 05 0a 01 ff 12 00"),
        hex("7a 05 0a 00 12 01 ff"),
    ] {
        assert!(
            matches!(
                TaskMessage::decode(&bytes, &DecodeLimits::default()),
                Err(WireError::Malformed(_))
            ),
            "accepted {bytes:02x?}"
        );
    }
    // Payload bytes are opaque.
    assert!(TaskMessage::decode(&hex("12 01 ff"), &DecodeLimits::default()).is_ok());
}

#[test]
fn rejects_known_fields_of_the_wrong_wire_type() {
    for bytes in [
        hex("08 01"),
        hex("2a 01 00"),
        hex("7d 00 00 00 00"),
        hex("7a 02 08 01"),
    ] {
        assert!(
            TaskMessage::decode(&bytes, &DecodeLimits::default()).is_err(),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn every_truncation_of_a_valid_message_is_handled() {
    let bytes = full_message().encode();
    for len in 0..bytes.len() {
        let _ = TaskMessage::decode(&bytes[..len], &DecodeLimits::default());
        let _ = rewrite(&bytes[..len], &MessageUpdate::default());
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let limits = DecodeLimits { max_headers: 2, max_header_bytes: 16 };
        let decoded = TaskMessage::decode(&bytes, &limits);
        let update = MessageUpdate { retried: Some(1), ..MessageUpdate::default() };
        let rewritten = rewrite(&bytes, &update);
        prop_assert_eq!(decoded.is_ok() && rewritten.is_err(), false);
        let _ = ServerInfo::decode(&bytes);
        let _ = WorkerInfo::decode(&bytes);
    }

    #[test]
    fn arbitrary_messages_round_trip(
        type_name in ".{0,12}",
        payload in proptest::collection::vec(any::<u8>(), 0..32),
        retry in any::<i32>(),
        timeout in any::<i64>(),
        headers in proptest::collection::btree_map(".{0,6}", ".{0,6}", 0..4),
    ) {
        let message = TaskMessage { type_name, payload, retry, timeout, headers, ..TaskMessage::default() };
        prop_assert_eq!(TaskMessage::decode(&message.encode(), &DecodeLimits::default()), Ok(message));
    }

    #[test]
    fn rewrite_matches_a_decoded_update(retried in any::<i32>(), error_msg in ".{0,8}", at in any::<i64>()) {
        let message = full_message();
        let update = MessageUpdate {
            retried: Some(retried),
            error_msg: Some(error_msg.clone()),
            last_failed_at: Some(at),
            completed_at: None,
        };
        let rewritten = rewrite(&message.encode(), &update).unwrap();
        let expected = TaskMessage { retried, error_msg, last_failed_at: at, ..message };
        prop_assert_eq!(TaskMessage::decode(&rewritten, &DecodeLimits::default()), Ok(expected));
    }
}
