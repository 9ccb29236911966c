//! Uniqueness locks (`asynq:{q}:unique:<type>:<md5>`), whose value is the owning task id.

use std::time::{Duration, SystemTime};

use super::store::Store;
use super::time::later;

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

    /// Deletes `key` when it is held by `id`; an empty key means the task is not unique.
    pub(super) fn release_unique(&mut self, key: &str, id: &str, now: SystemTime) {
        if !key.is_empty() && self.unique_owner(key, now) == Some(id) {
            self.unique_locks.remove(key);
        }
        self.unique_locks.retain(|_, lock| lock.is_live(now));
    }
}
