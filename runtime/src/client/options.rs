//! Per-enqueue options and the task info returned by an enqueue.

use std::time::{Duration, SystemTime};

/// Options for one enqueue; unset options take the task type's defaults.
#[derive(Clone, Debug, Default)]
pub struct EnqueueOptions {
    pub(crate) queue: Option<String>,
    pub(crate) process_at: Option<SystemTime>,
    pub(crate) task_id: Option<String>,
    pub(crate) max_retry: Option<u32>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<SystemTime>,
    pub(crate) retention: Option<Duration>,
}

impl EnqueueOptions {
    /// Sends the task to `queue` instead of its default queue.
    pub fn queue(mut self, queue: impl Into<String>) -> Self {
        self.queue = Some(queue.into());
        self
    }

    /// Runs the task at `at` (scheduled) instead of now.
    pub fn process_at(mut self, at: SystemTime) -> Self {
        self.process_at = Some(at);
        self
    }

    /// Runs the task after `delay`.
    pub fn process_in(mut self, delay: Duration) -> Self {
        self.process_at = Some(SystemTime::now() + delay);
        self
    }

    /// Uses `id` as the task id instead of a new UUID; a second task with the same id is
    /// refused with [`EnqueueError::DuplicateTaskId`](super::EnqueueError::DuplicateTaskId).
    pub fn task_id(mut self, id: impl Into<String>) -> Self {
        self.task_id = Some(id.into());
        self
    }

    /// Allows at most `n` retries.
    pub fn max_retry(mut self, n: u32) -> Self {
        self.max_retry = Some(n);
        self
    }

    /// Limits each attempt to `timeout` (whole seconds, as asynq stores it).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Gives up on the task at `deadline`.
    pub fn deadline(mut self, deadline: SystemTime) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Keeps the completed task for `retention`.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = Some(retention);
        self
    }
}

/// Where an enqueued task is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Ready to be processed.
    Pending,
    /// Waiting for its process-at time.
    Scheduled,
}

impl TaskState {
    /// asynq's name of the state.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Scheduled => "scheduled",
        }
    }
}

/// What an enqueue stored, as asynq's `TaskInfo` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    /// Task id.
    pub id: String,
    /// Queue.
    pub queue: String,
    /// Task type name.
    pub type_name: String,
    /// Pending or scheduled.
    pub state: TaskState,
    /// Maximum retries.
    pub max_retry: u32,
    /// Per-attempt timeout, if set.
    pub timeout: Option<Duration>,
    /// Deadline, if set.
    pub deadline: Option<SystemTime>,
    /// Retention after success.
    pub retention: Duration,
    /// When the task becomes due.
    pub next_process_at: SystemTime,
    /// Id of the key that signed the task.
    pub key_id: String,
}
