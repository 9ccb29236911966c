//! The safe field types of `vetted::types` inside `#[vetted::task]` structs: the hostile
//! values of security.md §4 (rows E2, E7, E9, E12, D5, H1, H5, H6) fail the decode with
//! a message that names the rule and does not echo the value; valid values decode and
//! go through a worker; each type agrees with a reference predicate written here.

use std::path::Path;
use std::sync::Mutex;

use serde_json::{Value, json};
use vetted::types::{
    CmdArg, FiniteF64, HostPolicy, HttpUrl, HttpsUrl, NonEmpty, RelativePath, SingleLine,
};
use vetted::worker::Outcome;
use vetted::{HandlerError, Verified};

#[path = "safe_types/properties.rs"]
mod properties;

/// The allow-list of the URL fields.
struct Hooks;

impl HostPolicy for Hooks {
    const HOSTS: &'static [&'static str] = &[
        "allowed.example",
        "*.allowed.example",
        "203.0.113.7",
        "[2001:db8::1]",
    ];
    const PORTS: &'static [u16] = &[8443];
}

/// One field of each safe type.
#[vetted::task(name = "safe:all")]
#[derive(Clone, Debug, PartialEq)]
struct Job {
    path: RelativePath,
    title: SingleLine,
    short: SingleLine<16>,
    arg: CmdArg,
    hook: HttpUrl<Hooks>,
    secure_hook: HttpsUrl<Hooks>,
    name: NonEmpty,
    ratio: FiniteF64,
}

fn valid_json() -> Value {
    json!({
        "path": "photos/2024/cat.png",
        "title": "Quarterly report",
        "short": "hi",
        "arg": "report.pdf",
        "hook": "http://allowed.example/hook",
        "secure_hook": "https://api.allowed.example/in",
        "name": "Ann",
        "ratio": 0.5,
    })
}

/// Decodes the valid payload with `field` replaced by `value`, as the worker does.
fn decode_with(field: &str, value: Value) -> Result<Job, serde_json::Error> {
    let mut payload = valid_json();
    payload[field] = value;
    serde_json::from_slice(&serde_json::to_vec(&payload).unwrap())
}

