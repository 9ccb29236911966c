//! The checks every attack test ends with: where a refused task must be, what its
//! `error_msg` and the logs say, and that the canary leaked nowhere.

use std::sync::{Mutex, PoisonError};

use redis::Commands;
use vetted::reason::{Disposition, Reason};
use vetted::wire::{DecodeLimits, TaskMessage};

use super::arena::{Arena, contains, task_key};
use super::{CANARY, capture};
use crate::quarantine_stream::{StreamEntry, read_quarantine, read_stream, stored_id};

impl Arena {
    /// Asserts the task was refused with reason `code` before its handler and went
    /// where the reason sends it: asynq's archive for a refusal after the signature was
    /// verified, the quarantine store (see [`assert_quarantined`](Self::assert_quarantined))
    /// for one before. In the archive it must be in no other list.
    #[track_caller]
    pub fn assert_refused(&self, queue: &str, id: &str, code: &str) {
        let reason = Reason::from_code(code).expect("a known reason code");
        if reason.after_retries() == Disposition::Quarantine {
            self.assert_quarantined(queue, id, code);
            return;
        }
        let message = self.stored(queue, id).expect("refused task keeps its hash");
        assert_eq!(self.state(queue, id).as_deref(), Some("archived"), "{id}");
        assert!(
            message
                .error_msg
                .starts_with(&format!("vetted: reason={code}")),
            "{id}: error_msg {:?}, expected {code}",
            message.error_msg
        );
        self.assert_only_in(queue, id, "archived");
        self.assert_not_run(id);
        self.assert_logged(id, code);
    }

    /// Asserts the task was quarantined with reason `code`: its hash deleted, its id in
    /// no asynq list or set (the archive included), one entry in the queue's quarantine
    /// stream with that reason, the handler never run and the reason logged.
    #[track_caller]
    pub fn assert_quarantined(&self, queue: &str, id: &str, code: &str) {
        let entry = self.quarantine_entry(queue, id);
        assert_eq!(entry.text("reason").as_deref(), Some(code), "{id}");
        let error_msg = entry.text("error_msg").unwrap_or_default();
        assert!(
            error_msg.starts_with(&format!("vetted: reason={code}")),
            "{id}: error_msg {error_msg:?}, expected {code}"
        );
        let exists: bool = self.redis().exists(task_key(queue, id)).expect("EXISTS");
        assert!(!exists, "{id}: a quarantined task's hash is deleted");
        self.assert_only_in(queue, id, "none");
        self.assert_not_run(id);
        self.assert_logged(id, code);
    }

    /// Asserts an id with no hash was taken out of every list and set, no hash was made
    /// for it, and it was quarantined as `malformed_message` with no message kept.
    #[track_caller]
    pub fn assert_dropped(&self, queue: &str, id: &str) {
        self.assert_quarantined(queue, id, "malformed_message");
        let entry = self.quarantine_entry(queue, id);
        assert!(entry.text("task_type").is_none(), "{id}: no type is known");
        assert!(
            !entry.fields.contains_key("msg"),
            "{id}: no message to keep"
        );
    }

    /// The one entry of `queue`'s quarantine stream for task `id`.
    #[track_caller]
    pub fn quarantine_entry(&self, queue: &str, id: &str) -> StreamEntry {
        let stored = stored_id(id);
        let mut found: Vec<StreamEntry> = read_quarantine(&mut self.redis(), queue)
            .into_iter()
            .filter(|entry| entry.task_id() == stored)
            .collect();
        assert_eq!(found.len(), 1, "{id}: entries in the quarantine stream");
        found.remove(0)
    }

    /// Asserts `id` is in `asynq:{queue}:<set>` and in no other list or set of the queue.
    #[track_caller]
    pub fn assert_only_in(&self, queue: &str, id: &str, set: &str) {
        for other in [
            "pending",
            "active",
            "lease",
            "scheduled",
            "retry",
            "archived",
            "completed",
        ] {
            assert_eq!(
                self.holds(queue, other, id),
                other == set,
                "{id}: membership of {other}"
            );
        }
    }

