//! vetted's quarantine store: a bounded record, per queue, of the tasks refused before
//! their sender was proven (see [`Broker::quarantine`](crate::broker::Broker::quarantine)).
//!
//! It is kept apart from asynq's archive on purpose: asynq trims its archive to 10,000
//! tasks per queue, so a flood of forged tasks archived there would push real archived
//! tasks out. The quarantine store has bounds of its own ([`QuarantineLimits`]) and
//! leaves the archive untouched.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use crate::reason::Rejection;

/// The bounds of one queue's quarantine store.
///
/// An entry holds a few short text fields and, when it was read and is at most
/// [`keep_message_bytes`](Self::keep_message_bytes) long, the raw `msg`; so one queue's
/// store holds at most about `max_entries × (keep_message_bytes + 3 KiB)` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuarantineLimits {
    /// Entries kept per queue; older ones are trimmed (default 10,000). Redis trims its
    /// stream approximately: it may hold up to one stream node more (about 100 entries).
    pub max_entries: usize,
    /// Longest raw `msg` kept in an entry (default 64 KiB); a longer one is recorded by
    /// its length only.
    pub keep_message_bytes: usize,
    /// Entries older than this are trimmed when a new one is added (default 90 days).
    pub max_age: Duration,
}

impl Default for QuarantineLimits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            keep_message_bytes: 64 * 1024,
            max_age: Duration::from_secs(90 * 24 * 60 * 60),
        }
    }
}

impl QuarantineLimits {
    /// `message` when it may be kept: present and at most
    /// [`keep_message_bytes`](Self::keep_message_bytes) long.
    pub fn kept<'a>(&self, message: Option<&'a [u8]>) -> Option<&'a [u8]> {
        message.filter(|m| m.len() <= self.keep_message_bytes)
    }
}

/// What the worker knows about a task it quarantines.
#[derive(Clone, Copy, Debug)]
pub struct QuarantineNote<'a> {
    /// Why the task was refused; its `Display` form is stored as the error text.
    pub rejection: &'a Rejection,
    /// The task type, when the message could be decoded.
    pub task_type: Option<&'a str>,
    /// Length of the raw `msg` in bytes (0 when there was none).
    pub message_len: usize,
    /// The raw `msg`, when it was read; kept only up to
    /// [`QuarantineLimits::keep_message_bytes`].
    pub message: Option<&'a [u8]>,
}

/// One entry of a quarantine store, as listed by
/// [`Broker::quarantined`](crate::broker::Broker::quarantined).
///
/// Every field was written by a worker, but the store lives where anyone with write
/// access to Redis can edit it: treat the texts as untrusted (escape them for display).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuarantineEntry {
    /// The entry's id in the store (`<unix milliseconds>-<sequence>`, as in a Redis
    /// stream), which also says when it was added.
    pub entry_id: String,
    /// When the entry was added, from its id.
    pub at: SystemTime,
    /// Task id (cut to [`MAX_STORED_NAME`] bytes, with a `+<n>B` suffix for the rest).
    pub task_id: String,
    /// Task type, when the message could be decoded (cut like the id).
    pub task_type: Option<String>,
    /// Reason code.
    pub reason: String,
    /// The refusal as written into `error_msg` elsewhere (`vetted: reason=…`).
    pub error_msg: String,
    /// The key id the signature header named, when it was well formed.
    pub key_id: Option<String>,
    /// Length of the raw `msg` in bytes.
    pub message_len: usize,
    /// The raw `msg`, when it was read and short enough to keep, and the listing
    /// included it (see [`Broker::quarantined_without_messages`]).
    ///
    /// [`Broker::quarantined_without_messages`]: crate::broker::Broker::quarantined_without_messages
    pub message: Option<Vec<u8>>,
    /// Whether the store kept the raw `msg`, whether or not this listing includes it.
    pub message_kept: bool,
}

/// The newest entries of one queue's quarantine store, and how many it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuarantineList {
    /// How many entries the store holds.
    pub len: usize,
    /// The newest entries, newest first.
    pub entries: Vec<QuarantineEntry>,
}

/// Longest field name or value that
/// [`Broker::quarantined_without_messages`](crate::broker::Broker::quarantined_without_messages)
/// reads from Redis; the rest is left out. It is above what a worker stores (ids and
/// types are cut to [`MAX_STORED_NAME`] plus a suffix, refusal texts are short).
pub const MAX_LISTED_TEXT: usize = 4096;

/// Longest task id or type stored in an entry; the rest is replaced by `+<n>B`.
pub const MAX_STORED_NAME: usize = 1024;

/// `name` cut to [`MAX_STORED_NAME`] bytes on a character boundary, with `+<n>B`
/// naming how many bytes were cut.
pub(crate) fn stored_name(name: &str) -> Cow<'_, str> {
    if name.len() <= MAX_STORED_NAME {
        return Cow::Borrowed(name);
    }
    let mut end = MAX_STORED_NAME;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}+{}B", &name[..end], name.len() - end))
}

