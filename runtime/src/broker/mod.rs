//! The broker: where tasks wait, and the state transitions of the asynq protocol.
//!
//! [`Broker`] is implemented by [`RedisBroker`](crate::broker::redis::RedisBroker), which
//! speaks asynq v0.26's Redis layout, and by [`MemoryBroker`](crate::broker::memory::MemoryBroker),
//! which keeps the same semantics in process for tests and demos.
//!
//! Besides asynq's data, both keep three things of vetted's own: completion markers of
//! one-time tasks ([`Broker::record_completion`]), the refusal and verification
//! counters of every worker ([`Broker::add_counters`]) and a bounded quarantine store
//! per queue for tasks whose sender was never proven ([`Broker::quarantine`]).

use std::time::{Duration, SystemTime};

use async_trait::async_trait;

mod counters;
mod held;
pub mod memory;
mod quarantine;
#[cfg(feature = "redis")]
pub mod redis;

pub(crate) use counters::bump;
pub use counters::{CounterSnapshot, MAX_TRACKED_NAMES, OTHER_NAMES};
pub use held::HeldIn;
pub use quarantine::{
    MAX_LISTED_TEXT, MAX_STORED_NAME, QuarantineEntry, QuarantineLimits, QuarantineList,
    QuarantineNote,
};

/// One task, named by its queue and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskRef<'a> {
    /// Queue name.
    pub queue: &'a str,
    /// Task id.
    pub id: &'a str,
}

/// What one dequeue attempt found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dequeued {
    /// A task, now active and leased; `message` is the raw `msg` bytes.
    Task {
        /// Queue it was taken from.
        queue: String,
        /// Task id, as found in the pending list.
        id: String,
        /// The encoded `TaskMessage`.
        message: Vec<u8>,
    },
    /// A task whose `msg` is longer than the cap; it is active and leased, unread.
    Oversize {
        /// Queue it was taken from.
        queue: String,
        /// Task id.
        id: String,
        /// Length of its `msg` in bytes.
        len: usize,
    },
    /// An id whose task hash or `msg` is missing; it is active and leased.
    Dangling {
        /// Queue it was taken from.
        queue: String,
        /// Task id.
        id: String,
    },
    /// A stray copy of an id whose task is held elsewhere (see [`HeldIn`]). The copy was
    /// removed from `pending` and went nowhere else; the task, its hash, its lease and
    /// every other copy of its id were left as they were.
    Duplicate {
        /// Queue it was taken from.
        queue: String,
        /// Task id.
        id: String,
        /// Where the task was found.
        held: HeldIn,
    },
}

/// A task whose lease ran out, found by the recoverer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiredLease {
    /// Task id.
    pub id: String,
    /// Its raw `msg`, or `None` when the hash or field is missing or the `msg` is over
    /// the cap given to [`Broker::expired_leases`].
    pub message: Option<Vec<u8>>,
    /// Length of its `msg` in bytes, measured before reading it; 0 when missing.
    pub len: usize,
}

/// Counters of one queue, as the asynq Inspector reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// Tasks waiting in `pending`.
    pub pending: usize,
    /// Tasks being processed.
    pub active: usize,
    /// Tasks waiting for their time.
    pub scheduled: usize,
    /// Tasks waiting to be retried.
    pub retry: usize,
    /// Tasks archived.
    pub archived: usize,
    /// Completed tasks kept for their retention.
    pub completed: usize,
    /// Processed today (UTC).
    pub processed_today: u64,
    /// Failed today (UTC).
    pub failed_today: u64,
}

/// A broker operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrokerError {
    /// A task with this id already exists (asynq's `ErrTaskIDConflict`).
    #[error("task id conflicts with another task")]
    TaskIdConflict,
    /// The task is not where the operation expected it (asynq's `NOT FOUND`).
    #[error("task not found in its expected state")]
    NotFound,
    /// The backing store failed; the operation may be retried.
    #[error("broker unavailable: {0}")]
    Unavailable(String),
    /// The broker address is malformed or uses an unsupported scheme.
    #[error("invalid broker address: {0}")]
    InvalidAddress(String),
    /// The server refused the credentials in the broker address.
    #[error("broker refused the credentials")]
    AuthFailed,
}