    /// Asserts every id was handled exactly once and its hash deleted.
    #[track_caller]
    pub fn assert_handled_once(&self, ids: &[&str]) {
        for id in ids {
            assert_eq!(self.calls.count(id), 1, "{id} handled once");
            let exists: bool = self
                .redis()
                .exists(task_key("default", id))
                .expect("EXISTS");
            assert!(!exists, "{id}: done deletes the task");
        }
    }

    /// Asserts the handler never ran for `id`.
    #[track_caller]
    pub fn assert_not_run(&self, id: &str) {
        assert_eq!(self.calls.count(id), 0, "{id} must never reach a handler");
    }

    /// Asserts a log line names the task (as `Debug` writes it, so escaped, and cut to
    /// its first 100 characters, as logs cut long ids) and the reason code.
    #[track_caller]
    pub fn assert_logged(&self, id: &str, code: &str) {
        let escaped = format!("{id:?}");
        let head: String = escaped.chars().take(100).collect();
        let lines = capture::log_lines_with(&head);
        assert!(
            lines
                .iter()
                .any(|line| line.contains(&format!("\"{code}\""))),
            "no log line for {id} with reason {code}: {lines:#?}"
        );
    }

    /// Asserts no log line records a refusal of `id`.
    #[track_caller]
    pub fn assert_never_refused(&self, id: &str) {
        let lines = capture::log_lines_with(&format!("{id:?}"));
        let refusals: Vec<&String> = lines.iter().filter(|l| l.contains("reason=")).collect();
        assert!(refusals.is_empty(), "{id} was refused: {refusals:#?}");
    }

    /// Asserts the canary is nowhere: captured logs, panic messages, heartbeat records
    /// seen while waiting, the `error_msg` of every task hash, and every text field of
    /// every quarantine entry (the raw `msg` kept there is data, so it is not searched).
    #[track_caller]
    pub fn assert_no_canary(&self) {
        let logs = capture::logs();
        let leaked: Vec<&str> = logs.lines().filter(|l| l.contains(CANARY)).collect();
        assert!(leaked.is_empty(), "canary in logs: {leaked:#?}");
        let panics = capture::panics();
        assert!(
            !panics.iter().any(|p| p.contains(CANARY)),
            "canary in a panic message: {panics:#?}"
        );
        let mut redis = self.redis();
        self.sample_heartbeat(&mut redis);
        let heartbeat = lock(&self.heartbeat_leaks).clone();
        assert!(
            heartbeat.is_empty(),
            "canary in heartbeat records: {heartbeat:?}"
        );
        let keys: Vec<String> = redis.keys("asynq:{*}:t:*").expect("KEYS");
        for key in keys {
            let raw: Option<Vec<u8>> = redis.hget(&key, "msg").expect("HGET msg");
            let Some(raw) = raw else { continue };
            if let Ok(message) = TaskMessage::decode(&raw, &DecodeLimits::default()) {
                assert!(
                    !message.error_msg.contains(CANARY),
                    "canary in the error_msg of {key}"
                );
            }
        }
        let streams: Vec<String> = redis.keys("vetted:{*}:quarantine").expect("KEYS");
        for key in streams {
            for entry in read_stream(&mut redis, &key) {
                for (name, value) in &entry.fields {
                    assert!(
                        name == "msg" || !contains(value, CANARY.as_bytes()),
                        "canary in the {name} of quarantine entry {} of {key}",
                        entry.entry_id
                    );
                }
            }
        }
    }

    /// Reads every heartbeat record and notes those that hold the canary.
    pub(super) fn sample_heartbeat(&self, redis: &mut redis::Connection) {
        let mut leaks = Vec::new();
        let workers: Vec<String> = redis.keys("asynq:workers:*").unwrap_or_default();
        for key in workers {
            let values: Vec<Vec<u8>> = redis.hvals(&key).unwrap_or_default();
            if values.iter().any(|v| contains(v, CANARY.as_bytes())) {
                leaks.push(key);
            }
        }
        let servers: Vec<String> = redis.keys("asynq:servers:*").unwrap_or_default();
        for key in servers {
            let value: Vec<u8> = redis.get(&key).unwrap_or_default();
            if contains(&value, CANARY.as_bytes()) {
                leaks.push(key);
            }
        }
        lock(&self.heartbeat_leaks).extend(leaks);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
