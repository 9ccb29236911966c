//! JSONTestSuite (nst/JSONTestSuite `test_parsing/`) through vetted's JSON stage, with
//! the implementation-defined `i_` decisions pinned, plus the typed-stage cases of
//! security.md §4 row D.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use vetted::json::{self, JsonErrorKind};

/// Whether a parser accepts a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
}

use Verdict::{Accept, Reject};

/// Every `i_` file with its verdict through `json::decode::<IgnoredAny>` (what skipping
/// a value costs) and through `json::decode::<serde_json::Value>` (what building typed
/// values costs: numbers are converted and nesting is limited).
///
/// A serde_json upgrade that changes any of these fails here; review the change against
/// security.md before updating the table.
const IMPLEMENTATION_DEFINED: [(&str, Verdict, Verdict); 35] = [
    ("i_number_double_huge_neg_exp.json", Accept, Accept),
    ("i_number_huge_exp.json", Accept, Reject),
    ("i_number_neg_int_huge_exp.json", Accept, Reject),
    ("i_number_pos_double_huge_exp.json", Accept, Reject),
    ("i_number_real_neg_overflow.json", Accept, Reject),
    ("i_number_real_pos_overflow.json", Accept, Reject),
    ("i_number_real_underflow.json", Accept, Accept),
    ("i_number_too_big_neg_int.json", Accept, Accept),
    ("i_number_too_big_pos_int.json", Accept, Accept),
    ("i_number_very_big_negative_int.json", Accept, Accept),
    ("i_object_key_lone_2nd_surrogate.json", Accept, Reject),
    (
        "i_string_1st_surrogate_but_2nd_missing.json",
        Accept,
        Reject,
    ),
    (
        "i_string_1st_valid_surrogate_2nd_invalid.json",
        Accept,
        Reject,
    ),
    ("i_string_UTF-16LE_with_BOM.json", Reject, Reject),
    ("i_string_UTF-8_invalid_sequence.json", Reject, Reject),
    ("i_string_UTF8_surrogate_U+D800.json", Reject, Reject),
    (
        "i_string_incomplete_surrogate_and_escape_valid.json",
        Accept,
        Reject,
    ),
    ("i_string_incomplete_surrogate_pair.json", Accept, Reject),
    (
        "i_string_incomplete_surrogates_escape_valid.json",
        Accept,
        Reject,
    ),
    ("i_string_invalid_lonely_surrogate.json", Accept, Reject),
    ("i_string_invalid_surrogate.json", Accept, Reject),
    ("i_string_invalid_utf-8.json", Reject, Reject),
    ("i_string_inverted_surrogates_U+1D11E.json", Accept, Reject),
    ("i_string_iso_latin_1.json", Reject, Reject),
    ("i_string_lone_second_surrogate.json", Accept, Reject),
    ("i_string_lone_utf8_continuation_byte.json", Reject, Reject),
    ("i_string_not_in_unicode_range.json", Reject, Reject),
    ("i_string_overlong_sequence_2_bytes.json", Reject, Reject),
    ("i_string_overlong_sequence_6_bytes.json", Reject, Reject),
    (
        "i_string_overlong_sequence_6_bytes_null.json",
        Reject,
        Reject,
    ),
    ("i_string_truncated-utf-8.json", Reject, Reject),
    ("i_string_utf16BE_no_BOM.json", Reject, Reject),
    ("i_string_utf16LE_no_BOM.json", Reject, Reject),
    ("i_structure_500_nested_arrays.json", Accept, Reject),
    ("i_structure_UTF-8_BOM_empty_object.json", Reject, Reject),
];

fn suite_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/jsontestsuite");
    assert!(
        dir.is_dir(),
        "JSONTestSuite vectors missing: expected the test_parsing files in {}",
        dir.display()
    );
    dir
}

/// The suite's `.json` files as (file name, contents), sorted by name.
fn suite_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(suite_dir())
        .expect("readable vector directory")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read(&path).expect("readable vector"))
        })
        .collect();
    files.sort();
    files
}

fn verdict<T: serde::de::DeserializeOwned>(data: &[u8]) -> Verdict {
    match json::decode::<T>(data) {
        Ok(_) => Accept,
        Err(_) => Reject,
    }
}

