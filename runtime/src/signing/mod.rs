//! Task signatures: HMAC-SHA256 over the exact payload bytes and the task's identity,
//! carried in the `vetted-sig` header. The scheme is specified in `docs/signing.md`.
//!
//! A producer calls [`KeyRing::sign`] and stores the result under [`HEADER`]. A worker calls
//! [`KeyRing::verify`] (syntax, key, MAC), compares the schema version with its own, then
//! calls [`Claims::check_time`]; only then does it parse the payload.

use std::time::Duration;

use crate::reason::{Reason, Rejection};

mod fingerprint;
mod header;
mod key_id;
mod keyring;
mod mac;
pub mod primitive;
mod ring_text;
mod secret;

pub use fingerprint::Fingerprint;
pub(crate) use fingerprint::Fingerprinter;
pub use key_id::KeyId;
pub use keyring::KeyRing;

use header::FieldText;
use keyring::Lookup;

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
        /// 1-based entry number: the line number, counting `;`-separated entries as lines.
        line: usize,
        /// What is wrong, without any secret material.
        problem: String,
    },
    /// The text has no `sign` entry.
    #[error("invalid key ring: no `sign` entry")]
    NoSigningKey,
    /// The environment variable or file could not be read.
    #[error("cannot read key ring: {0}")]
    Unreadable(String),
}

impl KeyRing {
    /// Signs a task with the ring's signing key and returns the header value.
    ///
    /// The header always names the signing key: `claims.key_id` is ignored. Claims that
    /// break the header grammar (`issued_at` of 0, a value above 2^63 - 1, `max_retry`
    /// above 2^31 - 1, `schema_version` 0, `expires_at` before `issued_at`, `not_before`
    /// after `expires_at`) give a header that every verifier refuses as
    /// `malformed_signature`; check them with [`Claims::is_well_formed`] first.
    pub fn sign(&self, fields: &SignedFields<'_>, claims: &Claims) -> String {
        let numbers = [
            claims.issued_at,
            claims.expires_at,
            claims.not_before,
            u64::from(claims.max_retry),
            u64::from(claims.schema_version),
        ]
        .map(|n| n.to_string());
        let [iat, exp, nbf, max_retry, schema] = &numbers;
        let text = FieldText {
            kid: self.signing_key_id(),
            iat,
            exp,
            nbf,
            max_retry,
            schema,
        };
        let tag = mac::compute(self.signing_secret(), &text, fields);
        header::format(&text, &tag)
    }

    /// Parses a header value, looks up its key and checks its MAC (not its times, and not
    /// its schema version, which only the worker knows).
    ///
    /// Refusals, in the order checked: `malformed_signature` (length, field count),
    /// `unsupported_scheme` (version other than `v1`), `malformed_signature` (any other
    /// syntax rule), `unknown_key`, `retired_key`, `bad_signature`. The rejection carries
    /// the payload length, and the key id once the key id field has passed its grammar.
    pub fn verify(&self, header: &str, fields: &SignedFields<'_>) -> Result<Claims, Rejection> {
        let reject = |reason: Reason, key_id: Option<&str>| {
            let rejection = Rejection::new(reason).with_len(fields.payload.len());
            match key_id {
                Some(kid) => rejection.with_key(kid),
                None => rejection,
            }
        };
        let parsed = header::parse(header).map_err(|err| reject(err.reason, err.key_id))?;
        let kid = parsed.text.kid;
        let secret = match self.lookup(kid) {
            Lookup::Key(secret) => secret,
            Lookup::Retired => return Err(reject(Reason::RetiredKey, Some(kid))),
            Lookup::Unknown => return Err(reject(Reason::UnknownKey, Some(kid))),
        };
        if !mac::matches(secret, &parsed.text, fields, &parsed.tag) {
            return Err(reject(Reason::BadSignature, Some(kid)));
        }
        Ok(Claims {
            key_id: kid.to_owned(),
            issued_at: parsed.issued_at,
            expires_at: parsed.expires_at,
            not_before: parsed.not_before,
            max_retry: parsed.max_retry,
            schema_version: parsed.schema_version,
        })
    }
}

impl Claims {
    /// Checks expiry and not-before against `now` (Unix seconds), allowing [`CLOCK_SKEW`].
    ///
    /// `expired` when `exp` is set and `now > exp + 60`; otherwise `too_early` when `nbf`
    /// is set and `now + 60 < nbf`. Sums saturate, so no input overflows.
    pub fn check_time(&self, now: u64) -> Result<(), Reason> {
        let skew = CLOCK_SKEW.as_secs();
        if self.expires_at != 0 && now > self.expires_at.saturating_add(skew) {
            return Err(Reason::Expired);
        }
        if self.not_before != 0 && now.saturating_add(skew) < self.not_before {
            return Err(Reason::TooEarly);
        }
        Ok(())
    }

    /// Whether [`KeyRing::sign`] would write a header that passes the grammar of
    /// `docs/signing.md` (the key id is not checked: the signing key's id is used).
    pub fn is_well_formed(&self) -> bool {
        let max_decimal = i64::MAX as u64;
        self.issued_at >= 1
            && self.issued_at <= max_decimal
            && self.expires_at <= max_decimal
            && self.not_before <= max_decimal
            && self.max_retry <= i32::MAX as u32
            && self.schema_version >= 1
            && header::times_are_ordered(self.issued_at, self.expires_at, self.not_before)
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
