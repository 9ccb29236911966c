//! Catalogue §4 H: values meant for a handler's sinks (a program, a query, a file
//! system, an HTTP client, an admin page). Safe field types refuse the dangerous forms
//! while the payload is decoded (`decode_error`), or carry the value intact to a sink
//! that cannot misread it.

use serde_json::{Value, json};
use vetted_tests::attack::{Arena, CANARY, signed};

/// A valid job.
fn job() -> Value {
    json!({
        "file": "reports/q3.pdf",
        "arg": "report",
        "sort": "created_at",
        "name": "Ann",
        "hook": "https://hooks.example.com/in",
        "cost": 10,
    })
}

fn job_with(field: &str, value: Value) -> Vec<u8> {
    let mut body = job();
    body[field] = value;
    serde_json::to_vec(&body).expect("JSON")
}

/// Plants each body as a signed task of `type_name` and runs the worker.
async fn run(arena: &Arena, type_name: &str, bodies: &[Vec<u8>]) -> Vec<String> {
    let ids = bodies
        .iter()
        .map(|body| arena.plant(&signed(&arena.keyring, type_name, "default", body, |_| {})))
        .collect();
    arena.run_until_settled().await;
    ids
}

/// Every job body is refused with `decode_error` and a legitimate note still runs.
async fn jobs_refused(bodies: &[Vec<u8>]) {
    let arena = Arena::start().await;
    let legit = arena.legit().await;
    for id in run(&arena, "atk:job", bodies).await {
        arena.assert_refused("default", &id, "decode_error");
    }
    arena.assert_handled_once(&[&legit]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn h1_shell_syntax_reaches_the_program_as_one_argument_and_options_are_refused() {
    let arena = Arena::start().await;
    let arguments = [
        format!("x; rm -rf ~ {CANARY}"),
        "$(curl evil)".to_owned(),
        "`id` | tee /tmp/x && echo > /etc/y".to_owned(),
    ];
    let bodies: Vec<Vec<u8>> = arguments
        .iter()
        .map(|arg| job_with("arg", json!(arg)))
        .collect();
    let ids = run(&arena, "atk:job", &bodies).await;
    for (id, arg) in ids.iter().zip(&arguments) {
        assert_eq!(arena.calls.count(id), 1);
        let printed = arena.outputs.of(id).expect("the program ran");
        assert_eq!(printed, arg.as_bytes(), "passed verbatim, no shell");
    }
    arena.assert_no_canary();

    jobs_refused(&[
        job_with("arg", json!(format!("-rf{CANARY}"))),
        job_with("arg", json!("--output=/etc/x")),
        job_with("arg", json!("a\nb")),
        job_with("arg", json!("")),
    ])
    .await;
}

#[tokio::test]
async fn h3_quote_characters_arrive_intact_for_bound_parameters() {
    let arena = Arena::start().await;
    let names = ["' OR 1=1 --", "Robert'); DROP TABLE students;--"];
    let bodies: Vec<Vec<u8>> = names.iter().map(|n| job_with("name", json!(n))).collect();
    let ids = run(&arena, "atk:job", &bodies).await;
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    arena.assert_handled_once(&ids);
    for name in names {
        let decoded: vetted_tests::attack::Job =
            serde_json::from_slice(&job_with("name", json!(name))).unwrap();
        assert_eq!(decoded.name.as_str(), name, "no escaping, no mangling");
    }
    jobs_refused(&[job_with(
        "name",
        json!(format!("a\r\nX-Injected: {CANARY}")),
    )])
    .await;
}

#[tokio::test]
async fn h4_identifiers_are_enums_never_strings() {
    jobs_refused(&[
        job_with(
            "sort",
            json!(format!("created_at; DROP TABLE users {CANARY}")),
        ),
        job_with("sort", json!("CreatedAt")),
        job_with("sort", json!("password")),
    ])
    .await;
}

#[tokio::test]
async fn h5_paths_that_leave_their_base_are_refused() {
    jobs_refused(&[
        job_with("file", json!(format!("../../etc/passwd{CANARY}"))),
        job_with("file", json!("/etc/passwd")),
        job_with("file", json!("a/../../b")),
        job_with("file", json!("..\\..\\x")),
        job_with("file", json!("a\u{0}.png")),
        job_with("file", json!("C:\\Windows\\win.ini")),
    ])
    .await;
}

#[tokio::test]
async fn h6_internal_urls_are_refused() {
    jobs_refused(&[
        job_with("hook", json!(format!("http://10.0.0.5/admin?{CANARY}"))),
        job_with("hook", json!("https://10.0.0.5/admin")),
        job_with("hook", json!("https://127.0.0.1/")),
        job_with("hook", json!("https://hooks.example.com@10.0.0.5/")),
    ])
    .await;
}

#[tokio::test]
async fn h8_markup_never_reaches_error_msg_or_logs() {
    let arena = Arena::start().await;
    let xss = format!("<img src=x onerror=alert('{CANARY}')>");
    let profile = |bio: &str, street: &str| {
        serde_json::to_vec(&json!({
            "nick": "ann",
            "display": "Ann",
            "handle": "ann",
            "email": "ann@example.com",
            "site": "https://hooks.example.com/in",
            "home": {"street": street},
            "score": 1.0,
            "weight": 1.0,
            "note": null,
            "alias": null,
            "bio": bio,
        }))
        .unwrap()
    };
    let ids = run(
        &arena,
        "atk:profile",
        &[profile(&xss, "Main"), profile(&xss, "")],
    )
    .await;
    arena.assert_handled_once(&[&ids[0]]);
    arena.assert_refused("default", &ids[1], "validation_error");
    let error = arena.stored("default", &ids[1]).unwrap().error_msg;
    assert!(
        !error.contains('<') && !error.contains("onerror"),
        "{error}"
    );
    arena.assert_no_canary();
}

#[tokio::test]
async fn h9_money_is_integer_minor_units_and_floats_are_refused() {
    let arena = Arena::start().await;
    let legit = arena.legit().await;
    let orders: Vec<Vec<u8>> = ["0.30000000000000004", "0.1", "1e2", "100.0"]
        .iter()
        .map(|amount| format!(r#"{{"amount_minor":{amount},"qty":1}}"#).into_bytes())
        .collect();
    for id in run(&arena, "atk:order", &orders).await {
        arena.assert_refused("default", &id, "decode_error");
    }
    arena.assert_handled_once(&[&legit]);
    arena.assert_no_canary();
}
