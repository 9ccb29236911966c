//! Catalogue §4 D: JSON parser abuse inside a correctly signed body, as a compromised
//! producer would send it. The signature passes; the strict decode refuses the body
//! with `decode_error` (or the byte cap with `oversize`) and nothing reaches a handler.

use vetted_tests::attack::{Arena, CANARY, signed};

/// A valid ledger body with `memo`, as raw JSON text.
fn ledger(memo: &str) -> String {
    format!(r#"{{"memo":"{memo}","amount":1,"count":1,"ratio":0.5,"items":[1]}}"#)
}

/// A ledger body whose field `name` is replaced by the raw JSON `value`.
fn ledger_with(name: &str, value: &str) -> Vec<u8> {
    let fields = [
        ("memo", format!("\"{CANARY}\"")),
        ("amount", "1".to_owned()),
        ("count", "1".to_owned()),
        ("ratio", "0.5".to_owned()),
        ("items", "[1]".to_owned()),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(field, default)| {
            let value = if *field == name {
                value
            } else {
                default.as_str()
            };
            format!("\"{field}\":{value}")
        })
        .collect();
    format!("{{{}}}", body.join(",")).into_bytes()
}

/// Signs `body` as `atk:ledger` with the worker's own key and plants it in `default`.
fn plant_ledger(arena: &Arena, body: &[u8]) -> String {
    arena.plant(&signed(
        &arena.keyring,
        "atk:ledger",
        "default",
        body,
        |_| {},
    ))
}

/// Signs each body as `atk:ledger` with the worker's own key, plants it between two
/// legitimate notes, runs the worker, and checks every body was refused with `code`.
async fn refused_with(bodies: &[Vec<u8>], code: &str) {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    let ids: Vec<String> = bodies
        .iter()
        .map(|body| plant_ledger(&arena, body))
        .collect();
    let after = arena.legit().await;

    arena.run_until_settled().await;

    for id in &ids {
        arena.assert_refused("default", id, code);
    }
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

/// Like [`refused_with`], for bodies that must be accepted.
async fn accepted(bodies: &[Vec<u8>]) {
    let arena = Arena::start().await;
    let ids: Vec<String> = bodies
        .iter()
        .map(|body| plant_ledger(&arena, body))
        .collect();
    arena.run_until_settled().await;
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    arena.assert_handled_once(&ids);
    arena.assert_no_canary();
}

#[tokio::test]
async fn d0_the_valid_ledger_body_is_accepted() {
    accepted(&[ledger(CANARY).into_bytes(), ledger_with("items", "[]")]).await;
}

#[tokio::test]
async fn d1_deep_nesting_is_refused_without_overflowing_the_stack() {
    let deep_closed = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let deep_objects = format!("{}1{}", r#"{"a":"#.repeat(50_000), "}".repeat(50_000));
    refused_with(
        &[
            ledger_with("items", &"[".repeat(100_000)),
            ledger_with("items", &deep_closed),
            ledger_with("memo", &deep_objects),
        ],
        "decode_error",
    )
    .await;
}

#[tokio::test]
async fn d2_a_huge_array_is_refused_by_the_byte_cap_before_parsing() {
    let arena = Arena::start().await;
    let before = arena.legit().await;
    let ten_mb = format!("[{}0]", "0,".repeat(5_000_000));
    let over_payload_cap = format!("[{}0]", "0,".repeat(530_000));
    let unread = plant_ledger(&arena, &ledger_with("items", &ten_mb));
    let capped = plant_ledger(&arena, &ledger_with("items", &over_payload_cap));
    let after = arena.legit().await;

    arena.run_until_settled().await;

    arena.assert_quarantined("default", &unread, "oversize");
    arena.assert_refused("default", &capped, "oversize");
    arena.assert_handled_once(&[&before, &after]);
    arena.assert_no_canary();
}

#[tokio::test]
async fn d3_a_duplicate_key_is_refused() {
    let body =
        format!(r#"{{"memo":"{CANARY}","amount":1,"amount":-1,"count":1,"ratio":0.5,"items":[]}}"#);
    refused_with(&[body.into_bytes()], "decode_error").await;
}

#[tokio::test]
async fn d4_an_unknown_field_is_refused() {
    let mut body = ledger(CANARY);
    body.insert_str(body.len() - 1, r#","is_admin":true"#);
    refused_with(&[body.into_bytes()], "decode_error").await;
}

#[tokio::test]
async fn d5_a_float_out_of_range_is_refused() {
    refused_with(
        &[
            ledger_with("ratio", "1e400"),
            ledger_with("ratio", "-1e400"),
        ],
        "decode_error",
    )
    .await;
}

#[tokio::test]
async fn d7_minus_zero_in_an_integer_field_is_refused() {
    refused_with(&[ledger_with("amount", "-0")], "decode_error").await;
}

#[tokio::test]
async fn d8_no_lossy_integer_coercion() {
    refused_with(
        &[
            ledger_with("count", "1.0"),
            ledger_with("count", "\"5\""),
            ledger_with("count", "-1"),
            ledger_with("count", "4294967296"),
            ledger_with("amount", "9223372036854775808"),
            ledger_with("count", "1e2"),
        ],
        "decode_error",
    )
    .await;
}

#[tokio::test]
async fn d9_nan_and_infinity_literals_are_refused() {
    refused_with(
        &[
            ledger_with("ratio", "NaN"),
            ledger_with("ratio", "Infinity"),
            ledger_with("ratio", "-Infinity"),
        ],
        "decode_error",
    )
    .await;
}

#[tokio::test]
async fn d10_lone_surrogates_and_invalid_utf8_are_refused() {
    let mut invalid = ledger(CANARY).into_bytes();
    invalid.splice(9..9, [0xff, 0xfe]);
    let mut overlong = ledger(CANARY).into_bytes();
    overlong.splice(9..9, [0xc0, 0xaf]);
    let mut truncated = ledger(CANARY).into_bytes();
    truncated.splice(9..9, [0xe2, 0x82]);
    refused_with(
        &[
            ledger(&format!("{CANARY}\\ud800")).into_bytes(),
            ledger(&format!("{CANARY}\\udc00\\ud800")).into_bytes(),
            invalid,
            overlong,
            truncated,
        ],
        "decode_error",
    )
    .await;
}

#[tokio::test]
async fn d11_a_byte_order_mark_is_refused() {
    let mut body = b"\xef\xbb\xbf".to_vec();
    body.extend_from_slice(ledger(CANARY).as_bytes());
    refused_with(&[body], "decode_error").await;
}

#[tokio::test]
async fn d12_trailing_data_and_second_documents_are_refused() {
    let one = ledger(CANARY);
    refused_with(
        &[
            format!("{one} x").into_bytes(),
            format!("{one}{one}").into_bytes(),
            format!("{one}\n{one}").into_bytes(),
            format!("{one},").into_bytes(),
            format!("{one}\0").into_bytes(),
        ],
        "decode_error",
    )
    .await;
}

#[tokio::test]
async fn d14_a_key_in_another_case_is_refused() {
    let body = ledger(CANARY).replace("\"memo\"", "\"Memo\"");
    let all_upper = ledger(CANARY)
        .to_uppercase()
        .replace(CANARY.to_uppercase().as_str(), CANARY);
    refused_with(&[body.into_bytes(), all_upper.into_bytes()], "decode_error").await;
}
