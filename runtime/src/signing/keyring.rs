//! The key ring: one signing key, any number of verify-only keys, and retired key ids.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use zeroize::Zeroizing;

use super::key_id::KeyId;
use super::ring_text::{Entry, parse_entry, split_entries};
use super::secret::Secret;
use super::{KEYRING_ENV, KeyRingError};

/// Signing and verify-only keys, by key id.
///
/// Build one with [`KeyRing::from_env`], [`KeyRing::from_file`] or [`KeyRing::parse`] (the
/// text grammar is in `docs/signing.md`). Secrets are wiped from memory when the ring is
/// dropped, and `Debug` shows key ids only.
pub struct KeyRing {
    signing_id: KeyId,
    signing_secret: Secret,
    verify_only: BTreeMap<KeyId, Secret>,
    retired: BTreeSet<KeyId>,
}

/// What the ring knows about a key id.
pub(crate) enum Lookup<'a> {
    /// A key that may verify.
    Key(&'a Secret),
    /// A retired id.
    Retired,
    /// An id the ring does not list.
    Unknown,
}

/// Largest key ring file read; a ring of a few keys is well under 1 KiB.
const MAX_FILE_BYTES: u64 = 64 * 1024;

impl KeyRing {
    /// Loads the ring from the `VETTED_KEYRING` environment variable.
    pub fn from_env() -> Result<Self, KeyRingError> {
        Self::from_env_var(KEYRING_ENV)
    }

    /// Loads the ring from the environment variable `name`.
    pub fn from_env_var(name: &str) -> Result<Self, KeyRingError> {
        let text = std::env::var(name).map_err(|err| {
            KeyRingError::Unreadable(format!("environment variable {name}: {err}"))
        })?;
        Self::parse(&Zeroizing::new(text))
    }

    /// Loads the ring from a file holding key ring text (at most 64 KiB).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, KeyRingError> {
        use std::io::Read;
        let path = path.as_ref();
        let unreadable = |err: &dyn std::fmt::Display| {
            KeyRingError::Unreadable(format!("{}: {err}", path.display()))
        };
        let file = std::fs::File::open(path).map_err(|e| unreadable(&e))?;
        let mut text = Zeroizing::new(String::new());
        file.take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| unreadable(&e))?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(unreadable(&"larger than 64 KiB; is this a key ring file?"));
        }
        Self::parse(&text)
    }

    /// Parses key ring text (see `docs/signing.md`).
    ///
    /// Fails on a missing or second `sign` entry, a duplicate or malformed key id, a
    /// secret shorter than 32 bytes or not in `base64:`/`hex:` form, or an unknown word.
    /// Error messages never contain secret material.
    pub fn parse(text: &str) -> Result<Self, KeyRingError> {
        let mut builder = Builder::default();
        for (line, entry) in split_entries(text) {
            let invalid = |problem| KeyRingError::Invalid { line, problem };
            let entry = parse_entry(entry).map_err(invalid)?;
            builder.add(entry).map_err(invalid)?;
        }
        builder.finish()
    }

    /// A ring with one freshly generated 32-byte signing key, for demos and tests.
    ///
    /// # Panics
    ///
    /// If `key_id` does not match `[A-Za-z0-9._-]{1,32}`, or if the operating system's
    /// random source fails.
    pub fn ephemeral(key_id: &str) -> Self {
        let signing_id = KeyId::parse(key_id).expect("ephemeral key id must match the grammar");
        let signing_secret = Secret::random().expect("operating system random source failed");
        Self {
            signing_id,
            signing_secret,
            verify_only: BTreeMap::new(),
            retired: BTreeSet::new(),
        }
    }

    /// Id of the signing key.
    pub fn signing_key_id(&self) -> &str {
        self.signing_id.as_str()
    }

    /// Ids of every key that verifies (the signing key and the verify-only keys), in order.
    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> + '_ {
        let mut ids: Vec<&KeyId> = self.verify_only.keys().collect();
        ids.push(&self.signing_id);
        ids.sort();
        ids.into_iter()
    }

    /// Whether `key_id` is listed as retired.
    pub fn is_retired(&self, key_id: &str) -> bool {
        self.retired.contains(key_id)
    }

    pub(crate) fn signing_secret(&self) -> &Secret {
        &self.signing_secret
    }

    pub(crate) fn lookup(&self, key_id: &str) -> Lookup<'_> {
        if key_id == self.signing_id.as_str() {
            return Lookup::Key(&self.signing_secret);
        }
        match self.verify_only.get(key_id) {
            Some(secret) => Lookup::Key(secret),
            None if self.retired.contains(key_id) => Lookup::Retired,
            None => Lookup::Unknown,
        }
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("signing", &self.signing_id)
            .field("verify_only", &self.verify_only.keys().collect::<Vec<_>>())
            .field("retired", &self.retired)
            .finish_non_exhaustive()
    }
}

