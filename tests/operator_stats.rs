//! The `stats` command of the generated CLI, end to end: the example worker binary runs
//! on a real redis-server, refuses a tampered and an unsigned task, and a separate
//! `stats` process (without any key) shows the refusals by reason and key id, the
//! verified signatures by key id, and asynq's queue counters. Data planted in Redis
//! (a key of the wrong type, a field name that is not UTF-8, a counter that is not a
//! number, a huge entry) spoils only what it touches in `stats` and `quarantine`.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use vetted::broker::redis::RedisBroker;
use vetted::broker::{Broker, MAX_LISTED_TEXT};
use vetted::signing::{Claims, HEADER, KeyRing, SignedFields};
use vetted::wire::TaskMessage;
use vetted_tests::go_harness::KEYRING;
use vetted_tests::redis_server::RedisServer;

const WORKER: &str = env!("CARGO_BIN_EXE_example-worker");
const WELCOME: &str = r#"{"email":"ada@example.com","name":"Ada"}"#;

/// A welcome email task signed with the shared ring, not yet enqueued.
fn signed_welcome(id: &str) -> TaskMessage {
    let mut message = TaskMessage {
        type_name: "email:welcome".to_owned(),
        payload: WELCOME.as_bytes().to_vec(),
        id: id.to_owned(),
        queue: "default".to_owned(),
        retry: 5,
        timeout: 30,
        ..TaskMessage::default()
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let claims = Claims {
        key_id: String::new(),
        issued_at: now,
        expires_at: 0,
        not_before: 0,
        max_retry: 5,
        schema_version: 1,
    };
    let fields = SignedFields {
        type_name: &message.type_name,
        queue: &message.queue,
        id: &message.id,
        payload: &message.payload,
    };
    let header = KeyRing::parse(KEYRING).unwrap().sign(&fields, &claims);
    message.headers.insert(HEADER.to_owned(), header);
    message
}

/// A child process that is killed if the test ends before it did.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Runs the example worker binary with `args` to completion.
fn cli_output(args: &[&str]) -> std::process::Output {
    Command::new(WORKER)
        .args(args)
        .env_remove("VETTED_KEYRING")
        .env("RUST_LOG", "warn")
        .output()
        .expect("example worker runs")
}

/// Runs the example worker binary with `args` to completion; returns its stdout.
fn run_cli(args: &[&str]) -> String {
    let output = cli_output(args);
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// The `stats` report as section title to the rows of that section, each row split on
/// whitespace.
fn parse_report(report: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut sections: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    let mut current = String::new();
    for line in report.lines() {
        if let Some(title) = line.strip_suffix(':').filter(|_| !line.starts_with(' ')) {
            current = title.to_owned();
            sections.entry(current.clone()).or_default();
        } else {
            let row = line.split_whitespace().map(str::to_owned).collect();
            sections.entry(current.clone()).or_default().push(row);
        }
    }
    sections
}

fn rows(sections: &BTreeMap<String, Vec<Vec<String>>>, title: &str) -> Vec<Vec<String>> {
    sections.get(title).cloned().unwrap_or_default()
}

fn pair(name: &str, count: u64) -> Vec<String> {
    vec![name.to_owned(), count.to_string()]
}

#[tokio::test(flavor = "multi_thread")]
async fn stats_shows_what_the_running_worker_refused_and_verified() {
    let redis = RedisServer::start();
    let url = redis.url();
    let mut worker = Running(
        Command::new(WORKER)
            .args(["work", "--redis-url", &url, "--concurrency", "2"])
            .args(["--queue", "default"])
            .env("VETTED_KEYRING", KEYRING)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("example worker starts"),
    );

    let before = parse_report(&run_cli(&["stats", "--redis-url", &url]));
    assert_eq!(rows(&before, "rejected by reason"), [["(none)"]]);

    let enqueued = Command::new(WORKER)
        .args(["enqueue", "--redis-url", &url, "email:welcome", WELCOME])
        .env("VETTED_KEYRING", KEYRING)
        .output()
        .expect("enqueue runs");
    assert!(enqueued.status.success(), "{enqueued:?}");
    let broker = RedisBroker::connect(&url).await.unwrap();
    let mut tampered = signed_welcome("tampered");
    tampered.payload = br#"{"email":"eve@example.com","name":"Ada"}"#.to_vec();
    broker.enqueue(&tampered, None).await.unwrap();
    let mut unsigned = signed_welcome("unsigned");
    unsigned.headers.clear();
    broker.enqueue(&unsigned, None).await.unwrap();

    // The worker adds its counts to Redis on every heartbeat (5 s by default).
    let deadline = Instant::now() + Duration::from_secs(30);
    let report = loop {
        let report = run_cli(&["stats", "--redis-url", &url]);
        let sections = parse_report(&report);
        if rows(&sections, "rejected by reason").len() == 2
            && rows(&sections, "verified by key") != [["(none)"]]
        {
            break sections;
        }
        assert!(Instant::now() < deadline, "counts never showed:\n{report}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(
        rows(&report, "rejected by reason"),
        [pair("bad_signature", 1), pair("unsigned", 1)]
    );
    assert_eq!(rows(&report, "rejected by key"), [pair("interop-k1", 1)]);
    assert_eq!(rows(&report, "verified by key"), [pair("interop-k1", 1)]);
    let queues = rows(&report, "queues");
    assert_eq!(queues[0][0], "QUEUE");
    let default: Vec<&str> = queues[1].iter().map(String::as_str).collect();
    // QUEUE PENDING ACTIVE SCHEDULED RETRY ARCHIVED COMPLETED PROCESSED FAILED (today)
    // QUARANTINED: both forgeries went to the quarantine store, none to the archive.
    assert_eq!(
        default,
        ["default", "0", "0", "0", "0", "0", "0", "3", "2", "2"]
    );

    let status = Command::new("kill")
        .args(["-TERM", &worker.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        worker.0.wait().unwrap().success(),
        "worker shuts down cleanly"
    );
    let after = parse_report(&run_cli(&["stats", "--redis-url", &url]));
    assert_eq!(
        rows(&after, "rejected by reason"),
        [pair("bad_signature", 1), pair("unsigned", 1)],
        "counts are not added twice at shutdown"
    );
}

/// Plants data no worker writes: a string where `mail`'s quarantine stream belongs, an
/// entry in `media`'s stream with a field name that is not UTF-8 and a 4 MiB `msg`, and
/// a counter that is not a number.
fn plant_bad_data(redis: &RedisServer) {
    let mut conn = redis.connection();
    let _: () = redis::cmd("SET")
        .arg("vetted:{mail}:quarantine")
        .arg("not a stream")
        .query(&mut conn)
        .unwrap();
    let _: String = redis::cmd("XADD")
        .arg("vetted:{media}:quarantine")
        .arg("*")
        .arg(b"\xff\xfe".as_slice())
        .arg("v")
        .arg("task_id")
        .arg("planted")
        .arg("reason")
        .arg("bad_signature")
        .arg("msg")
        .arg(vec![b'x'; 4 << 20])
        .query(&mut conn)
        .unwrap();
    let _: () = redis::cmd("HSET")
        .arg("vetted:{stats}:rejected")
        .arg("unsigned")
        .arg("3")
        .arg("junk")
        .arg("lots")
        .query(&mut conn)
        .unwrap();
}

#[test]
fn planted_data_spoils_only_what_it_touches() {
    let redis = RedisServer::start();
    let url = redis.url();
    plant_bad_data(&redis);
    let queues = ["--queue", "mail", "--queue", "media"];

    let output = cli_output(&[&["stats", "--redis-url", &url], &queues[..]].concat());
    let report = String::from_utf8(output.stdout).unwrap();
    assert!(!output.status.success(), "a failure shows in the exit code");
    let sections = parse_report(&report);
    assert_eq!(rows(&sections, "rejected by reason"), [pair("unsigned", 3)]);
    let rows = rows(&sections, "queues");
    assert_eq!(rows[1][0], "mail");
    assert_eq!(rows[1][9], "?", "{report}");
    assert_eq!(
        rows[2].join(" "),
        "cannot read its quarantine store: \"WRONGTYPE\": Operation against a key holding \
         the wrong kind of value",
    );
    assert_eq!(
        rows[3],
        ["media", "0", "0", "0", "0", "0", "0", "0", "0", "1"]
    );
    assert!(!report.contains("broker unavailable"), "{report}");

    let output = cli_output(&[&["quarantine", "--redis-url", &url], &queues[..]].concat());
    let listing = String::from_utf8(output.stdout).unwrap();
    assert!(!output.status.success(), "a failure shows in the exit code");
    let lines: Vec<&str> = listing.lines().collect();
    assert!(
        lines[0].starts_with(r#"queue "mail": cannot read its quarantine store: "WRONGTYPE""#),
        "{listing}"
    );
    assert_eq!(lines[1], r#"queue "media": 1 quarantined, newest 1 shown"#);
    assert!(lines[2].contains(r#"id="planted""#), "{listing}");
    assert!(lines[2].ends_with("kept=yes"), "{listing}");
    assert_eq!(lines.len(), 3, "{listing}");
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_without_messages_leaves_out_the_msg_and_cuts_long_texts() {
    let redis = RedisServer::start();
    plant_bad_data(&redis);
    let long_id = "i".repeat(MAX_LISTED_TEXT * 3);
    let _: String = redis::cmd("XADD")
        .arg("vetted:{media}:quarantine")
        .arg("*")
        .arg("task_id")
        .arg(&long_id)
        .query(&mut redis.connection())
        .unwrap();
    let broker = RedisBroker::connect(&redis.url()).await.unwrap();

    let brief = broker
        .quarantined_without_messages("media", 10)
        .await
        .unwrap();
    assert_eq!(brief.len, 2);
    let [newest, planted] = &brief.entries[..] else {
        panic!("{brief:?}")
    };
    assert_eq!(newest.task_id.len(), MAX_LISTED_TEXT);
    assert!(!newest.message_kept);
    assert_eq!(planted.task_id, "planted");
    assert_eq!(
        (planted.message.as_ref(), planted.message_kept),
        (None, true)
    );

    let full = broker.quarantined("media", 10).await.unwrap();
    assert_eq!(full.entries[0].task_id, long_id);
    assert_eq!(
        full.entries[1].message.as_ref().map(Vec::len),
        Some(4 << 20)
    );
    assert_eq!(
        broker
            .quarantined_without_messages("media", 1)
            .await
            .unwrap()
            .entries
            .len(),
        1
    );
}