fn files_with_prefix(prefix: &str) -> Vec<(String, Vec<u8>)> {
    suite_files()
        .into_iter()
        .filter(|(name, _)| name.starts_with(prefix))
        .collect()
}

#[test]
fn the_suite_has_its_documented_size() {
    let counts = ["y_", "n_", "i_"].map(|prefix| files_with_prefix(prefix).len());
    assert_eq!(counts, [95, 188, 35], "y_/n_/i_ file counts");
    assert_eq!(suite_files().len(), 318);
}

#[test]
fn every_y_file_is_accepted() {
    let refused: Vec<String> = files_with_prefix("y_")
        .into_iter()
        .filter(|(_, data)| verdict::<IgnoredAny>(data) == Reject)
        .map(|(name, _)| name)
        .collect();
    assert!(refused.is_empty(), "valid JSON refused: {refused:?}");
}

#[test]
fn every_n_file_is_rejected() {
    let accepted: Vec<String> = files_with_prefix("n_")
        .into_iter()
        .filter(|(_, data)| verdict::<IgnoredAny>(data) == Accept)
        .map(|(name, _)| name)
        .collect();
    assert!(accepted.is_empty(), "invalid JSON accepted: {accepted:?}");
}

#[test]
fn every_i_decision_is_pinned() {
    let actual: Vec<(String, Verdict, Verdict)> = files_with_prefix("i_")
        .into_iter()
        .map(|(name, data)| {
            let skipped = verdict::<IgnoredAny>(&data);
            let built = verdict::<serde_json::Value>(&data);
            (name, skipped, built)
        })
        .collect();
    let pinned: Vec<(String, Verdict, Verdict)> = IMPLEMENTATION_DEFINED
        .iter()
        .map(|(name, skipped, built)| ((*name).to_owned(), *skipped, *built))
        .collect();
    let table: String = actual
        .iter()
        .map(|(name, skipped, built)| format!("    (\"{name}\", {skipped:?}, {built:?}),\n"))
        .collect();
    assert!(
        actual == pinned,
        "i_ decisions changed; they are now:\n{table}"
    );
}

/// A task with one field of each number kind and a string.
#[vetted::task(name = "suite:typed")]
#[derive(Debug, PartialEq)]
struct Typed {
    amount: i64,
    count: u32,
    ratio: f64,
    name: String,
}

/// A `Typed` payload with `field` set to the raw JSON `value`.
fn typed_with(field: &str, value: &str) -> String {
    let mut fields = [
        ("amount", "1"),
        ("count", "1"),
        ("ratio", "0.5"),
        ("name", "\"a\""),
    ];
    for (name, raw) in &mut fields {
        if *name == field {
            *raw = value;
        }
    }
    let body: Vec<String> = fields.iter().map(|(n, v)| format!("\"{n}\":{v}")).collect();
    format!("{{{}}}", body.join(","))
}

fn typed_error(payload: &str) -> JsonErrorKind {
    match json::decode::<Typed>(payload.as_bytes()) {
        Ok(value) => panic!("accepted {payload} as {value:?}"),
        Err(err) => err.kind(),
    }
}

#[test]
fn well_formed_typed_payloads_decode_at_the_type_limits() {
    let payload = r#"{"amount":-9223372036854775808,"count":4294967295,"ratio":-0.0,"name":"é"}"#;
    let value = json::decode::<Typed>(payload.as_bytes()).expect("valid payload");
    assert_eq!(
        (value.amount, value.count, value.name.as_str()),
        (i64::MIN, u32::MAX, "é")
    );
    let value = json::decode::<Typed>(typed_with("amount", "9223372036854775807").as_bytes());
    assert_eq!(value.expect("i64::MAX fits").amount, i64::MAX);
}

#[test]
fn duplicate_unknown_and_case_changed_keys_are_refused() {
    let duplicate = r#"{"amount":1,"amount":-1,"count":1,"ratio":0.5,"name":"a"}"#;
    assert_eq!(typed_error(duplicate), JsonErrorKind::Data);
    let unknown = r#"{"amount":1,"count":1,"ratio":0.5,"name":"a","is_admin":true}"#;
    assert_eq!(typed_error(unknown), JsonErrorKind::Data);
    let case_changed = r#"{"Amount":1,"count":1,"ratio":0.5,"name":"a"}"#;
    assert_eq!(typed_error(case_changed), JsonErrorKind::Data);
}

