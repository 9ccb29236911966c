//! Uniqueness locks (`asynq:{q}:unique:<type>:<md5>`), whose value is the owning task id.

use std::time::{Duration, SystemTime};

use super::store::Store;
use super::time::later;
use crate::broker::TaskRef;

/// One lock: its owner and when its TTL ends (`None`: past what `SystemTime` holds).
#[derive(Debug)]
pub(super) struct UniqueLock {
    /// The task id stored as the key's value.
    owner: String,
    /// When the key expires.
    expires_at: Option<SystemTime>,
}

impl UniqueLock {
    /// Whether the key still exists at `now`.
    fn is_live(&self, now: SystemTime) -> bool {
        self.expires_at.is_none_or(|expiry| expiry > now)
    }
}

impl Store {
    /// Takes `key` for `id` for `ttl` unless a live lock holds it (`SET NX EX`).
    pub(super) fn lock_unique(
        &mut self,
        key: &str,
        id: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> bool {
        if self.unique_owner(key, now).is_some() {
            return false;
        }
        let lock = UniqueLock {
            owner: id.to_owned(),
            expires_at: later(now, ttl),
        };
        self.unique_locks.insert(key.to_owned(), lock);
        true
    }

    /// The id holding `key` at `now`, if the lock exists.
    pub(super) fn unique_owner(&self, key: &str, now: SystemTime) -> Option<&str> {
        let lock = self.unique_locks.get(key)?;
        lock.is_live(now).then_some(lock.owner.as_str())
    }

    /// Deletes `key` when it is one of the task's queue's locks and `task` holds it; an
    /// empty key means the task is not unique.
    ///
    /// Like the Redis broker, and unlike asynq, a key outside `asynq:{<queue>}:unique:`
    /// is left alone: the name comes from the message, and a forged one must not delete
    /// another queue's lock.
    pub(super) fn release_unique(&mut self, key: &str, task: TaskRef<'_>, now: SystemTime) {
        let own_lock = key.starts_with(&format!("asynq:{{{}}}:unique:", task.queue));
        if own_lock && self.unique_owner(key, now) == Some(task.id) {
            self.unique_locks.remove(key);
        }
        self.unique_locks.retain(|_, lock| lock.is_live(now));
    }
}
