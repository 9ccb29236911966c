//! Unit tests of signing and verification through the key ring.

use super::*;

const RING: &str =
    "sign current hex:1111111111111111111111111111111111111111111111111111111111111111
verify previous hex:2222222222222222222222222222222222222222222222222222222222222222
retired ancient";

const PAYLOAD: &[u8] = br#"{"to":"a@example.com"}"#;

fn ring() -> KeyRing {
    KeyRing::parse(RING).expect("valid ring")
}

fn fields() -> SignedFields<'static> {
    SignedFields {
        type_name: "email:send",
        queue: "default",
        id: "task-1",
        payload: PAYLOAD,
    }
}

fn claims() -> Claims {
    Claims {
        key_id: "current".into(),
        issued_at: 1_700_000_000,
        expires_at: 1_700_086_400,
        not_before: 0,
        max_retry: 5,
        schema_version: 2,
    }
}

/// A ring whose signing key is `previous`, so its signatures verify in [`ring`].
fn previous_ring() -> KeyRing {
    KeyRing::parse(
        &RING
            .replace("sign ", "verify ")
            .replace("verify previous", "sign previous"),
    )
    .expect("valid ring")
}

#[test]
fn sign_then_verify_returns_the_claims() {
    let header = ring().sign(&fields(), &claims());
    assert!(
        header.starts_with("v1:current:1700000000:1700086400:0:5:2:"),
        "{header}"
    );
    assert_eq!(ring().verify(&header, &fields()), Ok(claims()));
}

#[test]
fn signing_is_deterministic() {
    assert_eq!(
        ring().sign(&fields(), &claims()),
        ring().sign(&fields(), &claims())
    );
}

#[test]
fn claims_key_id_is_ignored_when_signing() {
    let other = Claims {
        key_id: "someone-else".into(),
        ..claims()
    };
    let header = ring().sign(&fields(), &other);
    assert_eq!(header, ring().sign(&fields(), &claims()));
    assert_eq!(
        ring().verify(&header, &fields()).expect("verifies").key_id,
        "current"
    );
}

#[test]
fn verify_only_keys_verify() {
    let header = previous_ring().sign(&fields(), &claims());
    let verified = ring()
        .verify(&header, &fields())
        .expect("verify-only key accepted");
    assert_eq!(verified.key_id, "previous");
}

#[test]
fn unknown_and_retired_keys_are_refused_with_their_id() {
    let header = previous_ring().sign(&fields(), &claims());
    let unknown = header.replacen(":previous:", ":stranger:", 1);
    let retired = header.replacen(":previous:", ":ancient:", 1);
    let expect = |reason, kid: &str| Rejection::new(reason).with_key(kid).with_len(PAYLOAD.len());
    assert_eq!(
        ring().verify(&unknown, &fields()),
        Err(expect(Reason::UnknownKey, "stranger"))
    );
    assert_eq!(
        ring().verify(&retired, &fields()),
        Err(expect(Reason::RetiredKey, "ancient"))
    );
}

#[test]
fn a_changed_task_is_a_bad_signature() {
    let header = ring().sign(&fields(), &claims());
    let expected = |len| {
        Rejection::new(Reason::BadSignature)
            .with_key("current")
            .with_len(len)
    };
    let changed = [
        SignedFields {
            type_name: "email:sent",
            ..fields()
        },
        SignedFields {
            queue: "critical",
            ..fields()
        },
        SignedFields {
            id: "task-2",
            ..fields()
        },
        SignedFields {
            payload: br#"{"to":"b@example.com"}"#,
            ..fields()
        },
    ];
    for task in changed {
        assert_eq!(
            ring().verify(&header, &task),
            Err(expected(task.payload.len()))
        );
    }
}

