//! Key ids: short ASCII names matching `[A-Za-z0-9._-]{1,32}`.

use std::borrow::Borrow;
use std::fmt;

/// Longest key id, in bytes.
pub(crate) const MAX_KEY_ID_LEN: usize = 32;

/// A key id that matches the grammar `[A-Za-z0-9._-]{1,32}`.
///
/// A key id only ever selects a key from an in-memory ring; it is never used to build a
/// path, a query or a URL.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(String);

impl KeyId {
    /// Checks `text` against the key id grammar.
    pub fn parse(text: &str) -> Option<Self> {
        is_valid(text).then(|| Self(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `text` matches `[A-Za-z0-9._-]{1,32}`.
pub(crate) fn is_valid(text: &str) -> bool {
    (1..=MAX_KEY_ID_LEN).contains(&text.len()) && text.bytes().all(is_key_id_byte)
}

fn is_key_id_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-')
}

impl Borrow<str> for KeyId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for KeyId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_whole_alphabet_up_to_32_bytes() {
        assert!(is_valid("a"));
        assert!(is_valid("2026-12"));
        assert!(is_valid("Key_1.prod-EU"));
        assert!(is_valid(&"x".repeat(32)));
    }

    #[test]
    fn refuses_empty_long_and_foreign_characters() {
        assert!(!is_valid(""));
        assert!(!is_valid(&"x".repeat(33)));
        for bad in ["a:b", "a b", "a/b", "a+b", "é", "a\0", "a#", "a;b", "ключ"] {
            assert!(!is_valid(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn parse_keeps_the_text() {
        let id = KeyId::parse("k1").expect("valid id");
        assert_eq!(id.as_str(), "k1");
        assert_eq!(id.to_string(), "k1");
        assert!(KeyId::parse("k 1").is_none());
    }
}
