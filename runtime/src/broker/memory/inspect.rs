//! Inspection and set-up helpers for tests that run against a [`MemoryBroker`].

use std::time::{Duration, SystemTime};

use super::MemoryBroker;
use super::store::{QueueData, TaskRecord, TaskState};
use super::time::from_unix_secs;
use crate::broker::{ServerState, TaskRef};

/// One task as the memory broker holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskSnapshot {
    /// Task id.
    pub id: String,
    /// The record's `state`.
    pub state: TaskState,
    /// The encoded `TaskMessage` (`msg`), as last written.
    pub message: Vec<u8>,
    /// The task's score: lease expiry when active, process-at when scheduled, retry time,
    /// archive time, or retention expiry when completed; `None` when pending.
    pub score: Option<SystemTime>,
}

/// Lifetime counters of one queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueTotals {
    /// Tasks that reached a counted outcome (`asynq:{q}:processed`).
    pub processed: u64,
    /// Of those, failures (`asynq:{q}:failed`).
    pub failed: u64,
}

impl MemoryBroker {
    /// The tasks of `queue` in `state`, in the order they leave it (the next pending task
    /// first; sorted sets by ascending score). Ids without a record are left out.
    pub fn tasks(&self, queue: &str, state: TaskState) -> Vec<TaskSnapshot> {
        let store = self.store();
        let Some(data) = store.queues.get(queue) else {
            return Vec::new();
        };
        let snapshot = |id: String| {
            let record = data.tasks.get(&id)?;
            Some(snapshot_of(data, id, record))
        };
        data.ids(state).into_iter().filter_map(snapshot).collect()
    }

    /// The ids of `queue` in `state`, in the same order as [`tasks`](Self::tasks),
    /// including ids that have no record.
    pub fn ids(&self, queue: &str, state: TaskState) -> Vec<String> {
        let store = self.store();
        store
            .queues
            .get(queue)
            .map_or_else(Vec::new, |data| data.ids(state))
    }

    /// How many ids `queue` holds in `state`.
    pub fn len(&self, queue: &str, state: TaskState) -> usize {
        let store = self.store();
        store.queues.get(queue).map_or(0, |data| data.count(state))
    }

    /// The `state` of task `id` in `queue`, if it has a record.
    pub fn state_of(&self, queue: &str, id: &str) -> Option<TaskState> {
        let store = self.store();
        store
            .queues
            .get(queue)?
            .tasks
            .get(id)
            .map(|record| record.state)
    }

    /// The lease set of `queue`: each leased id with its expiry, earliest first.
    pub fn leases(&self, queue: &str) -> Vec<(String, SystemTime)> {
        let store = self.store();
        let Some(data) = store.queues.get(queue) else {
            return Vec::new();
        };
        data.lease
            .iter()
            .map(|(id, score)| (id.to_owned(), from_unix_secs(score)))
            .collect()
    }

    /// The lifetime processed and failed counters of `queue`.
    pub fn totals(&self, queue: &str) -> QueueTotals {
        let store = self.store();
        let (processed, failed) = store
            .queues
            .get(queue)
            .map_or((0, 0), |data| data.counters.totals());
        QueueTotals { processed, failed }
    }

    /// Names of the queues ever enqueued to, sorted.
    pub fn queues(&self) -> Vec<String> {
        self.store().registry.iter().cloned().collect()
    }

    /// The heartbeats that have not expired, ordered by `host:pid:server_id`.
    pub fn servers(&self) -> Vec<ServerState> {
        let now = self.now();
        self.store().live_servers(now)
    }

    /// Takes the uniqueness lock `key` for task `id` for `ttl`, as a client enqueuing a
    /// unique task does. Returns `false`, changing nothing, if a live lock holds `key`.
    pub fn set_unique_lock(&self, key: &str, id: &str, ttl: Duration) -> bool {
        let now = self.now();
        self.store().lock_unique(key, id, ttl, now)
    }

    /// The id holding the uniqueness lock `key`, if the lock exists.
    pub fn unique_lock(&self, key: &str) -> Option<String> {
        let now = self.now();
        self.store().unique_owner(key, now).map(str::to_owned)
    }

    /// Pushes `id` onto `queue`'s pending list as a foreign writer could: with a record
    /// holding `message` (replacing any record of that id), or, given `None`, with no
    /// record at all (a dangling id). For tests of how workers treat such tasks.
    pub fn push_raw_pending(&self, queue: &str, id: &str, message: Option<Vec<u8>>) {
        let mut store = self.store();
        let data = store.queue_mut(queue);
        match message {
            Some(msg) => {
                data.tasks
                    .insert(id.to_owned(), TaskRecord::new(msg, TaskState::Pending));
            }
            None => {
                data.tasks.remove(id);
            }
        }
        data.pending.push_front(id.to_owned());
    }

    /// Pushes `id` onto `queue`'s pending list and changes nothing else, as a foreign
    /// writer's bare `LPUSH` could: the record of `id`, if any, and every other list or
    /// set holding it stay as they are. For tests of stray copies of an id.
    pub fn push_pending_id(&self, queue: &str, id: &str) {
        self.store()
            .queue_mut(queue)
            .pending
            .push_front(id.to_owned());
    }

    /// Deletes the record of `id` in `queue`, leaving the id in whichever list or set
    /// holds it, as a foreign writer could. Returns whether there was a record. For tests
    /// of how operations treat ids without a record.
    pub fn remove_record(&self, queue: &str, id: &str) -> bool {
        let mut store = self.store();
        let removed = store
            .queues
            .get_mut(queue)
            .and_then(|data| data.tasks.remove(id));
        removed.is_some()
    }

    /// When the completion marker of task `id` in `queue` expires, if it has a live one.
    pub fn completion_marker(&self, queue: &str, id: &str) -> Option<SystemTime> {
        let now = self.now();
        let task = TaskRef { queue, id };
        let store = self.store();
        store
            .is_completed(task, now)
            .then(|| store.completion_expiry(task))
            .flatten()
    }

    /// Forgets every task, counter, lock, heartbeat, queue name and completion marker.
    pub fn clear(&self) {
        *self.store() = Default::default();
    }
}

/// The snapshot of `id`, whose record is `record`.
fn snapshot_of(data: &QueueData, id: String, record: &TaskRecord) -> TaskSnapshot {
    let score = match record.state {
        TaskState::Active => data.lease.score(&id),
        state => data.zset(state).and_then(|set| set.score(&id)),
    };
    TaskSnapshot {
        state: record.state,
        message: record.msg.clone(),
        score: score.map(from_unix_secs),
        id,
    }
}
