//! What an attacker builds: signed messages to tamper with, forged signature headers,
//! and key rings the worker does or does not trust.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use vetted::signing::{Claims, HEADER, KeyRing, SignedFields};
use vetted::wire::TaskMessage;

use super::CANARY;

/// The worker's ring: signs with `atk-k1`, still verifies `atk-k0`, and lists `atk-old`
/// as retired. Throwaway secrets.
pub const WORKER_RING: &str = "sign atk-k1 hex:3c1f9a7e5d2b8c4f6a0e1d3b5c7f9a2e4d6b8c0f1a3e5d7b9c2f4a6e8d0b1c3f; \
     verify atk-k0 hex:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90; \
     retired atk-old";
/// A producer still signing with the retired key.
pub const RETIRED_SIGNER: &str =
    "sign atk-old hex:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
/// A producer signing with the older, verify-only key (rotation overlap).
pub const PREVIOUS_SIGNER: &str =
    "sign atk-k0 hex:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
/// Staging's ring, whose key id the worker does not know.
pub const STAGING_RING: &str =
    "sign atk-staging hex:5566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344";
/// Staging's ring reusing production's key id with its own secret.
pub const STAGING_SAME_KID: &str =
    "sign atk-k1 hex:99887766554433221100ffeeddccbbaa99887766554433221100ffeeddccbbaa";

/// A key ring from one of the texts above.
pub fn ring(text: &str) -> KeyRing {
    KeyRing::parse(text).expect("test key ring parses")
}

/// Unix seconds now.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A label that carries the canary, unique to this call, ending in `x` (so that
/// flipping its lowest bit gives `y`).
pub fn hostile_label(row: &str) -> String {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    format!("{CANARY}{row}-{}-x", &nonce[..8])
}

/// The JSON of a note.
pub fn note_json(label: &str, action: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "label": label, "action": action }))
        .expect("JSON of a note")
}

/// A message of `type_name` on `queue` with a fresh id, signed by `signer` over
/// `payload`, with claims adjusted by `tweak`. Not enqueued.
pub fn signed(
    signer: &KeyRing,
    type_name: &str,
    queue: &str,
    payload: &[u8],
    tweak: impl FnOnce(&mut Claims),
) -> TaskMessage {
    let mut message = TaskMessage {
        type_name: type_name.to_owned(),
        payload: payload.to_vec(),
        id: uuid::Uuid::new_v4().to_string(),
        queue: queue.to_owned(),
        retry: 3,
        timeout: 5,
        ..TaskMessage::default()
    };
    let mut claims = Claims {
        key_id: signer.signing_key_id().to_owned(),
        issued_at: now_secs(),
        expires_at: 0,
        not_before: 0,
        max_retry: 3,
        schema_version: 1,
    };
    tweak(&mut claims);
    resign(signer, &mut message, &claims);
    message
}

/// Replaces the signature header with one `signer` makes for the message as it is now.
pub fn resign(signer: &KeyRing, message: &mut TaskMessage, claims: &Claims) {
    let fields = SignedFields {
        type_name: &message.type_name,
        queue: &message.queue,
        id: &message.id,
        payload: &message.payload,
    };
    let header = signer.sign(&fields, claims);
    message.headers.insert(HEADER.to_owned(), header);
}

/// The signature header of a message.
pub fn header_of(message: &TaskMessage) -> String {
    message.headers.get(HEADER).cloned().unwrap_or_default()
}

/// Sets the signature header to `value`.
pub fn set_header(message: &mut TaskMessage, value: String) {
    message.headers.insert(HEADER.to_owned(), value);
}

/// The header's text before its tag (`v1:kid:...:schema:`) and its tag bytes.
pub fn split_tag(header: &str) -> (String, Vec<u8>) {
    let cut = header.rfind(':').expect("a header has fields") + 1;
    let tag = URL_SAFE_NO_PAD
        .decode(&header[cut..])
        .expect("tag is base64url");
    (header[..cut].to_owned(), tag)
}

/// The header with its tag replaced by `tag`, encoded as the scheme does.
pub fn with_tag(header: &str, tag: &[u8]) -> String {
    let (prefix, _) = split_tag(header);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(tag))
}

/// Appends an unknown protobuf field (number 99, varint 1) to an encoded message, as a
/// newer asynq could.
pub fn with_unknown_field(encoded: &[u8]) -> Vec<u8> {
    let mut bytes = encoded.to_vec();
    // Key of field 99, wire type 0: (99 << 3) | 0 = 792 = 0x98 0x06; value 1.
    bytes.extend_from_slice(&[0x98, 0x06, 0x01]);
    bytes
}

/// Bytes that are no protobuf `TaskMessage`, with the canary inside.
pub fn garbage_message() -> Vec<u8> {
    let mut bytes = vec![0xff, 0xff, 0xff, 0x0f];
    bytes.extend_from_slice(CANARY.as_bytes());
    bytes.extend_from_slice(&[0x0a, 0xff, 0x01]);
    bytes
}
