//! What each fuzz target in `fuzz/` does with one input, shared with
//! `tests/fuzz_corpora.rs` so that the seed corpora run on stable exactly as the fuzzer
//! runs them.
//!
//! Every function takes the raw input, runs one stage of the worker on it and panics
//! only when an invariant of that stage breaks. The pipeline functions read the
//! process-wide [`vetted::json::parse_calls`] counter, so nothing else in the process
//! may decode JSON while they run.

use std::cell::RefCell;

use vetted::broker::memory::MemoryBroker;
use vetted::json;
use vetted::reason::Reason;
use vetted::signing::{Claims, HEADER, KeyRing, SignedFields};
use vetted::wire::{DecodeLimits, MessageUpdate, TaskMessage, rewrite};
use vetted::worker::{Outcome, Worker};
use vetted::{HandlerError, Task, Verified};

use crate::fixtures::{Calls, probe};

/// Queue of every task the pipeline targets plant.
pub const QUEUE: &str = "default";
/// Id under which the pipeline targets plant their input.
pub const TASK_ID: &str = "fuzz-task";
/// Issue time of every seed signature: 2026-01-01T00:00:00Z.
pub const ISSUED_AT: u64 = 1_767_225_600;

/// The secret of the signing key `fuzz-sign`.
const SIGN_SECRET: &str = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
/// The secret of the verify-only key `fuzz-old`.
const OLD_SECRET: &str = "hex:202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";

/// The fixed key ring of the fuzz targets: a signing key, a verify-only key and a
/// retired key id, so every branch of the key lookup is reachable.
pub fn keyring() -> KeyRing {
    let text =
        format!("sign fuzz-sign {SIGN_SECRET}; verify fuzz-old {OLD_SECRET}; retired fuzz-gone");
    KeyRing::parse(&text).expect("the fuzz key ring is valid")
}

/// A ring that signs with the fuzz ring's key `key_id` (`fuzz-sign` or `fuzz-old`).
pub fn signing_ring(key_id: &str) -> KeyRing {
    let secret = if key_id == "fuzz-old" {
        OLD_SECRET
    } else {
        SIGN_SECRET
    };
    KeyRing::parse(&format!("sign {key_id} {secret}")).expect("the fuzz key ring is valid")
}

/// The task identity the signature header target verifies against.
pub fn header_fields() -> SignedFields<'static> {
    SignedFields {
        type_name: "test:probe",
        queue: QUEUE,
        id: TASK_ID,
        payload: br#"{"label":"fuzz","action":"ok"}"#,
    }
}

/// A task with a field of each kind the JSON stage must decode strictly; its handler
/// always succeeds, so fuzzed payloads that pass every check never stop the fuzzer.
#[vetted::task(name = "fuzz:shape", queue = "default", max_retry = 0)]
pub struct Shape {
    /// A bounded name.
    #[validate(length(min = 1, max = 16))]
    pub name: String,
    /// A bounded count.
    #[validate(range(max = 1000))]
    pub count: u32,
    /// Any signed integer.
    pub delta: i64,
    /// A ratio between 0 and 1.
    #[validate(range(min = 0.0, max = 1.0))]
    pub ratio: f64,
    /// At most eight tags.
    #[validate(length(max = 8))]
    pub tags: Vec<String>,
    /// An optional note.
    pub note: Option<String>,
}

/// Accepts every shape.
#[vetted::handler]
pub async fn shape(_task: Verified<Shape>) -> Result<(), HandlerError> {
    Ok(())
}

/// Runs `data` as a `vetted-sig` header value through [`KeyRing::verify`].
///
/// Invariant: a header that verifies names the signing or the verify-only key and is
/// the one [`KeyRing::sign`] writes for its claims with that key, byte for byte (every
/// field has a single spelling); a refusal names a signature reason.
pub fn signature_header(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let ring = keyring();
    let fields = header_fields();
    match ring.verify(&text, &fields) {
        Ok(claims) => {
            assert!(claims.is_well_formed(), "verified claims break the grammar");
            assert!(["fuzz-sign", "fuzz-old"].contains(&claims.key_id.as_str()));
            let resigned = signing_ring(&claims.key_id).sign(&fields, &claims);
            assert_eq!(resigned, text, "a verified header has one spelling");
        }
        Err(rejection) => {
            let header_reasons = [
                Reason::MalformedSignature,
                Reason::UnsupportedScheme,
                Reason::UnknownKey,
                Reason::RetiredKey,
                Reason::BadSignature,
            ];
            assert!(header_reasons.contains(&rejection.reason), "{rejection}");
            assert_eq!(rejection.payload_len, Some(fields.payload.len()));
        }
    }
}

