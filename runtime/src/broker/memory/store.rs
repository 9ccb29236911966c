//! The data the memory broker keeps: one [`QueueData`] per queue, mirroring asynq's keys.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::time::SystemTime;

use super::quarantine::QuarantineStore;
use super::servers::ServerEntry;
use super::stats::Counters;
use super::time::unix_secs;
use super::unique::UniqueLock;
use super::zset::ZSet;
use crate::broker::{BrokerError, CounterSnapshot, HeldIn, QueueStats, TaskRef};

/// A task state, stored as asynq's lowercase string in the task hash's `state` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskState {
    /// Waiting in the `pending` list.
    Pending,
    /// Taken by a worker: in the `active` list and the `lease` set.
    Active,
    /// Waiting in `scheduled` for its process-at time.
    Scheduled,
    /// Waiting in `retry` for its retry time.
    Retry,
    /// Failed for good, kept in `archived`.
    Archived,
    /// Succeeded, kept in `completed` until its retention ends.
    Completed,
}

impl TaskState {
    /// Every state, in asynq's listing order.
    pub const ALL: [TaskState; 6] = [
        TaskState::Active,
        TaskState::Pending,
        TaskState::Scheduled,
        TaskState::Retry,
        TaskState::Archived,
        TaskState::Completed,
    ];

    /// asynq's name of the state, which is also the suffix of its Redis key.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Active => "active",
            TaskState::Scheduled => "scheduled",
            TaskState::Retry => "retry",
            TaskState::Archived => "archived",
            TaskState::Completed => "completed",
        }
    }

    /// The state named `name` (asynq's string), if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        TaskState::ALL
            .into_iter()
            .find(|state| state.as_str() == name)
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The task hash `asynq:{q}:t:<id>`.
#[derive(Debug)]
pub(super) struct TaskRecord {
    /// The encoded `TaskMessage` (hash field `msg`).
    pub(super) msg: Vec<u8>,
    /// Hash field `state`.
    pub(super) state: TaskState,
    /// Unix nanoseconds since the task became pending (hash field `pending_since`).
    pub(super) pending_since: Option<i64>,
}

impl TaskRecord {
    /// A record holding `msg` in `state`.
    pub(super) fn new(msg: Vec<u8>, state: TaskState) -> Self {
        Self {
            msg,
            state,
            pending_since: None,
        }
    }
}

/// Everything kept under one queue's `asynq:{q}:` prefix.
#[derive(Debug, Default)]
pub(super) struct QueueData {
    /// Pending ids; the front is the list's left end, where new tasks are pushed.
    pub(super) pending: VecDeque<String>,
    /// Active ids; the front is the list's left end, where dequeued ids land.
    pub(super) active: VecDeque<String>,
    /// Lease expiry of each active id.
    pub(super) lease: ZSet,
    /// Process-at time of each scheduled id.
    pub(super) scheduled: ZSet,
    /// Retry time of each id waiting to be retried.
    pub(super) retry: ZSet,
    /// Archive time of each archived id.
    pub(super) archived: ZSet,
    /// Expiry (completion + retention) of each completed id.
    pub(super) completed: ZSet,
    /// Task hashes by id.
    pub(super) tasks: HashMap<String, TaskRecord>,
    /// Processed and failed counters.
    pub(super) counters: Counters,
    /// vetted's quarantine store (`vetted:{q}:quarantine`).
    pub(super) quarantine: QuarantineStore,
}

impl QueueData {
    /// The sorted set holding tasks in `state`, for the states kept in one.
    pub(super) fn zset(&self, state: TaskState) -> Option<&ZSet> {
        match state {
            TaskState::Scheduled => Some(&self.scheduled),
            TaskState::Retry => Some(&self.retry),
            TaskState::Archived => Some(&self.archived),
            TaskState::Completed => Some(&self.completed),
            TaskState::Pending | TaskState::Active => None,
        }
    }

    /// Ids in `state`, in the order they leave it: lists from their right end, sorted
    /// sets by ascending score.
    pub(super) fn ids(&self, state: TaskState) -> Vec<String> {
        match state {
            TaskState::Pending => self.pending.iter().rev().cloned().collect(),
            TaskState::Active => self.active.iter().rev().cloned().collect(),
            _ => self.zset(state).map_or_else(Vec::new, |set| {
                set.iter().map(|(id, _)| id.to_owned()).collect()
            }),
        }
    }

    /// How many ids `state` holds.
    pub(super) fn count(&self, state: TaskState) -> usize {
        match state {
            TaskState::Pending => self.pending.len(),
            TaskState::Active => self.active.len(),
            _ => self.zset(state).map_or(0, ZSet::len),
        }
    }

    /// Whether `id` is in the `active` list.
    pub(super) fn in_active_list(&self, id: &str) -> bool {
        self.active.iter().any(|active| active == id)
    }

