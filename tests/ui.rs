//! Compile-time behaviour of vetted's macros, with trybuild: `ui/fail/<rule>.rs` must
//! fail with exactly the diagnostics in its `.stderr` snapshot, `ui/pass/*.rs` must
//! build and run.
//!
//! The snapshots hold rustc's own wording, which changes between releases. They were
//! generated with **rustc 1.95.0**, and this test refuses to compare them under any
//! other compiler. To skip it explicitly elsewhere, set `VETTED_SKIP_UI=1`.
//!
//! To refresh the snapshots after an intended change, run
//! `TRYBUILD=overwrite cargo test -p vetted-tests --test ui`, then read every changed
//! `.stderr`: each error must point at the user's token and read like rustc.

use std::process::Command;

/// The compiler the snapshots were generated with.
const PINNED_RUSTC: &str = "rustc 1.95.0";

#[test]
fn ui() {
    if std::env::var_os("VETTED_SKIP_UI").is_some() {
        eprintln!("VETTED_SKIP_UI is set: the UI snapshot tests were skipped");
        return;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(&rustc)
        .arg("--version")
        .output()
        .expect("run `rustc --version`");
    let version = String::from_utf8_lossy(&output.stdout);
    assert!(
        version.starts_with(PINNED_RUSTC),
        "UI snapshots are pinned to {PINNED_RUSTC}, found `{}`; run with that toolchain \
         (`rustup toolchain install 1.95.0`) or set VETTED_SKIP_UI=1 to skip them",
        version.trim()
    );
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