/// Runs `data` through [`TaskMessage::decode`] with the worker's limits and, when it
/// decodes, through [`rewrite`].
///
/// Invariants: a decoded message respects the header caps; encoding it and decoding
/// again gives the same message, and that encoding is stable; rewriting the original
/// bytes changes exactly the updated fields.
pub fn task_message(data: &[u8]) {
    let limits = DecodeLimits::default();
    let Ok(message) = TaskMessage::decode(data, &limits) else {
        return;
    };
    assert!(message.headers.len() <= limits.max_headers);
    let header_bytes: usize = message.headers.iter().map(|(k, v)| k.len() + v.len()).sum();
    assert!(header_bytes <= limits.max_header_bytes);
    let encoded = message.encode();
    let again = TaskMessage::decode(&encoded, &limits).expect("an encoded message decodes");
    assert_eq!(again, message, "encode then decode is the identity");
    assert_eq!(again.encode(), encoded, "encoding is stable");
    check_rewrite(data, &message, &limits);
}

fn check_rewrite(data: &[u8], message: &TaskMessage, limits: &DecodeLimits) {
    let update = MessageUpdate {
        retried: Some(message.retried.wrapping_add(1)),
        error_msg: Some("vetted: reason=bad_signature".to_owned()),
        last_failed_at: Some(ISSUED_AT as i64),
        completed_at: None,
    };
    let rewritten = rewrite(data, &update).expect("a decodable message can be rewritten");
    let patched = TaskMessage::decode(&rewritten, limits).expect("a rewritten message decodes");
    let expected = TaskMessage {
        retried: message.retried.wrapping_add(1),
        error_msg: "vetted: reason=bad_signature".to_owned(),
        last_failed_at: ISSUED_AT as i64,
        ..message.clone()
    };
    assert_eq!(patched, expected, "rewrite changes only the updated fields");
}

/// Plants `data` as the stored message of a pending task and lets a worker process it.
///
/// Invariants: the worker returns the task it planted with no broker error; the JSON
/// parser runs at most once, and only for a message whose id and queue match its key
/// and whose signature verifies with the fuzz key ring; a completed task was parsed.
pub fn pipeline(data: &[u8]) -> Outcome {
    RIG.with(|rig| rig.borrow().process(data))
}

/// Signs `data` as the payload of a [`Shape`] task with the fuzz key ring, then runs
/// the message through [`pipeline`].
///
/// Invariants, beyond those of [`pipeline`]: a payload within the type's cap is parsed
/// exactly once, a larger one never; the task completes exactly when plain `serde_json`
/// and validation accept the payload (and it is UTF-8 with no byte order mark), and is
/// otherwise archived with the matching reason.
pub fn signed_payload(data: &[u8]) -> Outcome {
    let message = signed_shape(data);
    let within_cap = data.len() <= <Shape as Task>::OPTIONS.max_payload_bytes;
    let before = json::parse_calls();
    let outcome = pipeline(&message.encode());
    let parsed = json::parse_calls() - before;
    assert_eq!(parsed, u64::from(within_cap), "parsed {parsed} times");
    if !within_cap {
        assert_refused(&outcome, Reason::Oversize);
        return outcome;
    }
    match shape_verdict(data) {
        None => assert_eq!(outcome, Outcome::Completed),
        Some(reason) => assert_refused(&outcome, reason),
    }
    outcome
}

/// A [`Shape`] task message with payload `payload`, signed by the fuzz signing key.
pub fn signed_shape(payload: &[u8]) -> TaskMessage {
    signed_task("fuzz:shape", payload, 0)
}