    /// Where the task `id` is held, if anywhere, checked in [`HeldIn::ALL`] order.
    pub(super) fn held_in(&self, id: &str) -> Option<HeldIn> {
        if self.lease.contains(id) {
            return Some(HeldIn::Lease);
        }
        if self.in_active_list(id) {
            return Some(HeldIn::Active);
        }
        let sets = [
            (HeldIn::Scheduled, &self.scheduled),
            (HeldIn::Retry, &self.retry),
            (HeldIn::Archived, &self.archived),
            (HeldIn::Completed, &self.completed),
        ];
        sets.into_iter()
            .find(|(_, set)| set.contains(id))
            .map(|(held, _)| held)
    }

    /// Takes `id` out of `active` and `lease`, or fails with `NotFound`, changing nothing,
    /// when `active` does not hold it. A missing lease entry is no error, as on Redis.
    pub(super) fn take_active(&mut self, id: &str) -> Result<(), BrokerError> {
        if !self.in_active_list(id) {
            return Err(BrokerError::NotFound);
        }
        self.active.retain(|active| active != id);
        self.lease.remove(id);
        Ok(())
    }

    /// Writes `msg` and `state` into the task hash, creating it if needed (`HSET`).
    pub(super) fn store_record(&mut self, id: &str, msg: &[u8], state: TaskState) {
        match self.tasks.get_mut(id) {
            Some(record) => {
                record.msg = msg.to_vec();
                record.state = state;
            }
            None => {
                self.tasks
                    .insert(id.to_owned(), TaskRecord::new(msg.to_vec(), state));
            }
        }
    }

    /// Sets the `state` field of the task hash, if there is one.
    pub(super) fn set_state(&mut self, id: &str, state: TaskState) {
        if let Some(record) = self.tasks.get_mut(id) {
            record.state = state;
        }
    }

    /// Pushes `id` on the left of `pending` and marks it pending since `now_nanos`.
    pub(super) fn make_pending(&mut self, id: String, now_nanos: i64) {
        if let Some(record) = self.tasks.get_mut(&id) {
            record.state = TaskState::Pending;
            record.pending_since = Some(now_nanos);
        }
        self.pending.push_front(id);
    }
}

/// The whole memory broker.
#[derive(Debug, Default)]
pub(super) struct Store {
    /// Per-queue data, created when a queue is first written.
    pub(super) queues: HashMap<String, QueueData>,
    /// Queue names ever enqueued to (`asynq:queues`).
    pub(super) registry: BTreeSet<String>,
    /// Uniqueness locks by full key.
    pub(super) unique_locks: HashMap<String, UniqueLock>,
    /// Heartbeat records by `host:pid:server_id`.
    pub(super) servers: HashMap<String, ServerEntry>,
    /// Completion markers of one-time tasks (`vetted:{q}:done:<id>`): expiry by queue
    /// and id.
    pub(super) completion_markers: HashMap<(String, String), SystemTime>,
    /// The counters workers added (`vetted:{stats}:*`).
    pub(super) counters: CounterSnapshot,
}

impl Store {
    /// The data of `queue`, created empty if needed.
    pub(super) fn queue_mut(&mut self, queue: &str) -> &mut QueueData {
        self.queues.entry(queue.to_owned()).or_default()
    }

    /// The data of the queue of `task`, or `NotFound` when the queue holds nothing.
    pub(super) fn queue_of(&mut self, task: TaskRef<'_>) -> Result<&mut QueueData, BrokerError> {
        self.queues.get_mut(task.queue).ok_or(BrokerError::NotFound)
    }

    /// The stored message of `task`, if it has a record.
    pub(super) fn message(&self, task: TaskRef<'_>) -> Option<Vec<u8>> {
        let record = self.queues.get(task.queue)?.tasks.get(task.id)?;
        Some(record.msg.clone())
    }

    /// Counts of `queue` per state, and today's counters on the UTC day of `now`.
    pub(super) fn queue_stats(&self, queue: &str, now: SystemTime) -> QueueStats {
        let Some(data) = self.queues.get(queue) else {
            return QueueStats::default();
        };
        let (processed_today, failed_today) = data.counters.today(unix_secs(now));
        QueueStats {
            pending: data.count(TaskState::Pending),
            active: data.count(TaskState::Active),
            scheduled: data.count(TaskState::Scheduled),
            retry: data.count(TaskState::Retry),
            archived: data.count(TaskState::Archived),
            completed: data.count(TaskState::Completed),
            processed_today,
            failed_today,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TaskState;

    #[test]
    fn state_names_round_trip() {
        for state in TaskState::ALL {
            assert_eq!(TaskState::parse(state.as_str()), Some(state));
        }
        assert_eq!(TaskState::parse("aggregating"), None);
        assert_eq!(TaskState::Retry.to_string(), "retry");
    }
}
