//! The cross-language vectors of `docs/signing-vectors.json`, run through `KeyRing`.
//!
//! Each case follows the worker's order: header present, `verify` (syntax, key, MAC),
//! schema version, then `check_time`. Valid cases are also signed again from their claims
//! and must give the identical header.

#[path = "signing_support.rs"]
mod support;

use serde::Deserialize;
use vetted::reason::{Reason, Rejection};
use vetted::signing::{Claims, KeyRing, SignedFields};

/// The vectors file, relative to the tests crate.
const VECTORS: &str = "../docs/signing-vectors.json";

#[derive(Deserialize)]
struct VectorFile {
    scheme: String,
    keyring: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(rename = "type")]
    type_name: String,
    queue: String,
    id: String,
    payload_hex: String,
    header: Option<String>,
    now: u64,
    schema_version: u32,
    claims: Option<CaseClaims>,
    expect: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseClaims {
    kid: String,
    iat: u64,
    exp: u64,
    nbf: u64,
    max_retry: u32,
    schema: u32,
}

impl CaseClaims {
    fn to_claims(&self) -> Claims {
        Claims {
            key_id: self.kid.clone(),
            issued_at: self.iat,
            expires_at: self.exp,
            not_before: self.nbf,
            max_retry: self.max_retry,
            schema_version: self.schema,
        }
    }
}

fn load() -> VectorFile {
    let path = support::from_tests_crate(VECTORS);
    let file: VectorFile = serde_json::from_str(&support::read_vector_file(&path))
        .unwrap_or_else(|err| panic!("{} does not have the vectors format: {err}", path.display()));
    assert_eq!(file.scheme, "vetted-sig v1");
    assert!(!file.cases.is_empty(), "{} lists no cases", path.display());
    file
}

/// The worker's checks in order; `Err` holds the refusal.
fn outcome(ring: &KeyRing, case: &Case, fields: &SignedFields<'_>) -> Result<Claims, Rejection> {
    let header = case
        .header
        .as_deref()
        .ok_or(Rejection::new(Reason::Unsigned))?;
    let claims = ring.verify(header, fields)?;
    if claims.schema_version != case.schema_version {
        return Err(Rejection::new(Reason::SchemaVersion));
    }
    claims.check_time(case.now).map_err(Rejection::new)?;
    Ok(claims)
}

/// The same ring text with `key_id` as its signing key (the old one becomes verify-only).
fn ring_signing_with(text: &str, key_id: &str) -> KeyRing {
    let entries = text.lines().flat_map(|line| line.split(';')).map(|entry| {
        let words: Vec<&str> = entry.split_whitespace().collect();
        match words.as_slice() {
            ["sign", id, secret] if *id != key_id => format!("verify {id} {secret}"),
            ["verify", id, secret] if *id == key_id => format!("sign {id} {secret}"),
            _ => entry.to_owned(),
        }
    });
    let text: Vec<String> = entries.collect();
    KeyRing::parse(&text.join("\n")).expect("the rewritten vectors ring loads")
}

/// Checks one case; returns a description of each disagreement.
fn check_case(ring: &KeyRing, text: &str, case: &Case) -> Vec<String> {
    let payload = support::hex(&case.payload_hex);
    let fields = SignedFields {
        type_name: &case.type_name,
        queue: &case.queue,
        id: &case.id,
        payload: &payload,
    };
    let mut problems = Vec::new();
    match outcome(ring, case, &fields) {
        Ok(claims) if case.expect == "ok" => {
            check_valid_case(text, case, &fields, &claims, &mut problems);
        }
        Ok(_) => problems.push(format!("accepted, expected {}", case.expect)),
        Err(rejection) => {
            if rejection.reason.code() != case.expect {
                problems.push(format!(
                    "refused with {}, expected {}",
                    rejection.reason, case.expect
                ));
            }
            check_rejection_details(case, &payload, &rejection, &mut problems);
        }
    }
    problems
}

fn check_valid_case(
    text: &str,
    case: &Case,
    fields: &SignedFields<'_>,
    claims: &Claims,
    problems: &mut Vec<String>,
) {
    let Some(expected) = case.claims.as_ref().map(CaseClaims::to_claims) else {
        problems.push("an ok case without claims".into());
        return;
    };
    if *claims != expected {
        problems.push(format!("claims {claims:?}, expected {expected:?}"));
    }
    let signed = ring_signing_with(text, &expected.key_id).sign(fields, &expected);
    if Some(&signed) != case.header.as_ref() {
        problems.push(format!("signing again gave {signed}"));
    }
}

/// Refusals from `verify` carry the payload length, and the key id once it is well formed.
fn check_rejection_details(
    case: &Case,
    payload: &[u8],
    rejection: &Rejection,
    problems: &mut Vec<String>,
) {
    let outside_verify = [
        Reason::Unsigned,
        Reason::SchemaVersion,
        Reason::Expired,
        Reason::TooEarly,
    ];
    if outside_verify.contains(&rejection.reason) {
        return;
    }
    if rejection.payload_len != Some(payload.len()) {
        problems.push(format!("payload_len {:?}", rejection.payload_len));
    }
    let header_kid = case.header.as_deref().and_then(|h| h.split(':').nth(1));
    let names_key = matches!(
        rejection.reason,
        Reason::UnknownKey | Reason::RetiredKey | Reason::BadSignature
    );
    if names_key && rejection.key_id.as_deref() != header_kid {
        problems.push(format!(
            "key_id {:?}, header names {header_kid:?}",
            rejection.key_id
        ));
    }
}

#[test]
fn every_vector_gives_its_expected_outcome() {
    let file = load();
    let ring = KeyRing::parse(&file.keyring).expect("the vectors ring loads");
    let mut failures = Vec::new();
    for case in &file.cases {
        assert!(
            case.expect == "ok" || Reason::from_code(&case.expect).is_some(),
            "{}: unknown expected outcome {:?}",
            case.name,
            case.expect
        );
        for problem in check_case(&ring, &file.keyring, case) {
            failures.push(format!("{}: {problem}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        file.cases.len(),
        failures.join("\n")
    );
}

#[test]
fn vectors_cover_every_signature_reason() {
    let file = load();
    let expected = [
        "ok",
        "unsigned",
        "malformed_signature",
        "unsupported_scheme",
        "unknown_key",
        "retired_key",
        "bad_signature",
        "schema_version",
        "expired",
        "too_early",
    ];
    for code in expected {
        assert!(
            file.cases.iter().any(|c| c.expect == code),
            "no case expects {code}"
        );
    }
}
