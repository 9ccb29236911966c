//! The seed inputs of the fuzz targets, built from the fuzz key ring so that they stay
//! valid when the signing code changes. `tests/fuzz_corpora.rs` checks that
//! `fuzz/corpus/<target>/` holds exactly these files and rewrites them on request.

use vetted::signing::{Claims, HEADER, SignedFields};
use vetted::wire::TaskMessage;

use crate::fixtures::probe_json;
use crate::fuzz_entry::{
    ISSUED_AT, QUEUE, TASK_ID, header_fields, signed_shape, signed_task, signing_ring,
};

/// One seed file: its target, its file name and its bytes.
pub struct Seed {
    /// The fuzz target whose corpus holds it.
    pub target: &'static str,
    /// File name inside `fuzz/corpus/<target>/`.
    pub name: &'static str,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl Seed {
    fn new(target: &'static str, name: &'static str, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            target,
            name,
            bytes: bytes.into(),
        }
    }
}

/// Every seed of every target.
pub fn all() -> Vec<Seed> {
    let mut seeds = signature_header();
    seeds.extend(task_message());
    seeds.extend(pipeline());
    seeds.extend(signed_payload());
    seeds
}

fn claims(tweak: impl FnOnce(&mut Claims)) -> Claims {
    let mut claims = Claims {
        key_id: String::new(),
        issued_at: ISSUED_AT,
        expires_at: 0,
        not_before: 0,
        max_retry: 3,
        schema_version: 1,
    };
    tweak(&mut claims);
    claims
}

fn header(key_id: &str, tweak: impl FnOnce(&mut Claims)) -> String {
    signing_ring(key_id).sign(&header_fields(), &claims(tweak))
}

/// Replaces the `index`th `:`-separated field of a header.
fn with_field(header: &str, index: usize, value: &str) -> String {
    let mut fields: Vec<&str> = header.split(':').collect();
    fields[index] = value;
    fields.join(":")
}

fn signature_header() -> Vec<Seed> {
    let t = "signature_header";
    let valid = header("fuzz-sign", |_| {});
    let mut flipped_tag = valid.clone();
    let last = if flipped_tag.ends_with('A') { "E" } else { "A" };
    flipped_tag.replace_range(flipped_tag.len() - 1.., last);
    vec![
        Seed::new(t, "valid", valid.clone()),
        Seed::new(t, "valid_verify_only_key", header("fuzz-old", |_| {})),
        Seed::new(
            t,
            "valid_with_times",
            header("fuzz-sign", |c| {
                c.expires_at = ISSUED_AT + 3600;
                c.not_before = ISSUED_AT + 60;
            }),
        ),
        Seed::new(t, "tag_changed", flipped_tag),
        Seed::new(t, "unknown_key", with_field(&valid, 1, "fuzz-none")),
        Seed::new(t, "retired_key", with_field(&valid, 1, "fuzz-gone")),
        Seed::new(t, "version_v2", with_field(&valid, 0, "v2")),
        Seed::new(t, "leading_zero", with_field(&valid, 5, "03")),
        Seed::new(
            t,
            "seven_fields",
            valid.rsplit_once(':').map_or("", |(head, _)| head),
        ),
        Seed::new(t, "empty", ""),
    ]
}

fn full_message() -> TaskMessage {
    let mut message = signed_task("test:probe", &probe_json("full", "ok"), 3);
    message.retried = 1;
    message.error_msg = "vetted: reason=unknown_key".to_owned();
    message.timeout = 30;
    message.deadline = 1_767_229_200;
    message.unique_key = "asynq:{default}:unique:test:probe:abc".to_owned();
    message.last_failed_at = 1_767_225_700;
    message.retention = 3600;
    message.completed_at = 1_767_225_800;
    message.group_key = "batch".to_owned();
    message
        .headers
        .insert("trace".to_owned(), "00-abc-01".to_owned());
    message
}

