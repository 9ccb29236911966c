//! Unit tests of the header grammar, one group per rule of `docs/signing.md`.

use super::*;

/// A canonical tag: 43 characters, all zero bits.
const ZERO_TAG: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// Field texts of a valid header, in order.
const VALID: [&str; 8] = [
    "v1",
    "k1",
    "1700000000",
    "1700003600",
    "1700000060",
    "25",
    "3",
    ZERO_TAG,
];

fn with_field(index: usize, value: &str) -> String {
    let mut fields = VALID;
    fields[index] = value;
    fields.join(":")
}

fn reason_of(value: &str) -> HeaderError<'_> {
    parse(value).expect_err("header must be refused")
}

fn assert_malformed_with_kid(value: &str) {
    let err = reason_of(value);
    assert_eq!(err.reason, Reason::MalformedSignature, "{value}");
    assert_eq!(err.key_id, Some("k1"), "{value}");
}

#[test]
fn parses_a_valid_header() {
    let value = VALID.join(":");
    let parsed = parse(&value).expect("valid header");
    assert_eq!(parsed.text.kid, "k1");
    assert_eq!(parsed.text.iat, "1700000000");
    assert_eq!(parsed.issued_at, 1_700_000_000);
    assert_eq!(parsed.expires_at, 1_700_003_600);
    assert_eq!(parsed.not_before, 1_700_000_060);
    assert_eq!(parsed.max_retry, 25);
    assert_eq!(parsed.schema_version, 3);
    assert_eq!(parsed.tag, [0; 32]);
}

#[test]
fn format_writes_what_parse_reads() {
    let value = VALID.join(":");
    let parsed = parse(&value).expect("valid header");
    assert_eq!(format(&parsed.text, &parsed.tag), value);
}

#[test]
fn refuses_leading_zeros() {
    for index in 2..=6 {
        assert_malformed_with_kid(&with_field(index, "01"));
        assert_malformed_with_kid(&with_field(index, "00"));
    }
    assert_malformed_with_kid(&with_field(2, "01700000000"));
}

#[test]
fn zero_is_allowed_where_the_grammar_allows_it() {
    for index in [3, 4, 5] {
        assert!(parse(&with_field(index, "0")).is_ok(), "field {index}");
    }
    assert_malformed_with_kid(&with_field(2, "0"));
    assert_malformed_with_kid(&with_field(6, "0"));
}

#[test]
fn refuses_signs_spaces_and_other_characters() {
    for bad in ["+1", "-1", " 1", "1 ", "1_000", "1e3", "0x10", "١"] {
        for index in 2..=6 {
            assert_malformed_with_kid(&with_field(index, bad));
        }
    }
}

#[test]
fn refuses_more_than_19_digits_or_more_than_i64_max() {
    let i64_max = "9223372036854775807";
    assert!(parse(&with_field(3, i64_max)).is_ok());
    for too_big in [
        "9223372036854775808",
        "9999999999999999999",
        "10000000000000000000",
    ] {
        assert_malformed_with_kid(&with_field(3, too_big));
    }
    assert_malformed_with_kid(&with_field(3, &"1".repeat(40)));
}

#[test]
fn bounds_max_retry_and_schema() {
    assert_eq!(
        parse(&with_field(5, "2147483647")).expect("max").max_retry,
        i32::MAX as u32
    );
    assert_malformed_with_kid(&with_field(5, "2147483648"));
    assert_eq!(
        parse(&with_field(6, "4294967295"))
            .expect("max")
            .schema_version,
        u32::MAX
    );
    assert_malformed_with_kid(&with_field(6, "4294967296"));
}

#[test]
fn refuses_empty_fields() {
    for index in 2..=7 {
        assert_malformed_with_kid(&with_field(index, ""));
    }
    assert_eq!(reason_of(&with_field(1, "")), malformed_without_kid());
    assert_eq!(
        reason_of(&with_field(0, "")).reason,
        Reason::UnsupportedScheme
    );
    assert_eq!(reason_of(""), malformed_without_kid());
    assert_eq!(
        reason_of(":::::::"),
        HeaderError {
            reason: Reason::UnsupportedScheme,
            key_id: None
        }
    );
}

fn malformed_without_kid() -> HeaderError<'static> {
    HeaderError {
        reason: Reason::MalformedSignature,
        key_id: None,
    }
}

#[test]
fn needs_exactly_eight_fields() {
    let seven = VALID[..7].join(":");
    let nine = format!("{}:x", VALID.join(":"));
    assert_eq!(reason_of(&seven), malformed_without_kid());
    assert_eq!(reason_of(&nine), malformed_without_kid());
    assert_eq!(
        reason_of(&format!("{}:", VALID.join(":"))),
        malformed_without_kid()
    );
    assert_eq!(
        reason_of(&nine.replacen("v1", "v2", 1)),
        malformed_without_kid()
    );
}

