//! Flood benchmark: 10,000 tasks on a real redis-server, 1% of them hostile in eight
//! ways. Asserts correctness only: every hostile task refused with its reason code,
//! every legitimate one handled exactly once, no id lost. Measures and prints the
//! throughput with and without the hostile 1%, and the per-task cost of refusing a
//! forged 1 KiB task and of accepting a good one. Timings are never asserted.
//!
//! Run it alone for figures: `cargo test -p vetted-tests --test flood -- --nocapture`
//! (add `--release` for an optimised build).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use redis::Commands;
use vetted::reason::{Disposition, Reason};
use vetted::signing::{HEADER, KeyRing, SignedFields};
use vetted::validate::validate;
use vetted::wire::{DecodeLimits, TaskMessage};
use vetted::worker::Worker;
use vetted_tests::attack::{
    Arena, CANARY, Note, capture, garbage_message, header_of, hostile_label, note_json, now_secs,
    set_header, signed, split_tag, task_key, with_tag,
};
use vetted_tests::quarantine_stream::read_quarantine;

const TOTAL: usize = 10_000;
/// One task in a hundred is hostile.
const HOSTILE_EVERY: usize = 100;
const CONCURRENCY: usize = 8;
/// Tasks per micro-measurement.
const MICRO_TASKS: usize = 2_000;
/// Iterations of the in-process check stages.
const STAGE_ROUNDS: usize = 20_000;

/// The eight hostile shapes, with the reason code each must be refused with.
const KINDS: [&str; 8] = [
    "tampered",
    "unsigned",
    "unknown key",
    "expired",
    "oversize",
    "garbage",
    "wrong queue",
    "invalid field",
];

fn code_of(kind: &str) -> &'static str {
    match kind {
        "tampered" | "wrong queue" => "bad_signature",
        "unsigned" => "unsigned",
        "unknown key" => "unknown_key",
        "expired" => "expired",
        "oversize" => "oversize",
        "garbage" => "malformed_message",
        _ => "validation_error",
    }
}

/// Plants one hostile task of `kind` with raw writes; returns its id.
fn plant_hostile(arena: &Arena, stranger: &KeyRing, kind: &str) -> String {
    let label = hostile_label("flood");
    let note = |action: &str| note_json(&label, action);
    let sign =
        |ring: &KeyRing, payload: &[u8]| signed(ring, "atk:note", "default", payload, |_| {});
    let mut message = match kind {
        "unknown key" => sign(stranger, &note("ok")),
        "expired" => signed(&arena.keyring, "atk:note", "default", &note("ok"), |c| {
            c.issued_at = now_secs() - 7200;
            c.expires_at = now_secs() - 3600;
        }),
        "oversize" => sign(
            &arena.keyring,
            &note_json(&format!("{label}{}", " ".repeat(70_000)), "ok"),
        ),
        "invalid field" => sign(&arena.keyring, &note("far-too-long-an-action")),
        "wrong queue" => signed(&arena.keyring, "atk:note", "low", &note("ok"), |_| {}),
        _ => sign(&arena.keyring, &note("ok")),
    };
    match kind {
        "tampered" => {
            let at = message.payload.len() - 3;
            message.payload[at] ^= 1;
        }
        "unsigned" => message.headers.clear(),
        "wrong queue" => message.queue = "default".to_owned(),
        "garbage" => {
            arena.plant_bytes("default", &message.id, &garbage_message());
            return message.id;
        }
        _ => {}
    }
    arena.plant(&message)
}