fn task_message() -> Vec<Seed> {
    let t = "task_message";
    let valid = signed_task("test:probe", &probe_json("seed", "ok"), 3).encode();
    let mut unknown_field = full_message().encode();
    unknown_field.extend_from_slice(&[0x80, 0x01, 0x2a]);
    let mut too_many_headers = TaskMessage::default();
    for i in 0..65 {
        too_many_headers
            .headers
            .insert(format!("h{i}"), String::new());
    }
    vec![
        Seed::new(t, "valid", valid.clone()),
        Seed::new(t, "all_fields", full_message().encode()),
        Seed::new(t, "unknown_field", unknown_field),
        Seed::new(t, "truncated", valid[..valid.len() / 2].to_vec()),
        Seed::new(t, "too_many_headers", too_many_headers.encode()),
        Seed::new(t, "empty", Vec::new()),
    ]
}

fn probe_message(tweak: impl FnOnce(&mut TaskMessage)) -> Vec<u8> {
    let mut message = signed_task("test:probe", &probe_json("seed", "ok"), 3);
    tweak(&mut message);
    message.encode()
}

fn resigned_probe(tweak: impl FnOnce(&mut Claims)) -> Vec<u8> {
    let mut message = signed_task("test:probe", &probe_json("seed", "ok"), 3);
    let fields = SignedFields {
        type_name: &message.type_name,
        queue: &message.queue,
        id: &message.id,
        payload: &message.payload,
    };
    let header = signing_ring("fuzz-sign").sign(&fields, &claims(tweak));
    message.headers.insert(HEADER.to_owned(), header);
    message.encode()
}

fn pipeline() -> Vec<Seed> {
    let t = "pipeline";
    let shape = br#"{"name":"seed","count":1,"delta":-1,"ratio":0.5,"tags":[],"note":null}"#;
    vec![
        Seed::new(t, "valid_probe", probe_message(|_| {})),
        Seed::new(t, "valid_shape", signed_shape(shape).encode()),
        Seed::new(
            t,
            "payload_changed",
            probe_message(|m| m.payload = probe_json("evil", "ok")),
        ),
        Seed::new(t, "unsigned", probe_message(|m| m.headers.clear())),
        Seed::new(
            t,
            "other_id",
            probe_message(|m| m.id = format!("{TASK_ID}-2")),
        ),
        Seed::new(
            t,
            "other_queue",
            probe_message(|m| m.queue = format!("{QUEUE}-2")),
        ),
        Seed::new(
            t,
            "unknown_type",
            probe_message(|m| m.type_name = "test:none".to_owned()),
        ),
        Seed::new(t, "retries_used_up", probe_message(|m| m.retried = 4)),
        Seed::new(
            t,
            "expired",
            resigned_probe(|c| c.expires_at = ISSUED_AT + 1),
        ),
        Seed::new(
            t,
            "schema_version_2",
            resigned_probe(|c| c.schema_version = 2),
        ),
        Seed::new(t, "not_protobuf", b"{\"label\":\"seed\"}".to_vec()),
    ]
}

fn signed_payload() -> Vec<Seed> {
    let t = "signed_payload";
    vec![
        Seed::new(
            t,
            "valid",
            r#"{"name":"seed","count":7,"delta":-3,"ratio":0.25,"tags":["a","b"],"note":"x"}"#,
        ),
        Seed::new(
            t,
            "duplicate_key",
            r#"{"name":"a","name":"b","count":1,"delta":0,"ratio":0,"tags":[],"note":null}"#,
        ),
        Seed::new(
            t,
            "unknown_field",
            r#"{"name":"a","count":1,"delta":0,"ratio":0,"tags":[],"note":null,"admin":true}"#,
        ),
        Seed::new(
            t,
            "rule_broken",
            r#"{"name":"","count":1001,"delta":0,"ratio":2.5,"tags":[],"note":null}"#,
        ),
        Seed::new(
            t,
            "number_out_of_range",
            r#"{"name":"a","count":4294967296,"delta":-0,"ratio":1e400,"tags":[],"note":null}"#,
        ),
        Seed::new(
            t,
            "byte_order_mark",
            "\u{feff}{\"name\":\"a\",\"count\":1,\"delta\":0,\"ratio\":0,\"tags\":[],\"note\":null}",
        ),
        Seed::new(
            t,
            "trailing_value",
            r#"{"name":"a","count":1,"delta":0,"ratio":0,"tags":[],"note":null} {}"#,
        ),
        Seed::new(t, "deep_note", format!("{{\"note\":{}", "[".repeat(200))),
        Seed::new(t, "lone_surrogate", r#"{"name":"\ud800","count":1}"#),
    ]
}
