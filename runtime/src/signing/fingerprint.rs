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

use std::fmt::Write as _;

use zeroize::Zeroizing;

use super::KeyRing;
use super::primitive::hmac_sha256;
use super::secret::Secret;

/// Separates the fingerprint key from every other use of the signing key.
const KEY_LABEL: &[u8] = b"vetted/v1/fingerprint-key";

/// Bytes of the HMAC kept in a fingerprint: 96 bits, written as 24 hex digits.
const FINGERPRINT_BYTES: usize = 12;

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

    /// The fingerprint of `bytes`: the first 12 bytes of their HMAC, in lowercase hex.
    pub(crate) fn of(&self, bytes: &[u8]) -> String {
        let tag = hmac_sha256(self.key.bytes(), bytes);
        let mut hex = String::with_capacity(2 * FINGERPRINT_BYTES);
        for byte in &tag[..FINGERPRINT_BYTES] {
            let _ = write!(hex, "{byte:02x}");
        }
        hex
    }
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
        assert_eq!(first.len(), 24);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(first, fingerprints.of(b"1234"));
        assert_ne!(first, fingerprints.of(b"1235"));
        let other = Fingerprinter::for_ring(&KeyRing::ephemeral("k1"));
        assert_ne!(first, other.of(b"1234"), "another key, another fingerprint");
    }

    #[test]
    fn the_key_is_neither_the_signing_key_nor_shown() {
        let ring = KeyRing::ephemeral("k1");
        let fingerprints = Fingerprinter::for_ring(&ring);
        assert_ne!(fingerprints.key.bytes(), ring.signing_secret().bytes());
        assert_eq!(format!("{fingerprints:?}"), "Fingerprinter(<redacted>)");
    }
}