/// The field names of an entry, shared by both brokers.
pub(crate) mod field {
    /// Task id.
    pub(crate) const TASK_ID: &str = "task_id";
    /// Task type.
    pub(crate) const TASK_TYPE: &str = "task_type";
    /// Reason code.
    pub(crate) const REASON: &str = "reason";
    /// Refusal text.
    pub(crate) const ERROR_MSG: &str = "error_msg";
    /// Key id.
    pub(crate) const KEY: &str = "key";
    /// `msg` length.
    pub(crate) const LEN: &str = "len";
    /// Raw `msg`.
    pub(crate) const MSG: &str = "msg";
}

/// The fields of the entry for `id` as name and value pairs, leaving out what is unknown
/// and the `msg` when it may not be kept.
pub(crate) fn entry_fields<'a>(
    id: &'a str,
    note: &QuarantineNote<'a>,
    limits: &QuarantineLimits,
) -> Vec<(&'static str, Cow<'a, [u8]>)> {
    let text = |s: Cow<'a, str>| match s {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    };
    let rejection = note.rejection;
    let mut fields = vec![
        (field::TASK_ID, text(stored_name(id))),
        (
            field::REASON,
            Cow::Borrowed(rejection.reason.code().as_bytes()),
        ),
        (
            field::ERROR_MSG,
            Cow::Owned(rejection.to_string().into_bytes()),
        ),
        (
            field::LEN,
            Cow::Owned(note.message_len.to_string().into_bytes()),
        ),
    ];
    if let Some(task_type) = note.task_type {
        fields.push((field::TASK_TYPE, text(stored_name(task_type))));
    }
    if let Some(key) = &rejection.key_id {
        fields.push((field::KEY, Cow::Owned(key.clone().into_bytes())));
    }
    if let Some(message) = limits.kept(note.message) {
        fields.push((field::MSG, Cow::Borrowed(message)));
    }
    fields
}

/// Builds an entry back from its id, time and fields; missing text fields read as empty,
/// text that is not UTF-8 is read lossily, and a field whose name is not one of ours is
/// skipped.
pub(crate) fn entry_from_fields<N: AsRef<[u8]>>(
    entry_id: String,
    at: SystemTime,
    fields: impl IntoIterator<Item = (N, Vec<u8>)>,
) -> QuarantineEntry {
    let mut entry = QuarantineEntry {
        entry_id,
        at,
        task_id: String::new(),
        task_type: None,
        reason: String::new(),
        error_msg: String::new(),
        key_id: None,
        message_len: 0,
        message: None,
        message_kept: false,
    };
    for (name, value) in fields {
        let text = || String::from_utf8_lossy(&value).into_owned();
        let Ok(name) = std::str::from_utf8(name.as_ref()) else {
            continue;
        };
        match name {
            field::TASK_ID => entry.task_id = text(),
            field::TASK_TYPE => entry.task_type = Some(text()),
            field::REASON => entry.reason = text(),
            field::ERROR_MSG => entry.error_msg = text(),
            field::KEY => entry.key_id = Some(text()),
            field::LEN => entry.message_len = text().parse().unwrap_or(0),
            field::MSG => {
                entry.message = Some(value);
                entry.message_kept = true;
            }
            _ => {}
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::Reason;

    #[test]
    fn unreadable_fields_are_skipped_or_read_lossily() {
        let fields: [(&[u8], Vec<u8>); 3] = [
            (b"\xff\xfe", b"v".to_vec()),
            (b"reason", b"bad\xffsig".to_vec()),
            (b"len", b"many".to_vec()),
        ];
        let entry = entry_from_fields("1-0".into(), SystemTime::UNIX_EPOCH, fields);
        assert_eq!(entry.reason, "bad\u{fffd}sig");
        assert_eq!(entry.message_len, 0);
        assert!(!entry.message_kept);
    }

    #[test]
    fn long_names_are_cut_and_measured() {
        assert_eq!(stored_name("short"), "short");
        let long = "é".repeat(600);
        let stored = stored_name(&long);
        assert!(stored.ends_with("+176B"), "{stored}");
        assert!(stored.len() <= MAX_STORED_NAME + 8);
    }

    #[test]
    fn fields_round_trip_and_long_messages_are_not_kept() {
        let rejection = Rejection::new(Reason::BadSignature)
            .with_key("k1")
            .with_len(3);
        let note = QuarantineNote {
            rejection: &rejection,
            task_type: Some("email:send"),
            message_len: 5,
            message: Some(b"hello"),
        };
        let limits = QuarantineLimits::default();
        let fields = entry_fields("t1", &note, &limits)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_owned()));
        let entry = entry_from_fields("1-0".into(), SystemTime::UNIX_EPOCH, fields);
        assert_eq!(entry.task_id, "t1");
        assert_eq!(entry.task_type.as_deref(), Some("email:send"));
        assert_eq!(entry.reason, "bad_signature");
        assert_eq!(entry.error_msg, "vetted: reason=bad_signature key=k1 len=3");
        assert_eq!(entry.key_id.as_deref(), Some("k1"));
        assert_eq!(entry.message_len, 5);
        assert_eq!(entry.message.as_deref(), Some(&b"hello"[..]));
        assert!(entry.message_kept);
        let tight = QuarantineLimits {
            keep_message_bytes: 4,
            ..limits
        };
        assert!(
            entry_fields("t1", &note, &tight)
                .iter()
                .all(|(name, _)| *name != field::MSG)
        );
    }
}
