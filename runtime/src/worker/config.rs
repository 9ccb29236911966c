//! Worker settings, with asynq's defaults.

use std::time::Duration;

use crate::broker::QuarantineLimits;

/// How a worker polls, leases and recovers tasks. Defaults follow asynq v0.26.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Tasks processed at once.
    pub concurrency: usize,
    /// Queues to serve with their priorities. Empty: the queues of the registered task types.
    pub queues: Vec<(String, u32)>,
    /// Poll queues strictly by priority instead of at random weighted by priority.
    pub strict_priority: bool,
    /// How long shutdown waits for running tasks before putting them back in `pending`.
    pub shutdown_timeout: Duration,
    /// How long a dequeued task is leased (asynq: 30 s).
    pub lease_duration: Duration,
    /// How often leases of running tasks are extended (asynq: 5 s).
    pub lease_extend_interval: Duration,
    /// How often the worker publishes its heartbeat (asynq: 5 s; the record lives twice as long).
    pub heartbeat_interval: Duration,
    /// How often expired leases are recovered (asynq: 1 min).
    pub recover_interval: Duration,
    /// How long past its lease a task must be before it is recovered (asynq: 30 s).
    pub recover_margin: Duration,
    /// How often due scheduled and retry tasks are moved to `pending` (asynq: 5 s).
    pub forward_interval: Duration,
    /// How often expired completed tasks are deleted (asynq: 8 s).
    pub janitor_interval: Duration,
    /// Base pause when every queue is empty (asynq: 1 s).
    pub poll_interval: Duration,
    /// Retries granted to a task signed with an unknown key id (rotation lag).
    pub unknown_key_retries: u32,
    /// Retries granted to a task type with no handler here.
    pub unknown_type_retries: u32,
    /// Task types accepted without a signature. Empty by default: every type needs one.
    pub unsigned_types: Vec<String>,
    /// Bounds of each queue's quarantine store, where tasks refused before their
    /// signature was verified go (see [`Disposition`](crate::reason::Disposition)).
    pub quarantine_limits: QuarantineLimits,
    /// Quarantine a task whose type has no handler here once its retries are spent,
    /// instead of archiving it. Off by default: Go workers sharing a queue may own the
    /// type, and their operators look for such tasks in asynq's archive.
    pub quarantine_unknown_task_types: bool,
    /// Quarantines per [`quarantine_alert_window`](Self::quarantine_alert_window) above
    /// which the worker logs an error, once per window (default 100); 0 alerts on the
    /// first quarantine of each window.
    pub quarantine_alert_threshold: u64,
    /// The window the quarantine alert counts in (default one minute); must not be zero.
    pub quarantine_alert_window: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: std::thread::available_parallelism().map_or(1, |n| n.get()),
            queues: Vec::new(),
            strict_priority: false,
            shutdown_timeout: Duration::from_secs(8),
            lease_duration: Duration::from_secs(30),
            lease_extend_interval: Duration::from_secs(5),
            heartbeat_interval: Duration::from_secs(5),
            recover_interval: Duration::from_secs(60),
            recover_margin: Duration::from_secs(30),
            forward_interval: Duration::from_secs(5),
            janitor_interval: Duration::from_secs(8),
            poll_interval: Duration::from_secs(1),
            unknown_key_retries: 3,
            unknown_type_retries: 3,
            unsigned_types: Vec::new(),
            quarantine_limits: QuarantineLimits::default(),
            quarantine_unknown_task_types: false,
            quarantine_alert_threshold: 100,
            quarantine_alert_window: Duration::from_secs(60),
        }
    }
}
