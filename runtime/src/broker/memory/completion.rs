//! Completion markers of one-time tasks, with the semantics of Redis's
//! `SET … NX EX <seconds>` on the broker's clock.

use std::time::{Duration, SystemTime};

use super::store::Store;
use crate::broker::{TaskRef, marker_secs};

impl Store {
    /// Whether `task` has a marker that has not expired at `now`.
    pub(super) fn is_completed(&self, task: TaskRef<'_>, now: SystemTime) -> bool {
        self.completion_markers
            .get(&marker_key(task))
            .is_some_and(|expires| *expires > now)
    }

    /// Adds a marker for `task` lasting `ttl` (whole seconds, rounded up) unless a live
    /// one exists; drops expired markers on the way. Nothing is recorded for a zero `ttl`,
    /// or when `now + ttl` is past what [`SystemTime`] holds.
    pub(super) fn record_completion(&mut self, task: TaskRef<'_>, ttl: Duration, now: SystemTime) {
        self.completion_markers.retain(|_, expires| *expires > now);
        let secs = marker_secs(ttl);
        let Some(expires) = now.checked_add(Duration::from_secs(secs)) else {
            return;
        };
        if secs == 0 {
            return;
        }
        self.completion_markers
            .entry(marker_key(task))
            .or_insert(expires);
    }

    /// When the marker of `task` expires, if it has one (expired or not).
    pub(super) fn completion_expiry(&self, task: TaskRef<'_>) -> Option<SystemTime> {
        self.completion_markers.get(&marker_key(task)).copied()
    }
}

fn marker_key(task: TaskRef<'_>) -> (String, String) {
    (task.queue.to_owned(), task.id.to_owned())
}