#[test]
fn a_changed_claim_is_a_bad_signature() {
    let header = ring().sign(&fields(), &claims());
    for (from, to) in [
        (":1700086400:", ":1700086401:"),
        (":0:5:", ":1:5:"),
        (":5:2:", ":6:2:"),
    ] {
        let edited = header.replacen(from, to, 1);
        let err = ring()
            .verify(&edited, &fields())
            .expect_err("edited header");
        assert_eq!(err.reason, Reason::BadSignature, "{from} -> {to}");
    }
    let edited = header.replacen(":2:", ":3:", 1);
    assert_eq!(
        ring().verify(&edited, &fields()).map_err(|e| e.reason),
        Err(Reason::BadSignature)
    );
}

#[test]
fn syntax_refusals_carry_the_key_id_only_when_it_is_valid() {
    let header = ring().sign(&fields(), &claims());
    let verify = |value: &str| ring().verify(value, &fields()).expect_err("refused");

    let bad_number = verify(&header.replacen(":5:", ":05:", 1));
    assert_eq!(bad_number.reason, Reason::MalformedSignature);
    assert_eq!(bad_number.key_id.as_deref(), Some("current"));
    assert_eq!(bad_number.payload_len, Some(PAYLOAD.len()));

    let bad_kid = verify(&header.replacen("current", "cur rent", 1));
    assert_eq!(
        (bad_kid.reason, bad_kid.key_id),
        (Reason::MalformedSignature, None)
    );

    let v2 = verify(&header.replacen("v1:", "v2:", 1));
    assert_eq!(
        (v2.reason, v2.key_id, v2.payload_len),
        (Reason::UnsupportedScheme, None, Some(22))
    );
}

#[test]
fn check_time_allows_sixty_seconds_of_skew() {
    let window = Claims {
        expires_at: 1000,
        not_before: 500,
        issued_at: 400,
        ..claims()
    };
    assert_eq!(window.check_time(1060), Ok(()));
    assert_eq!(window.check_time(1061), Err(Reason::Expired));
    assert_eq!(window.check_time(440), Ok(()));
    assert_eq!(window.check_time(439), Err(Reason::TooEarly));
    assert_eq!(window.check_time(0), Err(Reason::TooEarly));
}

#[test]
fn check_time_treats_zero_as_unset() {
    let open = Claims {
        expires_at: 0,
        not_before: 0,
        ..claims()
    };
    for now in [0, 1, u64::MAX] {
        assert_eq!(open.check_time(now), Ok(()));
    }
}

#[test]
fn check_time_saturates_at_the_extremes() {
    let far = Claims {
        expires_at: u64::MAX,
        not_before: u64::MAX,
        ..claims()
    };
    assert_eq!(far.check_time(u64::MAX), Ok(()));
    assert_eq!(far.check_time(0), Err(Reason::TooEarly));
    let late = Claims {
        expires_at: u64::MAX - 10,
        not_before: 0,
        ..claims()
    };
    assert_eq!(late.check_time(u64::MAX), Ok(()));
    let soon = Claims {
        expires_at: 1,
        not_before: 0,
        ..claims()
    };
    assert_eq!(soon.check_time(u64::MAX), Err(Reason::Expired));
}

#[test]
fn ill_formed_claims_sign_to_headers_that_verify_refuses() {
    let bad = [
        Claims {
            issued_at: 0,
            ..claims()
        },
        Claims {
            expires_at: 1,
            ..claims()
        },
        Claims {
            not_before: u64::MAX,
            ..claims()
        },
        Claims {
            issued_at: u64::MAX,
            expires_at: 0,
            ..claims()
        },
        Claims {
            max_retry: u32::MAX,
            ..claims()
        },
        Claims {
            schema_version: 0,
            ..claims()
        },
    ];
    for claims in bad {
        assert!(!claims.is_well_formed(), "{claims:?}");
        let header = ring().sign(&fields(), &claims);
        let err = ring()
            .verify(&header, &fields())
            .expect_err("ill-formed claims");
        assert_eq!(err.reason, Reason::MalformedSignature, "{claims:?}");
    }
    assert!(claims().is_well_formed());
}
