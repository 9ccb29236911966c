//! Keyed fingerprints of refused payloads.
//!
//! Logs and `error_msg` never carry payload bytes, yet an operator facing a flood wants to
//! know whether it is one forgery replayed many times or many different ones. A
//! fingerprint answers that: equal bytes give equal fingerprints. It is an HMAC under a key
//! derived from the signing key, not a plain hash, so a short or guessable payload (a
//! card number, a one-time code) cannot be recovered by hashing candidates.
//!
//! Fingerprints are comparable between workers that share a signing key; after the signing
//! key changes, the same bytes get a new fingerprint.

use std::fmt;

use zeroize::Zeroizing;

use super::KeyRing;
use super::primitive::hmac_sha256;
use super::secret::Secret;

/// Separates the fingerprint key from every other use of the signing key.
const KEY_LABEL: &[u8] = b"vetted/v1/fingerprint-key";

/// Bytes of the HMAC kept in a fingerprint: 96 bits, written as 24 hex digits.
const FINGERPRINT_BYTES: usize = 12;

/// A keyed fingerprint of some refused bytes; shown as 24 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; FINGERPRINT_BYTES]);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// Computes fingerprints under a key derived from a key ring's signing key.
pub(crate) struct Fingerprinter {
    key: Secret,
}

impl Fingerprinter {
    /// The fingerprinter of `ring`: its key is HMAC-SHA256 of a fixed label under the
    /// ring's signing key.
    pub(crate) fn for_ring(ring: &KeyRing) -> Self {
        let derived = Zeroizing::new(hmac_sha256(ring.signing_secret().bytes(), KEY_LABEL));
        Self {
            key: Secret::from_bytes(Zeroizing::new(derived.to_vec())),
        }
    }

    /// The fingerprint of `bytes`: the first 12 bytes of their HMAC.
    pub(crate) fn of(&self, bytes: &[u8]) -> Fingerprint {
        let tag = hmac_sha256(self.key.bytes(), bytes);
        let mut kept = [0u8; FINGERPRINT_BYTES];
        kept.copy_from_slice(&tag[..FINGERPRINT_BYTES]);
        Fingerprint(kept)
    }
}

impl fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fingerprinter(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_bytes_match_and_other_bytes_or_keys_do_not() {
        let ring = KeyRing::ephemeral("k1");
        let fingerprints = Fingerprinter::for_ring(&ring);
        let first = fingerprints.of(b"1234");
        let text = first.to_string();
        assert_eq!(text.len(), 24);
        assert!(text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        assert_eq!(first, fingerprints.of(b"1234"));
        assert_ne!(first, fingerprints.of(b"1235"));
        let other = Fingerprinter::for_ring(&KeyRing::ephemeral("k1"));
        assert_ne!(first, other.of(b"1234"), "another key, another fingerprint");
    }

    /// The cross-language vector: `go/fingerprint_test.go` asserts the same value for the
    /// same ring and payload, so Go and Rust refusal texts carry equal `fp=` values.
    #[test]
    fn a_fixed_key_and_payload_give_the_shared_vector() {
        let ring = KeyRing::parse(
            "sign fp-vector hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        )
        .unwrap();
        let fingerprints = Fingerprinter::for_ring(&ring);
        let of = |bytes: &[u8]| fingerprints.of(bytes).to_string();
        assert_eq!(
            of(br#"{"to":"ada@example.com"}"#),
            "3926ace4164c46e834dd0976"
        );
        assert_eq!(of(b""), "393426f07382954b5e18061d");
    }

    #[test]
    fn the_key_is_neither_the_signing_key_nor_shown() {
        let ring = KeyRing::ephemeral("k1");
        let fingerprints = Fingerprinter::for_ring(&ring);
        assert_ne!(fingerprints.key.bytes(), ring.signing_secret().bytes());
        assert_eq!(format!("{fingerprints:?}"), "Fingerprinter(<redacted>)");
    }
}