/// The heartbeat record of one worker process (asynq's `ServerInfo` plus its tasks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerState {
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: u32,
    /// Server id (a UUID, new per worker).
    pub server_id: String,
    /// Worker slots.
    pub concurrency: u32,
    /// Queue name to priority.
    pub queues: Vec<(String, u32)>,
    /// Whether queues are polled in strict priority order.
    pub strict_priority: bool,
    /// `active`, `stopped` or `closed`.
    pub status: &'static str,
    /// When the worker started.
    pub started: SystemTime,
    /// The tasks in flight.
    pub workers: Vec<ActiveTask>,
}

/// One task in flight, as published in the heartbeat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveTask {
    /// Task id.
    pub id: String,
    /// Task type.
    pub type_name: String,
    /// Queue.
    pub queue: String,
    /// When the worker took it.
    pub started: SystemTime,
    /// Its deadline.
    pub deadline: SystemTime,
}

/// The storage operations of the asynq protocol, each atomic.
///
/// Times are wall-clock [`SystemTime`]s; brokers convert them to asynq's units.
#[async_trait]
pub trait Broker: Send + Sync + 'static {
    /// Stores a new task: pending now, or scheduled when `process_at` is later than now.
    /// Registers the queue. Fails with [`BrokerError::TaskIdConflict`] if the id exists.
    async fn enqueue(
        &self,
        message: &crate::wire::TaskMessage,
        process_at: Option<SystemTime>,
    ) -> Result<(), BrokerError>;

    /// Takes the next task from the first of `queues` that has one, leasing it until
    /// `lease_until`. A `msg` longer than `max_message_bytes` is leased but not read.
    ///
    /// An id whose task is already held elsewhere (see [`HeldIn`]) is a stray copy: it is
    /// only removed from `pending` and returned as [`Dequeued::Duplicate`], so that one
    /// task never has two deliveries at once nor runs while it waits in another set.
    async fn dequeue(
        &self,
        queues: &[String],
        lease_until: SystemTime,
        max_message_bytes: usize,
    ) -> Result<Option<Dequeued>, BrokerError>;

    /// Success without retention: deletes the task and releases its uniqueness lock.
    async fn done(&self, task: TaskRef<'_>, unique_key: &str) -> Result<(), BrokerError>;

    /// Success with retention: moves the task to `completed` until `expires_at`.
    async fn mark_complete(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        expires_at: SystemTime,
        unique_key: &str,
    ) -> Result<(), BrokerError>;

    /// Failure with retries left: stores `message` and schedules a retry at `retry_at`.
    async fn retry(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        retry_at: SystemTime,
        is_failure: bool,
    ) -> Result<(), BrokerError>;

    /// Permanent failure: stores `message` and archives the task, trimming the archive.
    async fn archive(&self, task: TaskRef<'_>, message: &[u8]) -> Result<(), BrokerError>;

    /// Puts an active task back at the head of `pending` (shutdown).
    async fn requeue(&self, task: TaskRef<'_>) -> Result<(), BrokerError>;

    /// Moves an active task back to `scheduled` at `at`, without counting an attempt.
    async fn reschedule(&self, task: TaskRef<'_>, at: SystemTime) -> Result<(), BrokerError>;

    /// Moves a task refused before its sender was proven out of asynq's lists into the
    /// queue's quarantine store, atomically: the id leaves `active` and the lease set,
    /// the task record is deleted, and one entry is added to the store holding the task
    /// id, the note's type, reason code, refusal text and key id, the message length and
    /// the raw `msg` when `limits` allow keeping it. The store is then trimmed to
    /// `limits`. Nothing enters asynq's archive, so a flood of forged tasks cannot push
    /// real archived tasks out of it.
    ///
    /// A task that had a record counts as one processed and one failed task, as an
    /// archive would; an id without a record is recorded in the store but counts
    /// nothing. Fails with [`BrokerError::NotFound`], changing nothing, when neither
    /// `active` nor the lease set holds the id.
    ///
    /// On Redis the store is the stream `vetted:{<queue>}:quarantine`, trimmed
    /// approximately (`MAXLEN ~`, `MINID ~`), so it may exceed `max_entries` by up to one
    /// stream node; the memory broker trims exactly.
    async fn quarantine(
        &self,
        task: TaskRef<'_>,
        note: &QuarantineNote<'_>,
        limits: &QuarantineLimits,
    ) -> Result<(), BrokerError>;

    /// The newest `count` entries of `queue`'s quarantine store, newest first, and how
    /// many entries it holds.
    async fn quarantined(&self, queue: &str, count: usize) -> Result<QuarantineList, BrokerError>;

    /// Like [`quarantined`](Self::quarantined), but each entry's `message` is `None`
    /// ([`QuarantineEntry::message_kept`] still says whether one is stored), so that
    /// listing a store in which someone planted huge entries costs the caller little
    /// memory. On Redis every other text is also cut to [`MAX_LISTED_TEXT`] bytes.
    ///
    /// The default reads the full entries and drops the messages.
    async fn quarantined_without_messages(
        &self,
        queue: &str,
        count: usize,
    ) -> Result<QuarantineList, BrokerError> {
        let mut list = self.quarantined(queue, count).await?;
        for entry in &mut list.entries {
            entry.message = None;
        }
        Ok(list)
    }

    /// Extends the leases of the given active tasks of one queue to `until`.
    async fn extend_leases(
        &self,
        queue: &str,
        ids: &[String],
        until: SystemTime,
    ) -> Result<(), BrokerError>;

    /// Moves due tasks of `queue` from `scheduled` and `retry` to `pending`, dropping a
    /// due id that has no task record. Returns how many ids left the two sets.
    async fn forward_due(&self, queue: &str, now: SystemTime) -> Result<usize, BrokerError>;

    /// Lists active tasks of `queue` whose lease ended before `cutoff`, with the `msg` of
    /// each that is at most `max_message_bytes` long (a longer one is measured, not read).
    ///
    /// The lease set is repaired first: an id in `active` with no lease entry (deleted by
    /// hand or evicted, asynq#1144) is given a lease that ends now, so that a later call
    /// lists it once that lease is past `cutoff` too; an expired lease entry whose id is
    /// not in `active` is removed rather than listed.
    async fn expired_leases(
        &self,
        queue: &str,
        cutoff: SystemTime,
        max_message_bytes: usize,
    ) -> Result<Vec<ExpiredLease>, BrokerError>;

    /// Deletes completed tasks whose retention has run out.
    async fn delete_expired_completed(
        &self,
        queue: &str,
        now: SystemTime,
    ) -> Result<usize, BrokerError>;

    /// Publishes the worker's heartbeat, valid for `ttl`.
    async fn write_server_state(
        &self,
        state: &ServerState,
        ttl: std::time::Duration,
    ) -> Result<(), BrokerError>;

    /// Removes the worker's heartbeat on shutdown.
    async fn clear_server_state(&self, state: &ServerState) -> Result<(), BrokerError>;

    /// Reads a task's raw `msg`, if the task exists.
    async fn task_message(&self, task: TaskRef<'_>) -> Result<Option<Vec<u8>>, BrokerError>;

    /// Queue counters.
    async fn queue_stats(&self, queue: &str) -> Result<QueueStats, BrokerError>;

    /// Whether a completion marker exists for `task` (one-time mode). Markers are kept
    /// apart from the task record: deleting the task leaves its marker.
    async fn is_completed(&self, task: TaskRef<'_>) -> Result<bool, BrokerError>;

    /// Records a completion marker for `task` that lasts `ttl`, rounded up to whole
    /// seconds and capped at 100 years. An existing marker is left as it is; a zero
    /// `ttl` records nothing.
    async fn record_completion(&self, task: TaskRef<'_>, ttl: Duration) -> Result<(), BrokerError>;

    /// Adds `delta` to the counters shared by every worker of this broker. Each map
    /// keeps at most [`MAX_TRACKED_NAMES`] names; the counts of further names go to
    /// [`OTHER_NAMES`].
    async fn add_counters(&self, delta: &CounterSnapshot) -> Result<(), BrokerError>;

    /// The counters every worker of this broker has added.
    async fn counters(&self) -> Result<CounterSnapshot, BrokerError>;
}

/// The longest a completion marker lasts: 100 years, far below what Redis's `EX`
/// and [`SystemTime`] can hold.
const MAX_MARKER_SECS: u64 = 100 * 365 * 24 * 60 * 60;

/// A marker's `ttl` in whole seconds, rounded up so that it never ends early, and capped
/// at [`MAX_MARKER_SECS`].
pub(crate) fn marker_secs(ttl: Duration) -> u64 {
    let secs = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
    secs.min(MAX_MARKER_SECS)
}
