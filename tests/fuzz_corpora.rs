//! The fuzz corpora as ordinary tests on stable: every file under `fuzz/corpus/<target>/`
//! and `fuzz/artifacts/<target>/` goes through the function its fuzz target calls, so a
//! crash the fuzzer once found stays fixed. The JSONTestSuite files also go through the
//! `signed_payload` target, and the committed seeds must match `fuzz_seeds`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use vetted::worker::Outcome;
use vetted_tests::{fuzz_entry, fuzz_seeds};

/// What a fuzz target does with one input.
type Entry = fn(&[u8]);

/// The targets of `fuzz/fuzz_targets/`, each with the function it calls.
const TARGETS: [(&str, Entry); 4] = [
    ("signature_header", fuzz_entry::signature_header),
    ("task_message", fuzz_entry::task_message),
    ("pipeline", |data| drop(fuzz_entry::pipeline(data))),
    ("signed_payload", |data| {
        drop(fuzz_entry::signed_payload(data))
    }),
];

/// Set to rewrite `fuzz/corpus/` from `fuzz_seeds` instead of comparing.
const BLESS_ENV: &str = "VETTED_BLESS_SEEDS";

/// The pipeline targets read the process-wide parse counter: one at a time.
static PIPELINE: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    PIPELINE.lock().unwrap_or_else(PoisonError::into_inner)
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn jsontestsuite_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/jsontestsuite");
    assert!(
        dir.is_dir(),
        "JSONTestSuite vectors missing: expected {}",
        dir.display()
    );
    dir
}

/// The files of `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn run_target(target: &str) -> usize {
    let (_, entry) = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("known target");
    let dirs = [
        fuzz_dir().join("corpus").join(target),
        fuzz_dir().join("artifacts").join(target),
    ];
    let files: Vec<PathBuf> = dirs.iter().flat_map(|d| files_in(d)).collect();
    for file in &files {
        let data = fs::read(file).expect("readable corpus file");
        let result = std::panic::catch_unwind(|| entry(&data));
        assert!(result.is_ok(), "{target} fails on {}", file.display());
    }
    files.len()
}

#[test]
fn every_corpus_directory_belongs_to_a_target() {
    for dir in fs::read_dir(fuzz_dir().join("corpus")).expect("fuzz/corpus exists") {
        let name = dir.expect("readable entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            TARGETS.iter().any(|(t, _)| *t == name),
            "corpus of unknown target {name}"
        );
    }
}

#[test]
fn signature_header_corpus() {
    assert!(run_target("signature_header") >= 10);
}

#[test]
fn task_message_corpus() {
    assert!(run_target("task_message") >= 6);
}

#[test]
fn pipeline_corpus() {
    let _serial = serial();
    assert!(run_target("pipeline") >= 11);
}

#[test]
fn signed_payload_corpus() {
    let _serial = serial();
    assert!(run_target("signed_payload") >= 9);
}

#[test]
fn jsontestsuite_through_the_signed_payload_target() {
    let _serial = serial();
    let files = files_in(&jsontestsuite_dir());
    let json: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(json.len(), 318);
    for file in json {
        let data = fs::read(file).expect("readable vector");
        let outcome = fuzz_entry::signed_payload(&data);
        assert!(
            matches!(
                outcome,
                Outcome::Archived { .. } | Outcome::Quarantined { .. }
            ),
            "no suite file is a valid shape: {}",
            file.display()
        );
    }
}

/// What the worker does with each pipeline seed.
#[test]
fn pipeline_seeds_meet_their_expected_outcomes() {
    let _serial = serial();
    let expected = [
        ("valid_probe", "completed"),
        ("valid_shape", "completed"),
        ("payload_changed", "bad_signature"),
        ("unsigned", "unsigned"),
        ("other_id", "key_mismatch"),
        ("other_queue", "key_mismatch"),
        ("unknown_type", "retried"),
        ("retries_used_up", "retry_exceeded"),
        ("expired", "expired"),
        ("schema_version_2", "schema_version"),
        ("not_protobuf", "malformed_message"),
    ];
    let dir = fuzz_dir().join("corpus/pipeline");
    for (name, want) in expected {
        let data = fs::read(dir.join(name)).expect("seed file exists");
        let got = match fuzz_entry::pipeline(&data) {
            Outcome::Completed => "completed".to_owned(),
            Outcome::Retried { .. } => "retried".to_owned(),
            Outcome::Archived { error } | Outcome::Quarantined { error } => reason_of(&error),
            other => format!("{other:?}"),
        };
        assert_eq!(got, want, "seed {name}");
    }
}

fn reason_of(error: &str) -> String {
    let code = error
        .strip_prefix("vetted: reason=")
        .expect("a reason code");
    code.split(' ').next().unwrap_or_default().to_owned()
}

#[test]
fn committed_seeds_match_their_generator() {
    let bless = std::env::var_os(BLESS_ENV).is_some();
    let corpus = fuzz_dir().join("corpus");
    for seed in fuzz_seeds::all() {
        let path = corpus.join(seed.target).join(seed.name);
        if bless {
            fs::create_dir_all(path.parent().expect("has a parent")).expect("corpus dir");
            fs::write(&path, &seed.bytes).expect("seed written");
            continue;
        }
        let stored = fs::read(&path).unwrap_or_default();
        assert!(
            stored == seed.bytes,
            "{} is missing or stale; rerun with {BLESS_ENV}=1 to rewrite the seeds",
            path.display()
        );
    }
}
