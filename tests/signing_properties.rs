//! Property tests of the signature scheme: tampering, context binding, PAE injectivity,
//! hostile header text and the sign/verify round trip.

use proptest::collection::vec;
use proptest::prelude::*;
use vetted::reason::Reason;
use vetted::signing::primitive::pae;
use vetted::signing::{Claims, KeyRing, SignedFields};

/// An owned task, so strategies can generate it.
#[derive(Clone, Debug, PartialEq)]
struct Task {
    type_name: String,
    queue: String,
    id: String,
    payload: Vec<u8>,
}

impl Task {
    fn fields(&self) -> SignedFields<'_> {
        SignedFields {
            type_name: &self.type_name,
            queue: &self.queue,
            id: &self.id,
            payload: &self.payload,
        }
    }
}

fn ring_from(kid: &str, secret: &[u8; 32]) -> KeyRing {
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    KeyRing::parse(&format!("sign {kid} hex:{hex}")).expect("valid ring")
}

fn task() -> impl Strategy<Value = Task> {
    (
        "[a-z][a-z0-9:_.-]{0,24}",
        "[a-z][a-z0-9_-]{0,12}",
        "[a-f0-9-]{1,36}",
        vec(any::<u8>(), 0..200),
    )
        .prop_map(|(type_name, queue, id, payload)| Task {
            type_name,
            queue,
            id,
            payload,
        })
}

/// Claims that pass every grammar rule: iat ≥ 1, exp = 0 or ≥ iat, nbf = 0 or ≤ exp.
fn claims() -> impl Strategy<Value = Claims> {
    let max = i64::MAX as u64;
    (
        1..=max,
        any::<bool>(),
        any::<u64>(),
        any::<u64>(),
        0..=i32::MAX as u32,
        1..=u32::MAX,
    )
        .prop_map(
            move |(iat, has_exp, exp_seed, nbf_seed, max_retry, schema)| {
                let exp = if has_exp {
                    iat + exp_seed % (max - iat + 1)
                } else {
                    0
                };
                let nbf_limit = if exp == 0 { max } else { exp };
                let nbf = if nbf_seed % 3 == 0 {
                    0
                } else {
                    1 + nbf_seed % nbf_limit
                };
                Claims {
                    key_id: "k1".into(),
                    issued_at: iat,
                    expires_at: exp,
                    not_before: nbf,
                    max_retry,
                    schema_version: schema,
                }
            },
        )
}

/// One edit of a byte string: flip, insert, delete or truncate.
#[derive(Clone, Debug)]
enum Edit {
    Flip { at: usize, bit: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize },
    Truncate { to: usize },
}

fn edit(ascii_only: bool) -> impl Strategy<Value = Edit> {
    let bits = if ascii_only { 0..7u8 } else { 0..8u8 };
    let byte = if ascii_only {
        (0x20..0x7fu8).boxed()
    } else {
        any::<u8>().boxed()
    };
    prop_oneof![
        (any::<usize>(), bits).prop_map(|(at, bit)| Edit::Flip { at, bit }),
        (any::<usize>(), byte).prop_map(|(at, byte)| Edit::Insert { at, byte }),
        any::<usize>().prop_map(|at| Edit::Delete { at }),
        any::<usize>().prop_map(|to| Edit::Truncate { to }),
    ]
}

/// Applies `edit` to `bytes`; `None` when it would change nothing (editing an empty input).
fn apply(edit: &Edit, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = bytes.to_vec();
    match *edit {
        Edit::Insert { at, byte } => out.insert(at % (bytes.len() + 1), byte),
        _ if bytes.is_empty() => return None,
        Edit::Flip { at, bit } => out[at % bytes.len()] ^= 1 << bit,
        Edit::Delete { at } => {
            out.remove(at % bytes.len());
        }
        Edit::Truncate { to } => out.truncate(to % bytes.len()),
    }
    Some(out)
}

/// Reads a PAE encoding back into its pieces: a left inverse, which proves injectivity.
fn unpae(mut bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let count = take_len(&mut bytes)?;
    let mut pieces = Vec::new();
    for _ in 0..count {
        let len = take_len(&mut bytes)?;
        pieces.push(take(&mut bytes, len)?.to_vec());
    }
    bytes.is_empty().then_some(pieces)
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, rest) = (bytes.get(..n)?, bytes.get(n..)?);
    *bytes = rest;
    Some(head)
}

fn take_len(bytes: &mut &[u8]) -> Option<usize> {
    let raw: [u8; 8] = take(bytes, 8)?.try_into().ok()?;
    usize::try_from(u64::from_le_bytes(raw)).ok()
}