/// Asserts that `hostile` in `field` fails to decode with a message naming `rule` that
/// contains neither the value nor its JSON-escaped form.
fn assert_refused(field: &str, hostile: &str, rule: &str) {
    let error = match decode_with(field, Value::from(hostile)) {
        Ok(_) => panic!("{field} = {hostile:?} was accepted"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains(rule),
        "{field} = {hostile:?}: {error:?} does not name `{rule}`"
    );
    if !hostile.is_empty() {
        let escaped = serde_json::to_string(hostile).unwrap();
        let escaped = &escaped[1..escaped.len() - 1];
        assert!(
            !error.contains(hostile),
            "{field}: {error:?} echoes the value"
        );
        assert!(
            !error.contains(escaped),
            "{field}: {error:?} echoes the value"
        );
    }
}

/// Asserts that `valid` in `field` decodes to a value whose text is `stored`.
fn assert_accepted(field: &str, valid: &str, stored: &str) {
    let job = decode_with(field, Value::from(valid))
        .unwrap_or_else(|e| panic!("{field} = {valid:?} was refused: {e}"));
    let value = serde_json::to_value(&job).unwrap();
    assert_eq!(value[field], stored, "{field} = {valid:?}");
}

#[test]
fn hostile_paths_are_refused_while_decoding() {
    let too_long = "a/".repeat(512) + "b";
    let cases = [
        ("../../etc/passwd", "parent-directory"),
        ("a/../../b", "parent-directory"),
        ("..", "parent-directory"),
        ("/etc/passwd", "absolute"),
        ("..\\..\\x", "backslash"),
        ("C:\\Windows\\win.ini", "backslash"),
        ("a\0.png", "control character"),
        ("a\nb", "control character"),
        ("\u{1b}[2J", "control character"),
        ("a/./b", "current-directory"),
        ("./a", "current-directory"),
        ("a//b", "empty component"),
        ("a/", "empty component"),
        ("C:evil", "drive prefix"),
        ("z:/x", "drive prefix"),
        ("", "is empty"),
        (too_long.as_str(), "longer than 1024 bytes"),
    ];
    for (hostile, rule) in cases {
        assert_refused("path", hostile, rule);
    }
}

#[test]
fn plain_relative_paths_are_accepted() {
    for valid in [
        "cat.png",
        "a/b/c.txt",
        "...",
        "..a/b..",
        ".hidden",
        "-rf",
        "x; rm ~",
        "ü/ß",
    ] {
        assert_accepted("path", valid, valid);
    }
    assert_accepted("path", &"a".repeat(1024), &"a".repeat(1024));
}

#[test]
fn joined_paths_stay_under_the_base() {
    let path = RelativePath::try_new("a/b/c.png").unwrap();
    let base = Path::new("/srv/uploads");
    let joined = path.join_under(base);
    assert_eq!(joined, Path::new("/srv/uploads/a/b/c.png"));
    assert_eq!(path.components().collect::<Vec<_>>(), ["a", "b", "c.png"]);
}

#[test]
fn multi_line_and_reordering_text_is_refused_while_decoding() {
    let cases = [
        ("hi\r\nBcc: victim@example.com", "control character"),
        ("one\ntwo", "control character"),
        ("nul\0", "control character"),
        ("\u{1b}[31mred", "control character"),
        ("del\u{7f}", "control character"),
        ("next\u{85}line", "control character"),
        ("a\u{2028}b", "line or paragraph separator"),
        ("a\u{2029}b", "line or paragraph separator"),
        ("invoice\u{202e}fdp.exe", "bidirectional control"),
        ("\u{202a}x", "bidirectional control"),
        ("\u{2066}admin\u{2069}", "bidirectional control"),
    ];
    for (hostile, rule) in cases {
        assert_refused("title", hostile, rule);
    }
    assert_refused("title", &"x".repeat(1025), "longer than 1024 bytes");
    assert_refused("short", "seventeen bytes!!", "longer than 16 bytes");
    assert_refused("short", "😀😀😀😀😀", "longer than 16 bytes");
}

#[test]
fn single_lines_are_accepted() {
    for valid in [
        "",
        "Quarterly report",
        "مرحبا",
        "tab-free text: ok",
        "a\u{200e}b",
    ] {
        assert_accepted("title", valid, valid);
    }
    assert_accepted("title", &"é".repeat(512), &"é".repeat(512));
    assert_accepted("short", "sixteen bytes!!!", "sixteen bytes!!!");
}

#[test]
fn option_like_arguments_are_refused_while_decoding() {
    let too_long = "a".repeat(4097);
    let cases = [
        ("-rf", "starts with a dash"),
        ("--output=/etc/x", "starts with a dash"),
        ("-", "starts with a dash"),
        ("", "is empty"),
        ("a\0b", "control character"),
        ("a\nb", "control character"),
        (too_long.as_str(), "longer than 4096 bytes"),
    ];
    for (hostile, rule) in cases {
        assert_refused("arg", hostile, rule);
    }
}

#[test]
fn shell_syntax_is_a_fine_argument_because_no_shell_reads_it() {
    for valid in [
        "x; rm -rf ~",
        "$(curl evil)",
        "`id`",
        "a b",
        "file-name",
        "+1",
        "ü",
    ] {
        assert_accepted("arg", valid, valid);
    }
    let arg = CmdArg::try_new("x; rm -rf ~").unwrap();
    let mut command = std::process::Command::new("echo");
    command.arg(&arg);
    assert_eq!(command.get_args().collect::<Vec<_>>(), ["x; rm -rf ~"]);
}

#[test]
fn hostile_urls_are_refused_while_decoding() {
    let cases = [
        ("javascript:alert(1)", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("ftp://allowed.example/", "scheme"),
        ("data:text/html,<script>alert(1)</script>", "scheme"),
        ("http://169.254.169.254/", "IP address"),
        ("http://169.254.169.254/latest/meta-data/", "IP address"),
        ("http://[::1]:6379/", "IP address"),
        ("http://[::ffff:169.254.169.254]/", "IP address"),
        ("http://10.0.0.5/admin", "IP address"),
        ("http://2130706433/", "IP address"),
        ("http://0x7f.1/", "IP address"),
        ("http://user:pw@allowed.example/", "user info"),
        ("http://user@allowed.example/", "user info"),
        ("http://allowed.example@evil.example/", "user info"),
        ("http://evil.example/", "allow-list"),
        ("http://allowed.example.evil.example/", "allow-list"),
        ("http://evilallowed.example/", "allow-list"),
        ("http://allowed.example./", "allow-list"),
        ("http://.allowed.example/", "allow-list"),
        ("http://localhost/", "allow-list"),
        ("http://allowed.example:6379/", "port"),
        (
            "http://allowed.example/\nx",
            "control character or white space",
        ),
        (
            " http://allowed.example/",
            "control character or white space",
        ),
        ("//allowed.example/x", "does not parse"),
        ("http://[::1/", "does not parse"),
    ];
    for (hostile, rule) in cases {
        assert_refused("hook", hostile, rule);
    }
    let too_long = format!("http://allowed.example/{}", "a".repeat(2048));
    assert_refused("hook", &too_long, "longer than 2048 bytes");
    let grows_when_encoded = format!("http://allowed.example/{}", "é".repeat(1000));
    assert!(grows_when_encoded.len() <= 2048);
    assert_refused("hook", &grows_when_encoded, "longer than 2048 bytes");
    assert_refused("secure_hook", "http://allowed.example/", "not https");
    assert_refused("secure_hook", "javascript:alert(1)", "scheme");
}

#[test]
fn listed_urls_are_accepted_in_normal_form() {
    let cases = [
        ("http://allowed.example/hook", "http://allowed.example/hook"),
        (
            "HTTP://Allowed.Example:80/a?b=c#d",
            "http://allowed.example/a?b=c#d",
        ),
        (
            "https://a.b.allowed.example:8443/",
            "https://a.b.allowed.example:8443/",
        ),
        ("http://203.0.113.7/", "http://203.0.113.7/"),
        ("http://0xcb.0.113.7/", "http://203.0.113.7/"),
        ("http://[2001:DB8:0::1]/x", "http://[2001:db8::1]/x"),
        ("http://@allowed.example/", "http://allowed.example/"),
    ];
    for (valid, stored) in cases {
        assert_accepted("hook", valid, stored);
    }
    assert_accepted(
        "secure_hook",
        "https://allowed.example:443/",
        "https://allowed.example/",
    );
}

#[test]
fn blank_and_invisible_text_is_refused_while_decoding() {
    let blanks = [
        "",
        "   ",
        "\t\r\n",
        "\u{200b}\u{200b}",
        "\u{200c}",
        "\u{200d}",
        "\u{2060}",
        "\u{feff}",
        "\u{00ad}",
        "\u{3164}",
        "\u{2800}",
        "\u{fe0f}",
        " \u{200b} \u{3000}\u{e0041}",
    ];
    for hostile in blanks {
        assert_refused("name", hostile, "empty or blank");
    }
    assert_refused("name", &"a".repeat(4097), "longer than 4096 bytes");
}

#[test]
fn non_empty_text_is_stored_trimmed() {
    let cases = [
        ("Ann", "Ann"),
        ("  Ann Lee \n", "Ann Lee"),
        ("\u{200b}admin\u{feff}", "admin"),
        ("\u{2800}x", "\u{2800}x"),
        ("❤\u{fe0f} ", "❤\u{fe0f}"),
        ("👨\u{200d}👩\u{200d}👧", "👨\u{200d}👩\u{200d}👧"),
    ];
    for (valid, stored) in cases {
        assert_accepted("name", valid, stored);
    }
}

#[test]
fn non_finite_numbers_are_refused_in_process_and_by_the_parser() {
    for hostile in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX * 2.0,
        f64::from_bits(0xfff0_0000_0000_0001),
    ] {
        let error = FiniteF64::try_from(hostile).unwrap_err();
        assert!(error.to_string().contains("NaN") || error.to_string().contains("infinite"));
    }
    let template = serde_json::to_string(&valid_json()).unwrap();
    assert!(template.contains(r#""ratio":0.5"#));
    for literal in ["1e400", "-1e400", "NaN", "Infinity", "\"NaN\""] {
        let payload = template.replace(r#""ratio":0.5"#, &format!(r#""ratio":{literal}"#));
        assert!(serde_json::from_str::<Job>(&payload).is_err(), "{literal}");
    }
    let payload = template.replace(r#""ratio":0.5"#, r#""ratio":1e400"#);
    let error = serde_json::from_str::<Job>(&payload)
        .unwrap_err()
        .to_string();
    assert!(error.contains("number out of range"), "{error}");
}

#[test]
fn finite_numbers_are_accepted() {
    for valid in [
        0.5,
        -0.0,
        1.0,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        5e-324,
    ] {
        let job = decode_with("ratio", json!(valid)).unwrap();
        assert_eq!(job.ratio.get().to_bits(), valid.to_bits());
    }
    assert_eq!(decode_with("ratio", json!(3)).unwrap().ratio.get(), 3.0);
}

fn valid_job() -> Job {
    serde_json::from_value(valid_json()).unwrap()
}

#[test]
fn valid_jobs_round_trip_and_pass_validation() {
    let job = valid_job();
    assert_eq!(serde_json::to_value(&job).unwrap(), valid_json());
    let again: Job = serde_json::from_slice(&serde_json::to_vec(&job).unwrap()).unwrap();
    assert_eq!(again, job);
    assert!(Verified::check(job).is_ok());
}

/// What the handler saw, for the test to check.
static HANDLED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Uses each field at its sink, without side effects.
#[vetted::handler]
async fn use_every_field(job: Verified<Job>) -> Result<(), HandlerError> {
    let target = job.path.join_under(Path::new("/srv/uploads"));
    let mut command = std::process::Command::new("convert");
    command.arg("--").arg(&job.arg);
    let seen = [
        target.display().to_string(),
        format!("{:?}", command.get_args().collect::<Vec<_>>()),
        format!("{}|{}|{}", job.title, job.short, job.name),
        format!(
            "{}|{}|{}",
            job.hook.host_str().unwrap_or(""),
            job.secure_hook,
            job.ratio
        ),
    ];
    HANDLED.lock().unwrap().extend(seen);
    Ok(())
}

#[tokio::test]
async fn a_task_with_every_safe_type_runs_through_the_worker() {
    let outcome = vetted::testing::run_handler::<use_every_field>(&valid_job())
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Completed);
    let expected = [
        "/srv/uploads/photos/2024/cat.png",
        r#"["--", "report.pdf"]"#,
        "Quarterly report|hi|Ann",
        "allowed.example|https://api.allowed.example/in|0.5",
    ];
    assert_eq!(*HANDLED.lock().unwrap(), expected);
}
