//! Low-level building blocks of the scheme: HMAC-SHA256, constant-time tag checks and the
//! pre-authentication encoding (PAE).
//!
//! These functions accept keys of any length, so that they can be checked against the
//! standard test vectors (which use short keys). The [`KeyRing`](super::KeyRing) is what
//! enforces the 32-byte minimum and the key id grammar; use it rather than these functions
//! to sign or verify tasks.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Length of an HMAC-SHA256 tag in bytes. Shorter (truncated) tags are always refused.
pub const TAG_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// Computes HMAC-SHA256 of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = keyed(key);
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Checks `tag` against HMAC-SHA256 of `msg` under `key`, in constant time.
///
/// Any tag that is not exactly [`TAG_LEN`] bytes long is refused, so truncated tags never
/// verify.
pub fn verify_tag(key: &[u8], msg: &[u8], tag: &[u8]) -> bool {
    let mut mac = keyed(key);
    mac.update(msg);
    mac.verify_slice(tag).is_ok()
}

/// Encodes a list of byte strings so that different lists never give the same bytes:
/// `LE64(n) ‖ LE64(len p1) ‖ p1 ‖ … ‖ LE64(len pn) ‖ pn`.
pub fn pae(pieces: &[&[u8]]) -> Vec<u8> {
    let total = pieces.iter().map(|p| 8 + p.len()).sum::<usize>() + 8;
    let mut out = Vec::with_capacity(total);
    write_pae(pieces, |chunk| out.extend_from_slice(chunk));
    out
}

/// HMAC-SHA256 over `pae(pieces)`, streamed without building the encoding in memory.
pub(crate) fn mac_pieces(key: &[u8], pieces: &[&[u8]]) -> [u8; TAG_LEN] {
    let mut mac = keyed(key);
    write_pae(pieces, |chunk| mac.update(chunk));
    mac.finalize().into_bytes().into()
}

/// Constant-time check of `tag` against HMAC-SHA256 over `pae(pieces)`.
pub(crate) fn verify_pieces(key: &[u8], pieces: &[&[u8]], tag: &[u8]) -> bool {
    let mut mac = keyed(key);
    write_pae(pieces, |chunk| mac.update(chunk));
    mac.verify_slice(tag).is_ok()
}

/// Feeds the PAE of `pieces` to `sink`, chunk by chunk.
fn write_pae(pieces: &[&[u8]], mut sink: impl FnMut(&[u8])) {
    sink(&le64(pieces.len()));
    for piece in pieces {
        sink(&le64(piece.len()));
        sink(piece);
    }
}

fn le64(len: usize) -> [u8; 8] {
    // usize is at most 64 bits on every supported target, so this never truncates.
    (len as u64).to_le_bytes()
}

fn keyed(key: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC hashes long keys and pads short ones, so every length is accepted.
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_of_nothing_is_a_zero_count() {
        assert_eq!(pae(&[]), 0u64.to_le_bytes());
    }

    #[test]
    fn pae_lays_out_count_then_prefixed_pieces() {
        let encoded = pae(&[b"ab", b""]);
        let mut expected = Vec::new();
        expected.extend_from_slice(&2u64.to_le_bytes());
        expected.extend_from_slice(&2u64.to_le_bytes());
        expected.extend_from_slice(b"ab");
        expected.extend_from_slice(&0u64.to_le_bytes());
        assert_eq!(encoded, expected);
    }

    #[test]
    fn pae_separates_shifted_boundaries() {
        assert_ne!(pae(&[b"ab", b"c"]), pae(&[b"a", b"bc"]));
        assert_ne!(pae(&[b"", b""]), pae(&[b""]));
    }

    #[test]
    fn streamed_mac_equals_mac_of_pae() {
        let pieces: [&[u8]; 3] = [b"vetted/task/v1", b"", b"payload"];
        let key = [7u8; 32];
        let tag = mac_pieces(&key, &pieces);
        assert_eq!(tag, hmac_sha256(&key, &pae(&pieces)));
        assert!(verify_pieces(&key, &pieces, &tag));
        assert!(!verify_pieces(&key, &pieces, &tag[..16]));
    }

    #[test]
    fn verify_tag_refuses_wrong_lengths_and_values() {
        let tag = hmac_sha256(b"k", b"m");
        assert!(verify_tag(b"k", b"m", &tag));
        assert!(!verify_tag(b"k", b"m", &tag[..31]));
        assert!(!verify_tag(b"k", b"m", &[]));
        let mut longer = tag.to_vec();
        longer.push(0);
        assert!(!verify_tag(b"k", b"m", &longer));
        let mut flipped = tag;
        flipped[31] ^= 1;
        assert!(!verify_tag(b"k", b"m", &flipped));
    }
}