/// Key ring text built from the words of the grammar and some noise.
fn ring_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("sign ".to_owned()),
        Just("verify ".to_owned()),
        Just("retired ".to_owned()),
        Just("; ".to_owned()),
        Just("\n".to_owned()),
        Just(" # ".to_owned()),
        "[a-z0-9._-]{1,34} ",
        "hex:[0-9a-fA-F]{0,70} ",
        "base64:[A-Za-z0-9+/_=-]{0,50} ",
        any::<String>(),
    ];
    vec(token, 0..12).prop_map(|tokens| tokens.concat())
}

proptest! {
    #[test]
    fn sign_then_verify_round_trips(
        task in task(),
        claims in claims(),
        secret in any::<[u8; 32]>(),
    ) {
        let ring = ring_from("k1", &secret);
        let header = ring.sign(&task.fields(), &claims);
        prop_assert!(header.len() <= 256);
        prop_assert_eq!(ring.verify(&header, &task.fields()), Ok(claims));
    }

    #[test]
    fn any_payload_edit_fails(task in task(), claims in claims(), edit in edit(false)) {
        let ring = ring_from("k1", &[7; 32]);
        let header = ring.sign(&task.fields(), &claims);
        if let Some(payload) = apply(&edit, &task.payload) {
            let tampered = Task { payload, ..task };
            let err = ring.verify(&header, &tampered.fields()).expect_err("edited payload");
            prop_assert_eq!(err.reason, Reason::BadSignature);
        }
    }

    #[test]
    fn any_header_edit_fails(task in task(), claims in claims(), edit in edit(true)) {
        let ring = ring_from("k1", &[7; 32]);
        let header = ring.sign(&task.fields(), &claims);
        let edited = apply(&edit, header.as_bytes()).expect("headers are never empty");
        let edited = String::from_utf8(edited).expect("ASCII edits keep ASCII");
        prop_assert!(ring.verify(&edited, &task.fields()).is_err(), "{:?} verified", edited);
    }

    #[test]
    fn a_signature_is_bound_to_its_task(first in task(), second in task(), claims in claims()) {
        let moved = Task { payload: first.payload.clone(), ..second };
        let identity = |t: &Task| (t.type_name.clone(), t.queue.clone(), t.id.clone());
        prop_assume!(identity(&first) != identity(&moved));
        let ring = ring_from("k1", &[7; 32]);
        let header = ring.sign(&first.fields(), &claims);
        let err = ring.verify(&header, &moved.fields()).expect_err("moved to another task");
        prop_assert_eq!(err.reason, Reason::BadSignature);
    }

    #[test]
    fn a_signature_is_bound_to_its_key(
        task in task(),
        claims in claims(),
        a in any::<[u8; 32]>(),
        b in any::<[u8; 32]>(),
    ) {
        prop_assume!(a != b);
        let header = ring_from("k1", &a).sign(&task.fields(), &claims);
        let err = ring_from("k1", &b).verify(&header, &task.fields()).expect_err("other key");
        prop_assert_eq!(err.reason, Reason::BadSignature);
    }

    #[test]
    fn a_signature_is_bound_to_its_claims(task in task(), first in claims(), second in claims()) {
        prop_assume!(first != second);
        let ring = ring_from("k1", &[7; 32]);
        let signed = ring.sign(&task.fields(), &first);
        let other = ring.sign(&task.fields(), &second);
        let (other_fields, _) = other.rsplit_once(':').expect("eight fields");
        let (_, tag) = signed.rsplit_once(':').expect("eight fields");
        let spliced = format!("{other_fields}:{tag}");
        let err = ring.verify(&spliced, &task.fields()).expect_err("claims changed");
        prop_assert_eq!(err.reason, Reason::BadSignature);
    }

    #[test]
    fn rotation_moves_a_key_from_verify_to_unknown_to_retired(
        task in task(),
        claims in claims(),
        old in any::<[u8; 32]>(),
    ) {
        let header = ring_from("old", &old).sign(&task.fields(), &claims);
        let hex: String = old.iter().map(|b| format!("{b:02x}")).collect();
        let new = "sign new hex:1111111111111111111111111111111111111111111111111111111111111111";
        let ring = |extra: &str| KeyRing::parse(&format!("{new}\n{extra}")).expect("valid ring");
        let verify = |ring: KeyRing| ring.verify(&header, &task.fields()).map_err(|e| e.reason);

        let kept = ring(&format!("verify old hex:{hex}"));
        prop_assert!(verify(kept).is_ok());
        prop_assert_eq!(verify(ring("")), Err(Reason::UnknownKey));
        prop_assert_eq!(verify(ring("retired old")), Err(Reason::RetiredKey));
    }

    #[test]
    fn pae_has_a_left_inverse(pieces in vec(vec(any::<u8>(), 0..24), 0..8)) {
        let slices: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        prop_assert_eq!(unpae(&pae(&slices)), Some(pieces));
    }

    #[test]
    fn pae_separates_resplit_pieces(
        pieces in vec(vec(any::<u8>(), 0..16), 0..6),
        cuts in vec(any::<usize>(), 0..6),
    ) {
        let joined: Vec<u8> = pieces.concat();
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (joined.len() + 1)).collect();
        points.sort_unstable();
        let mut resplit = Vec::new();
        let mut start = 0;
        for point in points.into_iter().chain([joined.len()]) {
            resplit.push(&joined[start..point]);
            start = point;
        }
        let original: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        prop_assert_eq!(pae(&original) == pae(&resplit), original == resplit);
    }

    #[test]
    fn pae_separates_arbitrary_lists(
        a in vec(vec(any::<u8>(), 0..9), 0..5),
        b in vec(vec(any::<u8>(), 0..9), 0..5),
    ) {
        let a: Vec<&[u8]> = a.iter().map(Vec::as_slice).collect();
        let b: Vec<&[u8]> = b.iter().map(Vec::as_slice).collect();
        prop_assert_eq!(pae(&a) == pae(&b), a == b);
    }

    #[test]
    fn verify_never_panics_on_any_string(
        header in any::<String>(),
        payload in vec(any::<u8>(), 0..64),
    ) {
        let ring = ring_from("k1", &[7; 32]);
        let task = SignedFields { type_name: "t", queue: "q", id: "i", payload: &payload };
        let err = ring.verify(&header, &task).expect_err("random text never verifies");
        prop_assert_eq!(err.payload_len, Some(payload.len()));
    }

    #[test]
    fn verify_never_panics_on_header_shaped_text(
        header in "(v1|v2|)(:[0-9A-Za-z_.+/=-]{0,45}){0,10}",
    ) {
        let ring = ring_from("k1", &[7; 32]);
        let task = SignedFields { type_name: "t", queue: "q", id: "i", payload: b"{}" };
        let err = ring.verify(&header, &task).expect_err("random text never verifies");
        if let Some(kid) = err.key_id {
            prop_assert_eq!(Some(kid.as_str()), header.split(':').nth(1));
        }
    }

    #[test]
    fn verify_refuses_headers_of_the_right_shape(
        header in "v1:(k1|[A-Za-z0-9._-]{1,33}):[0-9]{1,20}:[0-9]{1,20}:[0-9]{1,20}:[0-9]{1,11}\
                   :[0-9]{1,11}:[A-Za-z0-9_-]{42,44}",
    ) {
        let ring = ring_from("k1", &[7; 32]);
        let task = SignedFields { type_name: "t", queue: "q", id: "i", payload: b"{}" };
        let reason = ring.verify(&header, &task).expect_err("forged header").reason;
        let known = [Reason::MalformedSignature, Reason::UnknownKey, Reason::BadSignature];
        prop_assert!(known.contains(&reason), "{:?} for {}", reason, header);
        prop_assert!(!(header.starts_with("v1:k1:") && reason == Reason::UnknownKey));
    }

    #[test]
    fn verify_never_panics_on_arbitrary_bytes(bytes in vec(any::<u8>(), 0..400)) {
        let ring = ring_from("k1", &[7; 32]);
        let header = String::from_utf8_lossy(&bytes);
        let task = SignedFields { type_name: "t", queue: "q", id: "i", payload: &bytes };
        prop_assert!(ring.verify(&header, &task).is_err());
    }

    #[test]
    fn keyring_parse_never_panics(text in ring_text()) {
        if let Ok(ring) = KeyRing::parse(&text) {
            prop_assert!(text.contains("sign "));
            prop_assert!(ring.key_ids().any(|id| id.as_str() == ring.signing_key_id()));
        }
    }

    #[test]
    fn check_time_matches_a_wide_reference(
        exp in any::<u64>(),
        nbf in any::<u64>(),
        now in any::<u64>(),
    ) {
        let claims = Claims {
            key_id: "k1".into(),
            issued_at: 1,
            expires_at: exp,
            not_before: nbf,
            max_retry: 0,
            schema_version: 1,
        };
        let (exp, nbf, wide_now) = (u128::from(exp), u128::from(nbf), u128::from(now));
        let expected = if exp != 0 && wide_now > exp + 60 {
            Err(Reason::Expired)
        } else if nbf != 0 && wide_now + 60 < nbf {
            Err(Reason::TooEarly)
        } else {
            Ok(())
        };
        prop_assert_eq!(claims.check_time(now), expected);
    }
}
