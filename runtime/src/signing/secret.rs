//! Secret key bytes: zeroized on drop, never shown by `Debug`, decoded from `base64:` or
//! `hex:` text.

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::GeneralPurpose;
use base64::engine::general_purpose::NO_PAD;
use zeroize::Zeroizing;

/// Fewest bytes a secret may have.
pub(crate) const MIN_SECRET_LEN: usize = 32;

/// Bytes filled in by [`Secret::random`].
const RANDOM_SECRET_LEN: usize = 32;

/// Secret decoders. Like the Go and Python readers of the same text, they take any trailing
/// `=` and ignore non-zero padding bits: a secret's spelling is not security relevant.
const STANDARD_SECRET: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    NO_PAD.with_decode_allow_trailing_bits(true),
);
const URL_SAFE_SECRET: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    NO_PAD.with_decode_allow_trailing_bits(true),
);

/// A MAC key. The bytes are wiped when the value is dropped.
pub(crate) struct Secret(Zeroizing<Vec<u8>>);

/// Why a secret could not be decoded. The messages never contain secret material.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecretError {
    /// The text starts with neither `base64:` nor `hex:`.
    UnknownEncoding,
    /// The `base64:` text is not valid base64.
    BadBase64,
    /// The `hex:` text is not an even number of hex digits.
    BadHex,
    /// The decoded secret has fewer than 32 bytes.
    TooShort,
}

impl Secret {
    /// A fresh secret from the operating system's random source.
    pub(crate) fn random() -> Result<Self, getrandom::Error> {
        let mut bytes = Zeroizing::new(vec![0u8; RANDOM_SECRET_LEN]);
        getrandom::fill(&mut bytes)?;
        Ok(Self(bytes))
    }

    /// Decodes `base64:<text>` (standard or URL-safe alphabet, padding optional) or
    /// `hex:<digits>`, and checks the length.
    pub(crate) fn decode(text: &str) -> Result<Self, SecretError> {
        let bytes = if let Some(encoded) = text.strip_prefix("base64:") {
            decode_base64(encoded)?
        } else if let Some(encoded) = text.strip_prefix("hex:") {
            decode_hex(encoded)?
        } else {
            return Err(SecretError::UnknownEncoding);
        };
        if bytes.len() < MIN_SECRET_LEN {
            return Err(SecretError::TooShort);
        }
        Ok(Self(bytes))
    }

    /// A secret holding `bytes` as they are, for keys derived inside the crate.
    pub(crate) fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(bytes)
    }

    /// The key bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretError::UnknownEncoding => "secret must start with `base64:` or `hex:`",
            SecretError::BadBase64 => "secret is not valid base64",
            SecretError::BadHex => "secret is not an even number of hex digits",
            SecretError::TooShort => "secret is shorter than 32 bytes",
        })
    }
}

fn decode_base64(encoded: &str) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    let encoded = encoded.trim_end_matches('=');
    let standard = encoded.contains(['+', '/']);
    let url_safe = encoded.contains(['-', '_']);
    let engine = match (standard, url_safe) {
        (true, true) => return Err(SecretError::BadBase64),
        (true, false) => &STANDARD_SECRET,
        (false, _) => &URL_SAFE_SECRET,
    };
    // Reserve up front so that decoding never reallocates and leaves a copy behind.
    let mut out = Zeroizing::new(Vec::with_capacity(encoded.len()));
    engine
        .decode_vec(encoded, &mut out)
        .map_err(|_| SecretError::BadBase64)?;
    Ok(out)
}