#[test]
fn integers_are_never_coerced() {
    for value in [
        "9223372036854775808",
        "-9223372036854775809",
        "100000000000000000000000",
        "1e2",
        "1.0",
        "\"1\"",
    ] {
        assert_eq!(
            typed_error(&typed_with("amount", value)),
            JsonErrorKind::Data,
            "amount {value}"
        );
    }
    assert_eq!(
        typed_error(&typed_with("amount", "-0")),
        JsonErrorKind::Data,
        "-0 is read as a float"
    );
    for value in ["1.0", "\"5\"", "-1", "4294967296"] {
        assert_eq!(
            typed_error(&typed_with("count", value)),
            JsonErrorKind::Data,
            "count {value}"
        );
    }
}

#[test]
fn floats_out_of_range_and_non_numbers_are_refused() {
    for value in [
        "1e400",
        "-1e400",
        "NaN",
        "Infinity",
        "-Infinity",
        "null",
        "\"0.5\"",
    ] {
        let kind = typed_error(&typed_with("ratio", value));
        assert!(
            matches!(kind, JsonErrorKind::Syntax | JsonErrorKind::Data),
            "ratio {value}: {kind:?}"
        );
    }
}

#[test]
fn strings_must_be_unicode_scalar_values_in_utf8() {
    for value in [r#""\ud800""#, r#""\udc00\ud800""#, r#""\ud800x""#] {
        typed_error(&typed_with("name", value));
    }
    let mut invalid = typed_with("name", "\"ab\"").into_bytes();
    let at = invalid
        .windows(2)
        .position(|w| w == b"ab")
        .expect("placeholder");
    invalid[at] = 0xC3;
    invalid[at + 1] = 0x28;
    let err = json::decode::<Typed>(&invalid).expect_err("invalid UTF-8 refused");
    assert_eq!(err.kind(), JsonErrorKind::Syntax);
}

#[test]
fn a_byte_order_mark_and_trailing_documents_are_refused() {
    let valid = typed_with("amount", "1");
    assert_eq!(
        typed_error(&format!("\u{feff}{valid}")),
        JsonErrorKind::Syntax
    );
    assert_eq!(
        typed_error(&format!("{valid} {valid}")),
        JsonErrorKind::Syntax
    );
    assert_eq!(typed_error(&format!("{valid}x")), JsonErrorKind::Syntax);
    assert!(json::decode::<Typed>(format!(" {valid}\n").as_bytes()).is_ok());
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    let open = "[".repeat(100_000);
    assert_eq!(typed_error(&open), JsonErrorKind::Data);
    assert_eq!(typed_error(&typed_with("name", &open)), JsonErrorKind::Data);
    let value_err = json::decode::<serde_json::Value>(open.as_bytes()).unwrap_err();
    assert_eq!(value_err.kind(), JsonErrorKind::Depth);
    let skipped = json::decode::<IgnoredAny>(open.as_bytes()).unwrap_err();
    assert_eq!(
        skipped.kind(),
        JsonErrorKind::Eof,
        "skipping is iterative, so it reaches the end"
    );
    let balanced = format!("{open}{}", "]".repeat(100_000));
    assert_eq!(
        json::decode::<serde_json::Value>(balanced.as_bytes())
            .unwrap_err()
            .kind(),
        JsonErrorKind::Depth
    );
}

#[test]
fn decoded_values_nest_fewer_than_128_levels() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(json::decode::<serde_json::Value>(nested(127).as_bytes()).is_ok());
    let err = json::decode::<serde_json::Value>(nested(128).as_bytes()).unwrap_err();
    assert_eq!(err.kind(), JsonErrorKind::Depth);
}

#[test]
fn errors_quote_no_part_of_the_payload() {
    let payload = r#"{"amount":1,"count":1,"ratio":0.5,"name":"a","canary_f00d":"hunter2"}"#;
    let err = json::decode::<Typed>(payload.as_bytes()).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("canary") && !text.contains("hunter2"),
        "{text}"
    );
}

#[test]
fn arbitrary_precision_is_off() {
    let err = serde_json::from_str::<serde_json::Value>("1e400");
    assert!(
        err.is_err(),
        "serde_json keeps number text: a crate enabled arbitrary_precision"
    );
}