/// What one round produced.
struct Round {
    elapsed: Duration,
    legit: Vec<String>,
    hostile: Vec<(String, &'static str)>,
}

/// Enqueues `TOTAL` tasks (1% hostile when `with_hostile`), runs a worker until every
/// one is handled or archived, and checks the outcome of each.
async fn round(with_hostile: bool) -> Round {
    let arena = Arena::start().await;
    let stranger = KeyRing::ephemeral("flood-unknown");
    let mut hostile = Vec::new();
    let mut legit_count = 0;
    for i in 0..TOTAL {
        if with_hostile && i % HOSTILE_EVERY == HOSTILE_EVERY / 2 {
            let kind = KINDS[(i / HOSTILE_EVERY) % KINDS.len()];
            hostile.push((plant_hostile(&arena, &stranger, kind), code_of(kind)));
        } else {
            legit_count += 1;
        }
    }
    let client = arena.client.clone();
    let legit: Vec<String> = futures::stream::iter(0..legit_count)
        .map(|i| {
            let client = client.clone();
            async move {
                let note = Note::new(&format!("flood-{i}"), "ok");
                client.enqueue(&note).await.expect("enqueue").id
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;

    let builder = arena.builder().configure(|c| {
        c.concurrency = CONCURRENCY;
        c.poll_interval = Duration::from_millis(5);
        c.unknown_key_retries = 0;
    });
    let started = Instant::now();
    let worker = arena.spawn(builder);
    arena.wait_settled().await;
    let elapsed = started.elapsed();
    assert!(worker.is_running(), "the worker survived the flood");
    worker.stop().await;

    check_outcomes(&arena, &legit, &hostile);
    Round {
        elapsed,
        legit,
        hostile,
    }
}

/// Every legitimate id handled once and deleted, every hostile one refused with its code
/// and never handled (archived after verification, quarantined before), nothing left
/// anywhere else.
fn check_outcomes(arena: &Arena, legit: &[String], hostile: &[(String, &'static str)]) {
    let mut runs: HashMap<String, usize> = HashMap::new();
    for id in arena.calls.ids() {
        *runs.entry(id).or_default() += 1;
    }
    let mut redis = arena.redis();
    for id in legit {
        assert_eq!(runs.get(id), Some(&1), "{id} handled exactly once");
    }
    let (archived, quarantined): (Vec<_>, Vec<_>) = hostile.iter().partition(|(_, code)| {
        let reason = Reason::from_code(code).expect("a reason code");
        reason.after_retries() == Disposition::Archive
    });
    let left: Vec<String> = redis.keys("asynq:{default}:t:*").unwrap();
    assert_eq!(
        left.len(),
        archived.len(),
        "only the archived tasks are kept"
    );
    let archived_len: usize = redis.zcard("asynq:{default}:archived").unwrap();
    assert_eq!(
        archived_len,
        archived.len(),
        "every verified hostile task archived"
    );
    let entries: HashMap<String, String> = read_quarantine(&mut redis, "default")
        .into_iter()
        .map(|entry| (entry.task_id(), entry.text("reason").unwrap_or_default()))
        .collect();
    assert_eq!(
        entries.len(),
        quarantined.len(),
        "every unproven task quarantined"
    );
    for (id, code) in quarantined {
        assert_eq!(runs.get(id), None, "{id} never handled");
        assert_eq!(entries.get(id).map(String::as_str), Some(*code), "{id}");
    }
    for (id, code) in archived {
        assert_eq!(runs.get(id), None, "{id} never handled");
        let state: String = redis.hget(task_key("default", id), "state").unwrap();
        assert_eq!(state, "archived", "{id}");
        let error = arena.stored("default", id).unwrap().error_msg;
        assert!(
            error.starts_with(&format!("vetted: reason={code}")),
            "{id}: {error}, expected {code}"
        );
    }
    for set in ["retry", "scheduled", "lease", "completed"] {
        let n: usize = redis.zcard(format!("asynq:{{default}}:{set}")).unwrap();
        assert_eq!(n, 0, "nothing left in {set}");
    }
    let refusals = capture::logs()
        .lines()
        .filter(|l| l.contains("task refused") || l.contains("task quarantined"))
        .count();
    assert!(refusals >= hostile.len(), "every refusal logged");
    arena.assert_no_canary();
}

/// A note with a 1 KiB payload, signed by the worker's key.
fn one_kib_note(arena: &Arena) -> TaskMessage {
    let label = format!("{CANARY}{}", "k".repeat(40));
    let mut payload = note_json(&label, "ok");
    let pad = 1024 - payload.len();
    payload.splice(1..1, vec![b' '; pad]);
    assert_eq!(payload.len(), 1024);
    signed(&arena.keyring, "atk:note", "default", &payload, |_| {})
}

/// `one_kib_note` with its tag changed.
fn forged_one_kib(arena: &Arena) -> TaskMessage {
    let mut message = one_kib_note(arena);
    let header = header_of(&message);
    let (_, mut tag) = split_tag(&header);
    tag[5] ^= 0x40;
    set_header(&mut message, with_tag(&header, &tag));
    message
}

/// Average time of `process_one` over a queue pre-filled with `MICRO_TASKS` copies
/// of `make`'s message: the whole path, Redis round trips included.
async fn per_task_through_redis(make: fn(&Arena) -> TaskMessage) -> Duration {
    let arena = Arena::start().await;
    for _ in 0..MICRO_TASKS {
        arena.plant(&make(&arena));
    }
    let worker: Worker = arena.builder().build().unwrap();
    let started = Instant::now();
    let mut n = 0;
    while worker.process_one().await.unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, MICRO_TASKS);
    started.elapsed() / u32::try_from(MICRO_TASKS).unwrap()
}

/// Average time of the worker's check stages done in process, without Redis: decode
/// the message, verify the signature (and, when it passes, the times), decode the
/// JSON strictly and validate. Returns whether the last message was accepted.
fn per_task_in_process(keyring: &KeyRing, raw: &[u8]) -> (Duration, bool) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut accepted = false;
    let started = Instant::now();
    for _ in 0..STAGE_ROUNDS {
        let message = TaskMessage::decode(raw, &DecodeLimits::default()).expect("decodes");
        let fields = SignedFields {
            type_name: &message.type_name,
            queue: &message.queue,
            id: &message.id,
            payload: &message.payload,
        };
        let header = message.headers.get(HEADER).expect("signed");
        accepted = keyring
            .verify(header, &fields)
            .ok()
            .filter(|claims| claims.check_time(now).is_ok())
            .and_then(|_| serde_json::from_slice::<Note>(&message.payload).ok())
            .is_some_and(|note| validate(&note).is_ok());
    }
    (
        started.elapsed() / u32::try_from(STAGE_ROUNDS).unwrap(),
        accepted,
    )
}

fn per_second(tasks: usize, elapsed: Duration) -> f64 {
    tasks as f64 / elapsed.as_secs_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flood_of_ten_thousand_tasks_one_percent_hostile() {
    capture::install_at(tracing::Level::INFO);
    let clean = round(false).await;
    assert!(clean.hostile.is_empty());
    assert_eq!(clean.legit.len(), TOTAL);
    let mixed = round(true).await;
    assert_eq!(mixed.hostile.len(), TOTAL / HOSTILE_EVERY);
    assert_eq!(mixed.legit.len() + mixed.hostile.len(), TOTAL);

    let clean_rate = per_second(TOTAL, clean.elapsed);
    let mixed_rate = per_second(TOTAL, mixed.elapsed);
    println!("flood: {TOTAL} tasks, concurrency {CONCURRENCY}, one redis-server on loopback");
    println!(
        "flood: all legitimate      {:>8.1?}  {clean_rate:>8.0} tasks/s",
        clean.elapsed
    );
    println!(
        "flood: 1% hostile ({} kinds) {:>8.1?}  {mixed_rate:>8.0} tasks/s",
        KINDS.len(),
        mixed.elapsed
    );
    println!(
        "flood: throughput ratio hostile/clean = {:.3}",
        mixed_rate / clean_rate
    );

    let reject = per_task_through_redis(forged_one_kib).await;
    let accept = per_task_through_redis(one_kib_note).await;
    println!(
        "per task through process_one and Redis: reject forged 1 KiB {reject:?}, accept good 1 KiB {accept:?}"
    );

    let arena = Arena::start().await;
    let (reject_cpu, forged_passed) =
        per_task_in_process(&arena.keyring, &forged_one_kib(&arena).encode());
    let (accept_cpu, good_passed) =
        per_task_in_process(&arena.keyring, &one_kib_note(&arena).encode());
    assert!(!forged_passed && good_passed);
    println!(
        "per task in process, check stages only: reject forged 1 KiB {reject_cpu:?}, verify+decode+validate good 1 KiB {accept_cpu:?}"
    );
}
