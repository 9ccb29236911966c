//! Runs the Go asynq interop harness of `tests/interop`, built once per test binary.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use crate::redis_server::RedisServer;

/// A key ring shared by the Rust and Go sides of the interop tests (a throwaway secret).
pub const KEYRING: &str =
    "sign interop-k1 hex:6b8a3e0f1d2c4b5a69788796a5b4c3d2e1f0011223344556677889900aabbccd";

/// The harness binary, built with `go build` on first use.
pub fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(build)
}

fn build() -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop");
    let output = source.join("bin").join("interop");
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&output)
        .arg(".")
        .current_dir(&source)
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot run `go` ({e}): install Go 1.22 or later to run the interop tests")
        });
    assert!(status.success(), "go build of the interop harness failed");
    output
}

/// A harness command against the Redis at `addr`, with the shared key ring.
pub fn command(addr: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(binary());
    cmd.arg(args[0])
        .args(["--redis", addr])
        .args(&args[1..])
        .env("VETTED_KEYRING", KEYRING);
    cmd
}

/// Runs a harness command to completion and returns its exit code and JSON lines.
pub fn run(addr: &str, args: &[&str]) -> (i32, Vec<Value>) {
    let output = command(addr, args)
        .stderr(Stdio::inherit())
        .output()
        .expect("harness runs");
    (
        output.status.code().unwrap_or(-1),
        json_lines(&output.stdout),
    )
}

/// Runs a harness command that must succeed.
pub fn run_ok(addr: &str, args: &[&str]) -> Vec<Value> {
    let (code, lines) = run(addr, args);
    assert_eq!(code, 0, "harness {args:?} failed: {lines:?}");
    lines
}

/// Starts a harness command in the background, its stdout piped.
pub fn spawn(addr: &str, args: &[&str]) -> Child {
    command(addr, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("harness starts")
}

/// The JSON objects of a harness's output, one per line.
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("harness printed non-JSON {l:?}: {e}"))
        })
        .collect()
}

/// The lines whose `event` is `name`.
pub fn events<'a>(lines: &'a [Value], name: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["event"] == name).collect()
}

/// `host:port` of `redis`, as the harness's `--redis` flag takes it.
pub fn addr(redis: &RedisServer) -> String {
    format!("127.0.0.1:{}", redis.port())
}

/// Enqueues with Go asynq's client: a task of `task_type` with the JSON `payload`, plus
/// the `extra` flags (`--count`, `--id`, `--tamper`, `--unsigned`). Must succeed.
pub fn enqueue(addr: &str, task_type: &str, payload: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["enqueue", "--type", task_type, "--payload", payload];
    args.extend_from_slice(extra);
    run_ok(addr, &args)
}

/// The report of Go asynq's Inspector on the `default` queue, with `extra` flags
/// (`--task <id>` adds that task).
pub fn inspect(addr: &str, extra: &[&str]) -> Value {
    let mut args = vec!["inspect", "--queue", "default"];
    args.extend_from_slice(extra);
    let (_, mut lines) = run(addr, &args);
    assert!(!lines.is_empty(), "inspect {extra:?} printed no report");
    lines.remove(0)
}
