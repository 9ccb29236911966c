//! The checks every attack test ends with: where a refused task must be, what its
//! `error_msg` and the logs say, and that the canary leaked nowhere.

use std::sync::{Mutex, PoisonError};

use redis::Commands;
use vetted::broker::redis::QUARANTINED_TASK_TYPE;
use vetted::wire::{DecodeLimits, TaskMessage};

use super::arena::{Arena, contains, task_key};
use super::{CANARY, capture};

impl Arena {
    /// Asserts the task was archived with reason `code` before its handler, and is in
    /// no other list.
    #[track_caller]
    pub fn assert_refused(&self, queue: &str, id: &str, code: &str) {
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

    /// Asserts the id was taken out of `active` and the lease set and archived under the
    /// quarantine stand-in with reason `code`.
    #[track_caller]
    pub fn assert_quarantined(&self, queue: &str, id: &str, code: &str) {
        let message = self
            .stored(queue, id)
            .expect("quarantined task keeps its hash");
        assert_eq!(message.type_name, QUARANTINED_TASK_TYPE, "{id}");
        assert!(
            message
                .error_msg
                .starts_with(&format!("vetted: reason={code}")),
            "{id}: error_msg {:?}, expected {code}",
            message.error_msg
        );
        assert_eq!(self.state(queue, id).as_deref(), Some("archived"));
        self.assert_only_in(queue, id, "archived");
        self.assert_not_run(id);
        self.assert_logged(id, code);
    }

    /// Asserts an id with no hash was dropped from every list and set.
    #[track_caller]
    pub fn assert_dropped(&self, queue: &str, id: &str) {
        let exists: bool = self.redis().exists(task_key(queue, id)).expect("EXISTS");
        assert!(!exists, "{id}: no hash is created for a dangling id");
        self.assert_only_in(queue, id, "none");
        self.assert_logged(id, "malformed_message");
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
    /// seen while waiting, and the `error_msg` of every task hash.
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
