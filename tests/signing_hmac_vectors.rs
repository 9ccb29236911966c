//! HMAC-SHA256 known-answer tests: RFC 4231 and Wycheproof, through `signing::primitive`.
//!
//! Only full 32-byte tags may verify: RFC 4231 case 5 and every Wycheproof group with a
//! tag shorter than 256 bits must be refused, even the cases marked valid there.

#[path = "signing_support.rs"]
mod support;

use serde::Deserialize;
use vetted::signing::primitive::{hmac_sha256, verify_tag};

/// Where the Wycheproof copy lives, relative to the tests crate.
const WYCHEPROOF: &str = "../../shared/vectors/wycheproof/hmac_sha256_test.json";

/// Number of cases in that file.
const WYCHEPROOF_CASES: usize = 174;

struct Rfc4231 {
    name: &'static str,
    key: Vec<u8>,
    data: Vec<u8>,
    tag: &'static str,
}

fn rfc4231_full_length_cases() -> Vec<Rfc4231> {
    let tc7_data = "This is a test using a larger than block-size key and a larger than \
                    block-size data. The key needs to be hashed before being used by the HMAC \
                    algorithm.";
    assert_eq!(tc7_data.len(), 152);
    vec![
        Rfc4231 {
            name: "TC1",
            key: vec![0x0b; 20],
            data: b"Hi There".to_vec(),
            tag: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        },
        Rfc4231 {
            name: "TC2",
            key: b"Jefe".to_vec(),
            data: b"what do ya want for nothing?".to_vec(),
            tag: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        },
        Rfc4231 {
            name: "TC3",
            key: vec![0xaa; 20],
            data: vec![0xdd; 50],
            tag: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        },
        Rfc4231 {
            name: "TC4",
            key: (0x01..=0x19).collect(),
            data: vec![0xcd; 50],
            tag: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        },
        Rfc4231 {
            name: "TC6",
            key: vec![0xaa; 131],
            data: b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            tag: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        },
        Rfc4231 {
            name: "TC7",
            key: vec![0xaa; 131],
            data: tc7_data.as_bytes().to_vec(),
            tag: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        },
    ]
}

#[test]
fn rfc4231_full_length_tags_match_and_verify() {
    for case in rfc4231_full_length_cases() {
        let expected = support::hex(case.tag);
        assert_eq!(
            hmac_sha256(&case.key, &case.data).to_vec(),
            expected,
            "{}",
            case.name
        );
        assert!(
            verify_tag(&case.key, &case.data, &expected),
            "{}",
            case.name
        );

        let mut flipped = expected.clone();
        flipped[0] ^= 0x80;
        assert!(
            !verify_tag(&case.key, &case.data, &flipped),
            "{} flipped",
            case.name
        );
        assert!(
            !verify_tag(&case.key, &case.data, &expected[..16]),
            "{} truncated",
            case.name
        );
    }
}

#[test]
fn rfc4231_case_5_truncated_tag_is_refused() {
    let key = [0x0c; 20];
    let data = b"Test With Truncation";
    let truncated = support::hex("a3b6167473100ee06e0c796c2955552b");
    assert_eq!(
        hmac_sha256(&key, data)[..16],
        truncated[..],
        "the prefix is right"
    );
    assert!(
        !verify_tag(&key, data, &truncated),
        "a 16-byte tag must never verify"
    );
    assert!(verify_tag(&key, data, &hmac_sha256(&key, data)));
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WycheproofFile {
    number_of_tests: usize,
    test_groups: Vec<WycheproofGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WycheproofGroup {
    tag_size: usize,
    tests: Vec<WycheproofCase>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WycheproofCase {
    tc_id: u32,
    key: String,
    msg: String,
    tag: String,
    result: String,
}

#[test]
fn wycheproof_full_tags_match_and_short_tags_are_refused() {
    let path = support::from_tests_crate(WYCHEPROOF);
    let file: WycheproofFile = serde_json::from_str(&support::read_vector_file(&path))
        .unwrap_or_else(|err| panic!("{} is not a Wycheproof MAC file: {err}", path.display()));
    assert_eq!(file.number_of_tests, WYCHEPROOF_CASES);

    let mut run = 0;
    for group in &file.test_groups {
        for case in &group.tests {
            check_wycheproof_case(group.tag_size, case);
            run += 1;
        }
    }
    assert_eq!(run, WYCHEPROOF_CASES, "every case must run");
}

fn check_wycheproof_case(tag_size: usize, case: &WycheproofCase) {
    let (key, msg, tag) = (
        support::hex(&case.key),
        support::hex(&case.msg),
        support::hex(&case.tag),
    );
    let verified = verify_tag(&key, &msg, &tag);
    if tag_size == 256 {
        let valid = match case.result.as_str() {
            "valid" => true,
            "invalid" => false,
            other => panic!("tcId {}: unexpected result {other:?}", case.tc_id),
        };
        assert_eq!(verified, valid, "tcId {} ({})", case.tc_id, case.result);
        if valid {
            assert_eq!(hmac_sha256(&key, &msg).to_vec(), tag, "tcId {}", case.tc_id);
        }
    } else {
        assert!(tag_size < 256, "tcId {}: tag size {tag_size}", case.tc_id);
        assert!(
            !verified,
            "tcId {}: a {tag_size}-bit tag verified",
            case.tc_id
        );
    }
}
