//! Catalogue §4 E: values that a loose validator lets through, inside correctly signed
//! bodies. Rules and field types either refuse them (`decode_error` when a safe field
//! type refuses the value while decoding, `validation_error` with the field path and
//! rule code otherwise) or accept them by a stated rule, as the catalogue expects.

use serde_json::{Value, json};
use vetted::Verified;
use vetted::types::FiniteF64;
use vetted_tests::attack::{Arena, CANARY, Profile, capture, signed};

/// A valid profile, with the canary in its free text.
fn profile() -> Value {
    json!({
        "nick": "ann",
        "display": "Ann",
        "handle": "ann_1",
        "email": "ann@example.com",
        "site": "https://hooks.example.com/in",
        "home": {"street": "Main"},
        "score": 1.5,
        "weight": 2.0,
        "note": CANARY,
        "alias": null,
        "bio": format!("bio {CANARY}"),
    })
}

/// The profile with `field` set to `value`, as signed JSON bytes.
fn profile_with(field: &str, value: Value) -> Vec<u8> {
    let mut body = profile();
    body[field] = value;
    serde_json::to_vec(&body).expect("JSON")
}

/// Plants each body as a signed `atk:profile`, runs the worker, returns the ids.
async fn run_profiles(arena: &Arena, bodies: &[Vec<u8>]) -> Vec<String> {
    let ids = bodies
        .iter()
        .map(|body| {
            arena.plant(&signed(
                &arena.keyring,
                "atk:profile",
                "default",
                body,
                |_| {},
            ))
        })
        .collect();
    arena.run_until_settled().await;
    ids
}

/// Every body is refused with `code`; when `field` is given, `error_msg` names it and
/// the rule `rule`. A legitimate note queued alongside still runs.
async fn refused(bodies: &[Vec<u8>], code: &str, field: Option<(&str, &str)>) {
    let arena = Arena::start().await;
    let legit = arena.legit().await;
    for id in run_profiles(&arena, bodies).await {
        arena.assert_refused("default", &id, code);
        if let Some((path, rule)) = field {
            let error = arena.stored("default", &id).unwrap().error_msg;
            assert!(error.contains(&format!("fields={path}:{rule}")), "{error}");
        }
    }
    arena.assert_handled_once(&[&legit]);
    arena.assert_no_canary();
}

/// Every body is accepted and handled once.
async fn accepted(bodies: &[Vec<u8>]) {
    let arena = Arena::start().await;
    let ids = run_profiles(&arena, bodies).await;
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    arena.assert_handled_once(&ids);
    arena.assert_no_canary();
}

#[tokio::test]
async fn e1_length_counts_unicode_scalar_values_as_stated() {
    accepted(&[
        profile_with("nick", json!("😀😀😀😀😀")),
        profile_with("nick", json!("👨‍👩‍👧")),
    ])
    .await;
    refused(
        &[
            profile_with("nick", json!("😀😀😀😀😀😀")),
            profile_with("nick", json!("👨‍👩‍👧‍👦")),
        ],
        "validation_error",
        Some(("nick", "length")),
    )
    .await;
}

#[tokio::test]
async fn e2_invisible_only_text_is_refused_by_non_empty() {
    refused(
        &[
            profile_with("display", json!("\u{200b}\u{200b}")),
            profile_with("display", json!("  \t ")),
            profile_with("display", json!("\u{2060}\u{feff}")),
        ],
        "decode_error",
        None,
    )
    .await;
}

#[tokio::test]
async fn e4_lookalike_identity_keys_are_refused_by_an_ascii_rule() {
    refused(
        &[
            profile_with("handle", json!("\u{430}dmin")),
            profile_with("handle", json!("ａｄｍｉｎ")),
            profile_with("handle", json!("Admin")),
        ],
        "validation_error",
        Some(("handle", "ascii_identifier")),
    )
    .await;
}

#[tokio::test]
async fn e6_email_is_checked_for_syntax_only() {
    accepted(&[
        profile_with("email", json!("a@b")),
        profile_with("email", json!("a@localhost")),
        profile_with("email", json!("a@[127.0.0.1]")),
    ])
    .await;
    refused(
        &[profile_with("email", json!(format!("no at sign {CANARY}")))],
        "validation_error",
        Some(("email", "email")),
    )
    .await;
}