/// A task message of type `type_name` planted under [`TASK_ID`], signed by the fuzz
/// signing key with no expiry.
pub fn signed_task(type_name: &str, payload: &[u8], max_retry: u32) -> TaskMessage {
    let mut message = TaskMessage {
        type_name: type_name.to_owned(),
        payload: payload.to_vec(),
        id: TASK_ID.to_owned(),
        queue: QUEUE.to_owned(),
        retry: i32::try_from(max_retry).unwrap_or(i32::MAX),
        ..TaskMessage::default()
    };
    let claims = Claims {
        key_id: String::new(),
        issued_at: ISSUED_AT,
        expires_at: 0,
        not_before: 0,
        max_retry,
        schema_version: 1,
    };
    let fields = SignedFields {
        type_name: &message.type_name,
        queue: &message.queue,
        id: &message.id,
        payload: &message.payload,
    };
    let header = keyring().sign(&fields, &claims);
    message.headers.insert(HEADER.to_owned(), header);
    message
}

/// Why the worker should refuse a shape payload, judged without vetted's JSON stage.
fn shape_verdict(data: &[u8]) -> Option<Reason> {
    if data.starts_with(b"\xEF\xBB\xBF") || std::str::from_utf8(data).is_err() {
        return Some(Reason::DecodeError);
    }
    match serde_json::from_slice::<Shape>(data) {
        Err(_) => Some(Reason::DecodeError),
        Ok(value) if vetted::validate::validate(&value).is_err() => Some(Reason::ValidationError),
        Ok(_) => None,
    }
}

fn assert_refused(outcome: &Outcome, reason: Reason) {
    let prefix = format!("vetted: reason={} ", reason.code());
    match outcome {
        Outcome::Archived { error } | Outcome::Quarantined { error } => {
            assert!(error.starts_with(&prefix), "{error}");
        }
        other => panic!("expected a refusal with {reason}, got {other:?}"),
    }
}

thread_local! {
    static RIG: RefCell<PipelineRig> = RefCell::new(PipelineRig::new());
}

/// A worker with the probe and shape handlers on an in-memory broker, and a
/// single-threaded runtime to drive it; one per thread.
struct PipelineRig {
    runtime: tokio::runtime::Runtime,
    broker: MemoryBroker,
    worker: Worker,
    calls: Calls,
    ring: KeyRing,
}

impl PipelineRig {
    fn new() -> Self {
        let broker = MemoryBroker::new();
        let calls = Calls::default();
        let worker = Worker::builder(broker.clone())
            .handler::<probe>()
            .handler::<shape>()
            .keyring(keyring())
            .state(calls.clone())
            .build()
            .expect("the fuzz worker builds");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime starts");
        Self {
            runtime,
            broker,
            worker,
            calls,
            ring: keyring(),
        }
    }

    fn process(&self, data: &[u8]) -> Outcome {
        self.broker.clear();
        self.broker
            .push_raw_pending(QUEUE, TASK_ID, Some(data.to_vec()));
        let handled_before = self.calls.labels().len();
        let parsed_before = json::parse_calls();
        let processed = self
            .runtime
            .block_on(self.worker.process_one())
            .expect("the in-memory broker does not fail")
            .expect("the planted task is dequeued");
        let parsed = json::parse_calls() - parsed_before;
        assert_eq!(
            (processed.queue.as_str(), processed.id.as_str()),
            (QUEUE, TASK_ID)
        );
        assert!(parsed <= 1, "the payload was parsed {parsed} times");
        if parsed == 1 {
            self.assert_verifies(data);
        }
        let handled = self.calls.labels().len() > handled_before;
        if handled || processed.outcome == Outcome::Completed {
            assert_eq!(parsed, 1, "a handler ran on an unparsed payload");
        }
        processed.outcome
    }

    /// Checks, independently of the worker, that `data` is a message the worker was
    /// allowed to parse.
    fn assert_verifies(&self, data: &[u8]) {
        let message = TaskMessage::decode(data, &DecodeLimits::default())
            .expect("parsed a payload of an undecodable message");
        assert_eq!(
            (message.queue.as_str(), message.id.as_str()),
            (QUEUE, TASK_ID)
        );
        let header = message
            .headers
            .get(HEADER)
            .expect("parsed an unsigned payload");
        let fields = SignedFields {
            type_name: &message.type_name,
            queue: &message.queue,
            id: &message.id,
            payload: &message.payload,
        };
        let claims = self
            .ring
            .verify(header, &fields)
            .expect("parsed a payload whose MAC fails");
        assert_eq!(
            claims.schema_version, 1,
            "parsed a payload of another schema version"
        );
    }
}
