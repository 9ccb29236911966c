//! Task signatures: HMAC-SHA256 over the exact payload bytes and the task's identity,
//! carried in the `vetted-sig` header. The scheme is specified in `docs/signing.md`.

use std::time::Duration;

use crate::reason::{Reason, Rejection};

/// The `TaskMessage` header that carries the signature.
pub const HEADER: &str = "vetted-sig";

/// Clock skew allowed when checking expiry and not-before times.
pub const CLOCK_SKEW: Duration = Duration::from_secs(60);

/// The environment variable read by [`KeyRing::from_env`].
pub const KEYRING_ENV: &str = "VETTED_KEYRING";

/// The parts of a task bound into its MAC besides the signed header fields.
#[derive(Clone, Copy, Debug)]
pub struct SignedFields<'a> {
    /// Task type, from the message.
    pub type_name: &'a str,
    /// Queue, from the message.
    pub queue: &'a str,
    /// Task id, from the message.
    pub id: &'a str,
    /// Payload bytes, exactly as stored.
    pub payload: &'a [u8],
}

/// The signed header fields other than the MAC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// Id of the key that signed.
    pub key_id: String,
    /// Unix seconds at signing.
    pub issued_at: u64,
    /// Unix seconds after which the task is refused; 0 for none.
    pub expires_at: u64,
    /// Unix seconds before which the task is not run; 0 for none.
    pub not_before: u64,
    /// Largest retry count the producer allows.
    pub max_retry: u32,
    /// Payload schema version.
    pub schema_version: u32,
}

/// A key ring could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyRingError {
    /// The text is not a valid key ring.
    #[error("invalid key ring at line {line}: {problem}")]
    Invalid {
        /// 1-based entry number.
        line: usize,
        /// What is wrong, without any secret material.
        problem: String,
    },
    /// The environment variable or file could not be read.
    #[error("cannot read key ring: {0}")]
    Unreadable(String),
}

/// Signing and verify-only keys, by key id.
pub struct KeyRing {
    _private: (),
}

impl KeyRing {
    /// Loads the ring from the `VETTED_KEYRING` environment variable.
    pub fn from_env() -> Result<Self, KeyRingError> {
        unimplemented!()
    }

    /// Parses key ring text (see `docs/signing.md`).
    pub fn parse(_text: &str) -> Result<Self, KeyRingError> {
        unimplemented!()
    }

    /// A ring with one freshly generated signing key, for demos and tests.
    pub fn ephemeral(_key_id: &str) -> Self {
        unimplemented!()
    }

    /// Id of the signing key.
    pub fn signing_key_id(&self) -> &str {
        unimplemented!()
    }

    /// Signs a task and returns the header value.
    pub fn sign(&self, _fields: &SignedFields<'_>, _claims: &Claims) -> String {
        unimplemented!()
    }

    /// Parses a header value, looks up its key and checks its MAC (not its times).
    pub fn verify(&self, _header: &str, _fields: &SignedFields<'_>) -> Result<Claims, Rejection> {
        unimplemented!()
    }
}

impl Claims {
    /// Checks expiry and not-before against `now` (Unix seconds), allowing [`CLOCK_SKEW`].
    pub fn check_time(&self, _now: u64) -> Result<(), Reason> {
        unimplemented!()
    }
}