fn decode_hex(encoded: &str) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    let digits = encoded.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(SecretError::BadHex);
    }
    let mut out = Zeroizing::new(Vec::with_capacity(digits.len() / 2));
    for pair in digits.chunks_exact(2) {
        let high = hex_value(pair[0]).ok_or(SecretError::BadHex)?;
        let low = hex_value(pair[1]).ok_or(SecretError::BadHex)?;
        out.push(high << 4 | low);
    }
    Ok(out)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX_32: &str = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn decoded(text: &str) -> Vec<u8> {
        Secret::decode(text).expect("valid secret").bytes().to_vec()
    }

    #[test]
    fn hex_decodes_either_case() {
        let expected: Vec<u8> = (0u8..32).collect();
        assert_eq!(decoded(HEX_32), expected);
        assert_eq!(
            decoded(&HEX_32.to_uppercase().replace("HEX:", "hex:")),
            expected
        );
    }

    #[test]
    fn base64_accepts_both_alphabets_with_or_without_padding() {
        let bytes = [0xfbu8; 33];
        let standard = base64::engine::general_purpose::STANDARD.encode(bytes);
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        assert!(standard.contains('+') || standard.contains('/'));
        assert_eq!(decoded(&format!("base64:{standard}")), bytes);
        assert_eq!(decoded(&format!("base64:{url_safe}")), bytes);
        let padded = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
        assert!(padded.ends_with('='));
        assert_eq!(decoded(&format!("base64:{padded}")), [1u8; 32]);
        assert_eq!(
            decoded(&format!("base64:{}", padded.trim_end_matches('='))),
            [1u8; 32]
        );
    }

    #[test]
    fn base64_takes_any_padding_and_ignores_padding_bits() {
        let canonical = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
        let bare = canonical.trim_end_matches('=');
        assert_eq!(decoded(&format!("base64:{bare}===")), [1u8; 32]);
        let last = bare.chars().last().expect("non-empty");
        let sloppy = format!(
            "base64:{}{}",
            &bare[..bare.len() - 1],
            (last as u8 + 1) as char
        );
        assert_eq!(decoded(&sloppy), [1u8; 32]);
    }

    #[test]
    fn refuses_mixed_alphabets_and_bad_digits() {
        let err = |text: &str| Secret::decode(text).expect_err("must be refused");
        let mixed = format!("base64:+-{}", "A".repeat(42));
        assert_eq!(err(&mixed), SecretError::BadBase64);
        assert_eq!(
            err(&format!("base64:{}!", "A".repeat(43))),
            SecretError::BadBase64
        );
        assert_eq!(err(&format!("{}0", HEX_32)), SecretError::BadHex);
        assert_eq!(
            err(&format!("hex:{}", "zz".repeat(32))),
            SecretError::BadHex
        );
        assert_eq!(err("hex:+0"), SecretError::BadHex);
        assert_eq!(err("plain-text-secret"), SecretError::UnknownEncoding);
        assert_eq!(err("BASE64:AAAA"), SecretError::UnknownEncoding);
    }

    #[test]
    fn refuses_secrets_shorter_than_32_bytes() {
        let err = |text: &str| Secret::decode(text).expect_err("must be refused");
        assert_eq!(
            err(&format!("hex:{}", "ab".repeat(31))),
            SecretError::TooShort
        );
        assert_eq!(err("hex:"), SecretError::TooShort);
        assert_eq!(err("base64:"), SecretError::TooShort);
        let short = base64::engine::general_purpose::STANDARD.encode([9u8; 31]);
        assert_eq!(err(&format!("base64:{short}")), SecretError::TooShort);
    }

    #[test]
    fn random_secrets_are_32_fresh_bytes() {
        let first = Secret::random().expect("os random source");
        let second = Secret::random().expect("os random source");
        assert_eq!(first.bytes().len(), 32);
        assert_ne!(first.bytes(), second.bytes());
    }

    /// Compiles only for a type that wipes its memory when dropped. Wiping itself cannot
    /// be observed without reading freed memory, which needs `unsafe`; what is checked is
    /// that the storage of every secret is of such a type.
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>(_: &T) {}

    #[test]
    fn secrets_and_keyed_hmac_states_are_wiped_on_drop() {
        let secret = Secret::decode(HEX_32).expect("valid secret");
        wiped_on_drop(&secret.0);
        wiped_on_drop(&decode_hex(&HEX_32["hex:".len()..]).expect("hex"));
        wiped_on_drop(&decode_base64("AAAA").expect("base64"));
        // HMAC-SHA256 keeps two SHA-256 states derived from the key (the inner and outer
        // pads). `Sha256` is `ZeroizeOnDrop` only when its core state is, which is what
        // HMAC holds: this fails to compile if `sha2`'s `zeroize` feature is dropped.
        wiped_on_drop(&sha2::Sha256::default());
    }

    #[test]
    fn decoding_never_reallocates_the_secret_buffer() {
        let text = base64::engine::general_purpose::STANDARD.encode([7u8; 48]);
        let decoded = decode_base64(&text).expect("base64");
        assert_eq!(decoded.capacity(), text.len(), "grown buffers leave copies");
        let hex = "ab".repeat(40);
        assert_eq!(decode_hex(&hex).expect("hex").capacity(), 40);
    }

    #[test]
    fn debug_hides_the_bytes() {
        let secret = Secret::decode(HEX_32).expect("valid secret");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    }
}