#[test]
fn refuses_other_versions() {
    for version in ["v2", "V1", "v1 ", "v0", "v10", "none", "1"] {
        let unsupported = HeaderError {
            reason: Reason::UnsupportedScheme,
            key_id: None,
        };
        assert_eq!(
            reason_of(&with_field(0, version)),
            unsupported,
            "{version:?}"
        );
    }
}

#[test]
fn refuses_bad_key_ids_without_echoing_them() {
    for kid in ["k/1", "k 1", "ké", &"k".repeat(33), "k\n1"] {
        assert_eq!(
            reason_of(&with_field(1, kid)),
            malformed_without_kid(),
            "{kid:?}"
        );
    }
    assert!(parse(&with_field(1, &"k".repeat(32))).is_ok());
}

#[test]
fn tag_must_be_43_characters() {
    assert_malformed_with_kid(&with_field(7, &ZERO_TAG[..42]));
    assert_malformed_with_kid(&with_field(7, &format!("{ZERO_TAG}A")));
    assert_malformed_with_kid(&with_field(7, &format!("{ZERO_TAG}=")));
    assert_malformed_with_kid(&with_field(7, &format!("{}==", &ZERO_TAG[..42])));
}

#[test]
fn tag_last_character_must_carry_zero_padding_bits() {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let canonical = "AEIMQUYcgkosw048";
    for last in alphabet.chars() {
        let tag = format!("{}{last}", &ZERO_TAG[..42]);
        let accepted = parse(&with_field(7, &tag)).is_ok();
        assert_eq!(accepted, canonical.contains(last), "last character {last}");
    }
}

#[test]
fn tag_must_use_the_url_safe_alphabet() {
    for bad in ['+', '/', '=', '.', ' ', '~'] {
        let tag = format!("{bad}{}", &ZERO_TAG[1..]);
        assert_malformed_with_kid(&with_field(7, &tag));
    }
}

#[test]
fn expiry_must_not_precede_issue() {
    assert_malformed_with_kid(&with_field(3, "1699999999").replacen(":1700000060:", ":0:", 1));
    let equal = with_field(3, "1700000000").replacen(":1700000060:", ":0:", 1);
    assert!(parse(&equal).is_ok());
}

#[test]
fn not_before_must_not_follow_a_set_expiry() {
    assert_malformed_with_kid(&with_field(4, "1700003601"));
    assert!(parse(&with_field(4, "1700003600")).is_ok());
    let no_expiry = with_field(3, "0");
    assert!(parse(&no_expiry.replacen("1700000060", "9000000000", 1)).is_ok());
}

#[test]
fn length_cap_applies_before_anything_else() {
    let long = format!("{}:{}", VALID.join(":"), "x".repeat(MAX_HEADER_LEN));
    assert_eq!(reason_of(&long[..257]), malformed_without_kid());
    let unsupported = format!("v2:{}", "x".repeat(300));
    assert_eq!(reason_of(&unsupported), malformed_without_kid());
    let padded_kid = with_field(1, &"k".repeat(300));
    assert_eq!(reason_of(&padded_kid), malformed_without_kid());
}

#[test]
fn a_256_byte_value_reaches_the_field_checks() {
    let value = with_field(7, &"A".repeat(MAX_HEADER_LEN - VALID.join(":").len() + 43));
    assert_eq!(value.len(), MAX_HEADER_LEN);
    assert_malformed_with_kid(&value);
    assert_eq!(reason_of(&format!("{value}A")), malformed_without_kid());
}

#[test]
fn decimal_accepts_exactly_the_grammar() {
    assert_eq!(decimal("0"), Some(0));
    assert_eq!(decimal("7"), Some(7));
    assert_eq!(decimal("9223372036854775807"), Some(i64::MAX as u64));
    for bad in [
        "",
        "00",
        "07",
        "+7",
        "-0",
        "9223372036854775808",
        "18446744073709551616",
    ] {
        assert_eq!(decimal(bad), None, "{bad:?}");
    }
}

#[test]
fn times_are_ordered_handles_extremes() {
    assert!(times_are_ordered(1, 0, 0));
    assert!(times_are_ordered(u64::MAX, 0, u64::MAX));
    assert!(!times_are_ordered(u64::MAX, 1, 0));
    assert!(!times_are_ordered(1, 5, 6));
    assert!(times_are_ordered(1, 5, 5));
}
