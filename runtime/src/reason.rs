//! Reason codes: one stable code per way a task can be refused before its handler.

use std::fmt;

use crate::json::JsonError;
use crate::signing::Fingerprint;

/// Why the worker refused a task before running its handler.
///
/// Each reason has a stable code, written into the task's `error_msg` and into logs.
/// Codes never change once published; new reasons may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// No signature header on a type that requires one.
    Unsigned,
    /// The signature header is not of the documented syntax.
    MalformedSignature,
    /// The MAC does not match the task.
    BadSignature,
    /// The signature header names a scheme version this worker does not know.
    UnsupportedScheme,
    /// The payload was signed for another schema version of the task type.
    SchemaVersion,
    /// The key id is not in the key ring (retried a bounded number of times).
    UnknownKey,
    /// The key id belongs to a retired key.
    RetiredKey,
    /// The signed expiry has passed.
    Expired,
    /// The task arrived before its signed not-before time (sent back to `scheduled`).
    TooEarly,
    /// A one-time task that already completed was delivered again (acknowledged and
    /// deleted without running).
    Replayed,
    /// The task was delivered more often than its signed retry limit allows.
    RetryExceeded,
    /// The message or the payload is larger than its cap.
    Oversize,
    /// The stored `TaskMessage` could not be decoded, or its hash is missing.
    MalformedMessage,
    /// The id or queue inside the message disagrees with the key it was read from.
    KeyMismatch,
    /// The payload is not strict JSON of the task's shape.
    DecodeError,
    /// The payload broke a validation rule.
    ValidationError,
    /// No handler is registered for the task type (retried a bounded number of times).
    UnknownTaskType,
    /// A stray copy of a task id came out of `pending` while its task was held elsewhere:
    /// running, or waiting in another set (dropped without running or writing anything).
    DuplicateDelivery,
}

/// What the worker does with a refused task.
///
/// The rule for where a refused task ends: a refusal decided before the signature was
/// verified (the sender is unproven, so the task may be one of a flood of forgeries)
/// goes to vetted's bounded quarantine store; a refusal decided after verification (a
/// key holder sent the task) goes to asynq's archive, where asynq's tools show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Disposition {
    /// Archive at once in asynq's archive; never retry.
    Archive,
    /// Delete at once and record in the queue's quarantine store
    /// ([`Broker::quarantine`](crate::broker::Broker::quarantine)); never retry.
    Quarantine,
    /// Retry up to the worker's bound, then as [`Reason::after_retries`] says.
    RetryBounded,
    /// Put the task back in the scheduled set until it is due.
    Reschedule,
    /// Acknowledge without running: delete the task as a success would.
    Acknowledge,
    /// Drop this delivery and write nothing: the task belongs to whoever holds it.
    Discard,
}

impl Reason {
    /// Every reason, in declaration order.
    pub const ALL: [Reason; 18] = [
        Reason::Unsigned,
        Reason::MalformedSignature,
        Reason::BadSignature,
        Reason::UnsupportedScheme,
        Reason::SchemaVersion,
        Reason::UnknownKey,
        Reason::RetiredKey,
        Reason::Expired,
        Reason::TooEarly,
        Reason::Replayed,
        Reason::RetryExceeded,
        Reason::Oversize,
        Reason::MalformedMessage,
        Reason::KeyMismatch,
        Reason::DecodeError,
        Reason::ValidationError,
        Reason::UnknownTaskType,
        Reason::DuplicateDelivery,
    ];