#[tokio::test]
async fn e7_urls_outside_https_and_the_host_list_are_refused() {
    refused(
        &[
            profile_with("site", json!("javascript:alert(1)")),
            profile_with("site", json!("file:///etc/passwd")),
            profile_with("site", json!("http://169.254.169.254/latest/meta-data")),
            profile_with("site", json!("http://[::1]:6379/")),
            profile_with("site", json!("https://hooks.example.com.evil.test/")),
            profile_with("site", json!("https://hooks.example.com:6379/")),
            profile_with("site", json!("http://hooks.example.com/in")),
            profile_with("site", json!(format!("https://{CANARY}.example.com/"))),
        ],
        "decode_error",
        None,
    )
    .await;
}

#[tokio::test]
async fn e8_a_nested_struct_is_validated_without_being_marked() {
    refused(
        &[profile_with("home", json!({"street": ""}))],
        "validation_error",
        Some(("home.street", "length")),
    )
    .await;
}

#[tokio::test]
async fn e9_nan_never_passes_a_float_rule() {
    assert!(FiniteF64::try_new(f64::NAN).is_err());
    let mut value: Profile = serde_json::from_slice(&profile_with("weight", json!(1.0))).unwrap();
    value.weight = f64::NAN;
    let errors = Verified::check(value).expect_err("NaN refused in process");
    assert!(errors.to_string().contains("weight"), "{errors}");
    let mut nan_body = profile_with("weight", json!(1.0));
    let text = String::from_utf8(nan_body.clone()).unwrap();
    nan_body = text
        .replace("\"weight\":1.0", "\"weight\":NaN")
        .into_bytes();
    refused(&[nan_body], "decode_error", None).await;
}

#[tokio::test]
async fn e11_missing_and_null_options_both_decode_as_none() {
    let mut missing = profile();
    missing.as_object_mut().unwrap().remove("note");
    let missing = serde_json::to_vec(&missing).unwrap();
    let null = profile_with("note", Value::Null);
    for body in [&missing, &null] {
        let value: Profile = serde_json::from_slice(body).unwrap();
        assert_eq!(value.note, None);
    }
    accepted(&[missing, null]).await;
}

#[tokio::test]
async fn e12_an_empty_present_option_is_refused_by_non_empty() {
    refused(
        &[
            profile_with("alias", json!("")),
            profile_with("alias", json!("\u{200b}")),
        ],
        "decode_error",
        None,
    )
    .await;
}

#[tokio::test]
async fn e13_arithmetic_overflow_in_a_handler_is_a_typed_error_not_a_panic() {
    let arena = Arena::start().await;
    let body = json!({"amount_minor": i64::MAX, "qty": 2});
    let id = arena.plant(&signed(
        &arena.keyring,
        "atk:order",
        "default",
        &serde_json::to_vec(&body).unwrap(),
        |_| {},
    ));
    let fine = json!({"amount_minor": 250, "qty": 4});
    let fine = arena.plant(&signed(
        &arena.keyring,
        "atk:order",
        "default",
        &serde_json::to_vec(&fine).unwrap(),
        |_| {},
    ));
    arena.run_until_settled().await;

    let stored = arena.stored("default", &id).unwrap();
    assert_eq!(arena.state("default", &id).as_deref(), Some("archived"));
    assert_eq!(stored.error_msg, "order total overflows");
    assert_eq!(arena.calls.count(&id), 1);
    assert!(
        !capture::panics().iter().any(|p| p.contains("overflow")),
        "no overflow panic"
    );
    arena.assert_handled_once(&[&fine]);
}

#[tokio::test]
async fn e14_a_huge_list_is_capped_by_bytes_before_allocation_and_by_its_rule_after() {
    let arena = Arena::start().await;
    let huge = format!("[{}0]", "0,".repeat(10_000_000));
    let body = |items: &str| {
        format!(r#"{{"memo":"{CANARY}","amount":1,"count":1,"ratio":0.5,"items":{items}}}"#)
            .into_bytes()
    };
    let huge = arena.plant(&signed(
        &arena.keyring,
        "atk:ledger",
        "default",
        &body(&huge),
        |_| {},
    ));
    let list = format!("[{}0]", "0,".repeat(100));
    let long = arena.plant(&signed(
        &arena.keyring,
        "atk:ledger",
        "default",
        &body(&list),
        |_| {},
    ));
    let legit = arena.legit().await;

    arena.run_until_settled().await;

    arena.assert_quarantined("default", &huge, "oversize");
    arena.assert_refused("default", &long, "validation_error");
    let error = arena.stored("default", &long).unwrap().error_msg;
    assert!(error.contains("fields=items:length"), "{error}");
    arena.assert_handled_once(&[&legit]);
    arena.assert_no_canary();
}
