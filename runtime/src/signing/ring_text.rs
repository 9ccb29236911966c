//! The key ring text grammar.
//!
//! Entries are separated by newlines or `;`. A `#` at the start of a word begins a comment
//! that runs to the end of its line (so it also hides any `;`-separated entries after it on
//! that line). Blank entries are skipped. Each entry is one of:
//!
//! ```text
//! sign    <key id> <secret>
//! verify  <key id> <secret>
//! retired <key id>
//! ```
//!
//! where a secret is `base64:<text>` or `hex:<digits>`. Problems are reported without
//! echoing any word of the entry that could be secret material.

use super::key_id::KeyId;
use super::secret::Secret;

/// What one entry of the ring declares.
#[derive(Debug)]
pub(crate) enum Entry {
    /// The key producers sign with (also accepted for verification).
    Sign(KeyId, Secret),
    /// A key accepted for verification only.
    Verify(KeyId, Secret),
    /// An id whose signatures are refused with `retired_key`.
    Retired(KeyId),
}

impl Entry {
    /// The key id the entry declares.
    pub(crate) fn key_id(&self) -> &KeyId {
        match self {
            Entry::Sign(id, _) | Entry::Verify(id, _) | Entry::Retired(id) => id,
        }
    }
}

/// Splits ring text into its non-blank entries, each with its 1-based entry number.
///
/// Entry numbers count every `;`- or newline-separated piece, blank or not, so in text with
/// one entry per line the number is the line number.
pub(crate) fn split_entries(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .flat_map(|line| without_comment(line).split(';'))
        .enumerate()
        .map(|(index, entry)| (index + 1, entry.trim()))
        .filter(|(_, entry)| !entry.is_empty())
}

/// Cuts a line at the first `#` that starts a word (at the line start or after a space or
/// tab), as the Go and Python readers of the same text do.
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let starts_comment =
        |i: usize| bytes[i] == b'#' && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t'));
    match (0..bytes.len()).find(|&i| starts_comment(i)) {
        Some(at) => &line[..at],
        None => line,
    }
}

/// Parses one non-blank entry; the error text is safe to show.
pub(crate) fn parse_entry(entry: &str) -> Result<Entry, String> {
    let mut words = entry.split_whitespace();
    let kind = words.next().unwrap_or_default();
    let (id, secret, extra) = (words.next(), words.next(), words.next());
    match (kind, id, secret, extra) {
        ("sign", Some(id), Some(secret), None) => Ok(Entry::Sign(key_id(id)?, secret_of(secret)?)),
        ("verify", Some(id), Some(secret), None) => {
            Ok(Entry::Verify(key_id(id)?, secret_of(secret)?))
        }
        ("retired", Some(id), None, None) => Ok(Entry::Retired(key_id(id)?)),
        ("sign" | "verify", ..) => Err(format!("expected `{kind} <key id> <secret>`")),
        ("retired", ..) => Err("expected `retired <key id>`".to_owned()),
        _ => Err("unknown word; an entry starts with `sign`, `verify` or `retired`".to_owned()),
    }
}

fn key_id(text: &str) -> Result<KeyId, String> {
    KeyId::parse(text).ok_or_else(|| "invalid key id; expected 1 to 32 of A-Z a-z 0-9 . _ -".into())
}

fn secret_of(text: &str) -> Result<Secret, String> {
    Secret::decode(text).map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "hex:0000000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn entries_are_numbered_across_lines_and_semicolons() {
        let text = "# header\nsign a x\n\n verify b y ; retired c\n\
                    retired d # note; hidden\n\tretired e\t#x";
        let found: Vec<_> = split_entries(text).collect();
        assert_eq!(
            found,
            [
                (2, "sign a x"),
                (4, "verify b y"),
                (5, "retired c"),
                (6, "retired d"),
                (7, "retired e"),
            ]
        );
    }

    #[test]
    fn a_hash_inside_a_word_is_not_a_comment() {
        let found: Vec<_> = split_entries("sign k1 base64:abc#def\nretired a#b").collect();
        assert_eq!(found, [(1, "sign k1 base64:abc#def"), (2, "retired a#b")]);
        assert!(parse_entry("retired a#b").is_err());
    }

    #[test]
    fn parses_each_kind() {
        let signed = parse_entry(&format!("sign k1 {SECRET}"));
        assert!(matches!(signed, Ok(Entry::Sign(id, _)) if id.as_str() == "k1"));
        assert!(matches!(
            parse_entry(&format!("verify\tk2  {SECRET}")),
            Ok(Entry::Verify(..))
        ));
        assert!(matches!(parse_entry("retired k3"), Ok(Entry::Retired(id)) if id.as_str() == "k3"));
    }

    #[test]
    fn refuses_wrong_word_counts_and_unknown_words() {
        for bad in [
            "sign k1".to_owned(),
            format!("sign k1 {SECRET} extra"),
            "verify".to_owned(),
            format!("retired k1 {SECRET}"),
            format!("Sign k1 {SECRET}"),
            format!("signing k1 {SECRET}"),
            format!("k1 {SECRET}"),
        ] {
            assert!(parse_entry(&bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn problems_never_echo_the_entry() {
        let secretish = "base64:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA";
        for bad in [
            secretish.to_owned(),
            format!("sign {secretish} {SECRET}"),
            format!("sign k1 {secretish}!"),
            format!("verify k1 {secretish} {secretish}"),
        ] {
            let problem = parse_entry(&bad).expect_err("must be refused");
            assert!(!problem.contains("c2VjcmV0"), "{problem:?} leaks the entry");
        }
    }
}