    /// The stable code, in `snake_case`.
    pub const fn code(self) -> &'static str {
        match self {
            Reason::Unsigned => "unsigned",
            Reason::MalformedSignature => "malformed_signature",
            Reason::BadSignature => "bad_signature",
            Reason::UnsupportedScheme => "unsupported_scheme",
            Reason::SchemaVersion => "schema_version",
            Reason::UnknownKey => "unknown_key",
            Reason::RetiredKey => "retired_key",
            Reason::Expired => "expired",
            Reason::TooEarly => "too_early",
            Reason::Replayed => "replayed",
            Reason::RetryExceeded => "retry_exceeded",
            Reason::Oversize => "oversize",
            Reason::MalformedMessage => "malformed_message",
            Reason::KeyMismatch => "key_mismatch",
            Reason::DecodeError => "decode_error",
            Reason::ValidationError => "validation_error",
            Reason::UnknownTaskType => "unknown_task_type",
            Reason::DuplicateDelivery => "duplicate_delivery",
        }
    }

    /// What the worker does with a task refused for this reason (see [`Disposition`]
    /// for the rule).
    pub const fn disposition(self) -> Disposition {
        match self {
            Reason::UnknownKey | Reason::UnknownTaskType => Disposition::RetryBounded,
            Reason::TooEarly => Disposition::Reschedule,
            Reason::Replayed => Disposition::Acknowledge,
            Reason::Unsigned
            | Reason::MalformedSignature
            | Reason::BadSignature
            | Reason::UnsupportedScheme
            | Reason::RetiredKey
            | Reason::Oversize
            | Reason::MalformedMessage
            | Reason::KeyMismatch => Disposition::Quarantine,
            Reason::DuplicateDelivery => Disposition::Discard,
            Reason::SchemaVersion
            | Reason::Expired
            | Reason::RetryExceeded
            | Reason::DecodeError
            | Reason::ValidationError => Disposition::Archive,
        }
    }

    /// Where a task refused for this reason goes once its bounded retries are spent:
    /// an unknown key id was never verified, so [`Disposition::Quarantine`]; an unknown
    /// task type whose signature verifies goes to [`Disposition::Archive`], since Go
    /// workers sharing the queue may own that type (the worker quarantines one whose
    /// sender is unproven, and can be set to quarantine them all). Other reasons are not
    /// retried; for them this is [`disposition`](Self::disposition).
    pub const fn after_retries(self) -> Disposition {
        match self {
            Reason::UnknownKey => Disposition::Quarantine,
            Reason::UnknownTaskType => Disposition::Archive,
            other => other.disposition(),
        }
    }

    /// Looks a reason up by its code.
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A refused task: the reason plus the details that are safe to record.
///
/// Only data that cannot carry payload content is kept: the key id (checked against
/// the key id grammar first), the payload length, and validation failures as field
/// paths with rule codes. Its `Display` form is what goes into `error_msg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// Why the task was refused.
    pub reason: Reason,
    /// The key id named by the signature header, when it was well formed.
    pub key_id: Option<String>,
    /// Length of the payload in bytes, when known.
    pub payload_len: Option<usize>,
    /// Failed validation rules as `(field path, rule code)`.
    pub fields: Vec<(String, &'static str)>,
    /// For a `decode_error`: the kind of JSON problem and where it was found.
    pub json: Option<JsonError>,
    /// A keyed fingerprint of the refused bytes (the payload, or the whole message when
    /// it could not be decoded): equal bytes give equal fingerprints, and the bytes cannot
    /// be recovered from it.
    pub fingerprint: Option<Fingerprint>,
}

/// How many failed fields a rejection text lists at most.
const MAX_LISTED_FIELDS: usize = 16;

impl Rejection {
    /// A rejection with no details.
    pub fn new(reason: Reason) -> Self {
        Self {
            reason,
            key_id: None,
            payload_len: None,
            fields: Vec::new(),
            json: None,
            fingerprint: None,
        }
    }

    /// Adds the key id.
    pub fn with_key(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }

    /// Adds the payload length.
    pub fn with_len(mut self, len: usize) -> Self {
        self.payload_len = Some(len);
        self
    }

    /// Adds where and how the payload failed to decode.
    pub fn with_json(mut self, error: JsonError) -> Self {
        self.json = Some(error);
        self
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vetted: reason={}", self.reason.code())?;
        if let Some(key) = &self.key_id {
            write!(f, " key={key}")?;
        }
        if let Some(len) = self.payload_len {
            write!(f, " len={len}")?;
        }
        if let Some(fingerprint) = &self.fingerprint {
            write!(f, " fp={fingerprint}")?;
        }
        if let Some(json) = &self.json {
            write!(f, " json={}", json.kind().as_str())?;
            if let Some(detail) = json.detail() {
                write!(f, ":{detail}")?;
            }
            write!(f, "@{}:{}", json.line(), json.column())?;
        }
        for (i, (path, rule)) in self.fields.iter().take(MAX_LISTED_FIELDS).enumerate() {
            let sep = if i == 0 { " fields=" } else { "," };
            write!(f, "{sep}{path}:{rule}")?;
        }
        if self.fields.len() > MAX_LISTED_FIELDS {
            write!(f, ",+{}", self.fields.len() - MAX_LISTED_FIELDS)?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::{Disposition, Reason};

    #[test]
    fn only_refusals_after_verification_reach_the_archive() {
        let archived: Vec<&str> = Reason::ALL
            .into_iter()
            .filter(|r| r.after_retries() == Disposition::Archive)
            .map(Reason::code)
            .collect();
        assert_eq!(
            archived,
            [
                "schema_version",
                "expired",
                "retry_exceeded",
                "decode_error",
                "validation_error",
                "unknown_task_type",
            ]
        );
        assert_eq!(Reason::UnknownKey.after_retries(), Disposition::Quarantine);
        assert_eq!(Reason::Unsigned.disposition(), Disposition::Quarantine);
    }
}