/// Collects entries and enforces the rules between them.
#[derive(Default)]
struct Builder {
    signing: Option<(KeyId, Secret)>,
    verify_only: BTreeMap<KeyId, Secret>,
    retired: BTreeSet<KeyId>,
}

impl Builder {
    fn add(&mut self, entry: Entry) -> Result<(), String> {
        if self.contains(entry.key_id()) {
            return Err(format!("key id `{}` appears twice", entry.key_id()));
        }
        match entry {
            Entry::Sign(..) if self.signing.is_some() => {
                return Err("a second `sign` entry; a ring has exactly one signing key".into());
            }
            Entry::Sign(id, secret) => self.signing = Some((id, secret)),
            Entry::Verify(id, secret) => {
                self.verify_only.insert(id, secret);
            }
            Entry::Retired(id) => {
                self.retired.insert(id);
            }
        }
        Ok(())
    }

    fn contains(&self, id: &KeyId) -> bool {
        self.signing
            .as_ref()
            .is_some_and(|(signing, _)| signing == id)
            || self.verify_only.contains_key(id)
            || self.retired.contains(id)
    }

    fn finish(self) -> Result<KeyRing, KeyRingError> {
        let (signing_id, signing_secret) = self.signing.ok_or(KeyRingError::NoSigningKey)?;
        Ok(KeyRing {
            signing_id,
            signing_secret,
            verify_only: self.verify_only,
            retired: self.retired,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 32 bytes, hex: every byte 0xab.
    const HEX_AB: &str = "hex:abababababababababababababababababababababababababababababababab";
    /// 32 bytes, base64: every byte 0xcd.
    const B64_CD: &str = "base64:zc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc0=";

    fn problem_at(text: &str) -> (usize, String) {
        match KeyRing::parse(text) {
            Err(KeyRingError::Invalid { line, problem }) => (line, problem),
            other => panic!("expected an invalid ring, got {other:?}"),
        }
    }

    #[test]
    fn loads_sign_verify_and_retired_entries() {
        let text =
            format!("# ring\nsign new {HEX_AB}  # producers\nverify old {B64_CD}\nretired older");
        let ring = KeyRing::parse(&text).expect("valid ring");
        assert_eq!(ring.signing_key_id(), "new");
        let ids: Vec<&str> = ring.key_ids().map(KeyId::as_str).collect();
        assert_eq!(ids, ["new", "old"]);
        assert!(ring.is_retired("older"));
        assert!(!ring.is_retired("old"));
        assert!(matches!(ring.lookup("old"), Lookup::Key(s) if s.bytes() == [0xcd; 32]));
        assert!(matches!(ring.lookup("new"), Lookup::Key(s) if s.bytes() == [0xab; 32]));
        assert!(matches!(ring.lookup("older"), Lookup::Retired));
        assert!(matches!(ring.lookup("other"), Lookup::Unknown));
    }

    #[test]
    fn semicolons_separate_entries_on_one_line() {
        let ring = KeyRing::parse(&format!("verify a {B64_CD}; sign b {HEX_AB};retired c;"))
            .expect("valid ring");
        assert_eq!(ring.signing_key_id(), "b");
        assert!(ring.is_retired("c"));
    }

    #[test]
    fn refuses_a_ring_without_a_signing_key() {
        for text in [
            String::new(),
            "# only a comment".into(),
            format!("verify a {HEX_AB}"),
        ] {
            assert!(
                matches!(KeyRing::parse(&text), Err(KeyRingError::NoSigningKey)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn refuses_two_signing_keys() {
        let (line, problem) = problem_at(&format!("sign a {HEX_AB}\nsign b {B64_CD}"));
        assert_eq!(line, 2);
        assert!(problem.contains("second `sign`"), "{problem}");
    }

    #[test]
    fn refuses_duplicate_ids_across_kinds() {
        for second in [
            format!("verify a {B64_CD}"),
            "retired a".into(),
            format!("sign a {B64_CD}"),
        ] {
            let (line, problem) = problem_at(&format!("sign a {HEX_AB}\n{second}"));
            assert_eq!(line, 2);
            assert!(problem.contains("appears twice"), "{problem}");
        }
        let (line, _) = problem_at(&format!("sign a {HEX_AB}; retired r; retired r"));
        assert_eq!(line, 3);
    }

    #[test]
    fn refuses_short_secrets_bad_ids_and_unknown_words() {
        let short = format!("sign a hex:{}", "ab".repeat(31));
        assert!(problem_at(&short).1.contains("shorter than 32 bytes"));
        assert!(
            problem_at(&format!("sign a:b {HEX_AB}"))
                .1
                .contains("invalid key id")
        );
        assert!(
            problem_at(&format!("sign {} {HEX_AB}", "k".repeat(33)))
                .1
                .contains("invalid key id")
        );
        assert!(
            problem_at(&format!("sign a {HEX_AB}\nrevoked b"))
                .1
                .contains("unknown word")
        );
        assert!(
            problem_at(&format!("sign a {HEX_AB}\nretired"))
                .1
                .contains("retired <key id>")
        );
    }

    #[test]
    fn errors_and_debug_never_show_secret_material() {
        let bad = format!("sign a {HEX_AB}\nverify b {}", B64_CD.replace('=', "!"));
        let err = KeyRing::parse(&bad).expect_err("bad base64");
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("zc3N") && !shown.contains("abab"),
            "{shown}"
        );

        let ring = KeyRing::parse(&format!("sign a {HEX_AB}\nverify b {B64_CD}\nretired c"))
            .expect("valid ring");
        let debug = format!("{ring:?} {ring:#?}");
        assert!(debug.contains("\"a\"") && debug.contains("\"b\"") && debug.contains("\"c\""));
        for leak in ["abab", "AB", "zc3N", "171", "205", "0xab", "0xcd"] {
            assert!(!debug.contains(leak), "{leak} in {debug}");
        }
    }

    #[test]
    fn ephemeral_rings_sign_with_fresh_keys() {
        let first = KeyRing::ephemeral("demo");
        let second = KeyRing::ephemeral("demo");
        assert_eq!(first.signing_key_id(), "demo");
        assert_ne!(
            first.signing_secret().bytes(),
            second.signing_secret().bytes()
        );
    }

    #[test]
    fn reads_a_missing_variable_or_file_as_unreadable() {
        let missing = KeyRing::from_env_var("VETTED_TEST_KEYRING_THAT_IS_NEVER_SET");
        assert!(matches!(missing, Err(KeyRingError::Unreadable(_))));
        let no_file = KeyRing::from_file("/nonexistent/vetted/keyring");
        assert!(matches!(no_file, Err(KeyRingError::Unreadable(m)) if m.contains("/nonexistent")));
    }

    #[test]
    fn reads_ring_text_from_a_file() {
        let path = std::env::temp_dir().join(format!("vetted-keyring-{}", std::process::id()));
        std::fs::write(&path, format!("sign f {HEX_AB}\n")).expect("write temp file");
        let ring = KeyRing::from_file(&path);
        std::fs::remove_file(&path).expect("remove temp file");
        assert_eq!(ring.expect("valid ring").signing_key_id(), "f");
    }
}
