//! The safe field types: their patterns judged by jsonschema and vetted alike.

use serde_json::{Value, json};
use vetted::types::{
    CmdArg, FiniteF64, HostPolicy, HttpUrl, HttpsUrl, NonEmpty, RelativePath, SingleLine,
};

use crate::cases::{Expect, case, check_cases, with};

/// Where hooks may go.
struct Hooks;

impl HostPolicy for Hooks {
    const HOSTS: &'static [&'static str] = &["hooks.example.com"];
}

/// Every safe field type.
#[vetted::task(name = "schema:safe_types")]
struct SafeTypes {
    line: SingleLine<24>,
    arg: CmdArg,
    path: RelativePath,
    hook: HttpsUrl<Hooks>,
    callback: Option<HttpUrl<Hooks>>,
    title: NonEmpty,
    ratio: FiniteF64,
}

#[test]
fn safe_type_payloads_get_the_same_verdict_from_jsonschema_and_vetted() {
    use Expect::*;
    let base = json!({
        "line": "Your order shipped",
        "arg": "x; rm -rf ~",
        "path": "photos/2024/cat.png",
        "hook": "https://hooks.example.com/done?id=7",
        "title": "Q3 report",
        "ratio": 0.5,
    });
    let set = |key: &str, value: Value| with(&base, key, Some(value));
    check_cases::<SafeTypes>(&[
        case("valid", base.clone(), Valid),
        case(
            "callback",
            set("callback", json!("HTTP://hooks.example.com/")),
            Valid,
        ),
        case("null callback", set("callback", Value::Null), Valid),
        case(
            "line break",
            set("line", json!("a\r\nBcc: x@example.com")),
            Refused,
        ),
        case("line separator", set("line", json!("a\u{2028}b")), Refused),
        case(
            "bidi override",
            set("line", json!("invoice\u{202E}fdp.exe")),
            Refused,
        ),
        case("line too long", set("line", json!("l".repeat(25))), Refused),
        case(
            "line too many bytes",
            set("line", json!("é".repeat(13))),
            RefusedByWorkerOnly,
        ),
        case("option-like arg", set("arg", json!("-rf")), Refused),
        case("empty arg", set("arg", json!("")), Refused),
        case("nul in arg", set("arg", json!("a\u{0}b")), Refused),
        case("absolute path", set("path", json!("/etc/passwd")), Refused),
        case("empty component", set("path", json!("a//b")), Refused),
        case("backslash", set("path", json!("a\\b")), Refused),
        case(
            "parent component",
            set("path", json!("a/../../b")),
            RefusedByWorkerOnly,
        ),
        case(
            "http hook",
            set("hook", json!("http://hooks.example.com/")),
            Refused,
        ),
        case(
            "javascript hook",
            set("hook", json!("javascript:alert(1)")),
            Refused,
        ),
        case(
            "space in hook",
            set("hook", json!("https://hooks.example.com/a b")),
            Refused,
        ),
        case(
            "other host",
            set("hook", json!("https://evil.example/")),
            RefusedByWorkerOnly,
        ),
        case(
            "ftp callback",
            set("callback", json!("ftp://hooks.example.com/")),
            Refused,
        ),
        case("blank title", set("title", json!(" \t ")), Refused),
        case(
            "invisible title",
            set("title", json!("\u{200b}")),
            RefusedByWorkerOnly,
        ),
        case("ratio as text", set("ratio", json!("0.5")), Refused),
    ]);
}
