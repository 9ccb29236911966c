//! Task transitions driven by clients and workers: enqueue, dequeue and the outcomes.

use std::time::SystemTime;

use super::store::{QueueData, Store, TaskRecord, TaskState};
use super::time::{DAY_SECS, unix_nanos, unix_secs};
use crate::broker::{BrokerError, Dequeued, TaskRef};

/// Archived tasks older than this are deleted on each archive (asynq: 90 days).
const ARCHIVE_MAX_AGE_SECS: i64 = 90 * DAY_SECS;

/// Archived tasks kept after each archive: asynq's `0 .. -10000` rank trim keeps 9999.
const ARCHIVE_KEEP: usize = 9_999;

/// A new task: its id, queue and encoded message.
pub(super) struct NewTask<'a> {
    /// Task id (`TaskMessage.id`).
    pub(super) id: &'a str,
    /// Queue name (`TaskMessage.queue`).
    pub(super) queue: &'a str,
    /// The encoded message.
    pub(super) msg: Vec<u8>,
}

impl Store {
    /// Stores `task` as pending, or as scheduled when `process_at` is after `now`.
    pub(super) fn enqueue(
        &mut self,
        task: NewTask<'_>,
        process_at: Option<SystemTime>,
        now: SystemTime,
    ) -> Result<(), BrokerError> {
        // asynq registers the queue before its script runs, so even on conflict.
        self.registry.insert(task.queue.to_owned());
        let queue = self.queue_mut(task.queue);
        if queue.tasks.contains_key(task.id) {
            return Err(BrokerError::TaskIdConflict);
        }
        match process_at.filter(|at| *at > now) {
            Some(at) => {
                let record = TaskRecord::new(task.msg, TaskState::Scheduled);
                queue.tasks.insert(task.id.to_owned(), record);
                queue.scheduled.add(task.id, unix_secs(at));
            }
            None => {
                let record = TaskRecord::new(task.msg, TaskState::Pending);
                queue.tasks.insert(task.id.to_owned(), record);
                queue.make_pending(task.id.to_owned(), unix_nanos(now));
            }
        }
        Ok(())
    }

    /// Moves the oldest pending id of the first non-empty queue to active, leased until
    /// `lease_until`, and reports what its record holds; or, when its task is held
    /// elsewhere, only pops that stray copy and reports where the task is.
    pub(super) fn dequeue(
        &mut self,
        queues: &[String],
        lease_until: SystemTime,
        max_message_bytes: usize,
    ) -> Option<Dequeued> {
        queues.iter().find_map(|name| {
            let queue = self.queues.get_mut(name)?;
            let id = queue.pending.pop_back()?;
            if let Some(held) = queue.held_in(&id) {
                return Some(Dequeued::Duplicate {
                    queue: name.clone(),
                    id,
                    held,
                });
            }
            queue.active.push_front(id.clone());
            queue.lease.add(&id, unix_secs(lease_until));
            Some(activate(queue, name, id, max_message_bytes))
        })
    }

    /// Deletes a succeeded task, counts it as processed and releases its lock.
    pub(super) fn done(
        &mut self,
        task: TaskRef<'_>,
        unique_key: &str,
        now: SystemTime,
    ) -> Result<(), BrokerError> {
        let queue = self.queue_of(task)?;
        if !queue.tasks.contains_key(task.id) {
            return Err(BrokerError::NotFound);
        }
        queue.take_active(task.id)?;
        queue.tasks.remove(task.id);
        queue.counters.count_success(unix_secs(now));
        self.release_unique(unique_key, task, now);
        Ok(())
    }

    /// Moves a succeeded task to `completed` until `expires_at`, storing `msg`.
    pub(super) fn mark_complete(
        &mut self,
        task: TaskRef<'_>,
        msg: &[u8],
        expires_at: SystemTime,
        unique_key: &str,
        now: SystemTime,
    ) -> Result<(), BrokerError> {
        let queue = self.queue_of(task)?;
        // Redis finds the task not active before it finds it already completed.
        if !queue.in_active_list(task.id) {
            return Err(BrokerError::NotFound);
        }
        if queue.completed.contains(task.id) {
            return Err(BrokerError::Unavailable(
                "task is already in completed".to_owned(),
            ));
        }
        queue.take_active(task.id)?;
        queue.completed.add(task.id, unix_secs(expires_at));
        queue.store_record(task.id, msg, TaskState::Completed);
        queue.counters.count_success(unix_secs(now));
        self.release_unique(unique_key, task, now);
        Ok(())
    }

    /// Moves a failed task to `retry` at `retry_at`, storing `msg`.
    pub(super) fn retry(
        &mut self,
        task: TaskRef<'_>,
        msg: &[u8],
        retry_at: SystemTime,
        is_failure: bool,
        now: SystemTime,
    ) -> Result<(), BrokerError> {
        let queue = self.queue_of(task)?;
        queue.take_active(task.id)?;
        queue.retry.add(task.id, unix_secs(retry_at));
        queue.store_record(task.id, msg, TaskState::Retry);
        if is_failure {
            queue.counters.count_failure(unix_secs(now));
        }
        Ok(())
    }

    /// Archives a failed task, storing `msg`, then trims the archive.
    pub(super) fn archive(
        &mut self,
        task: TaskRef<'_>,
        msg: &[u8],
        now: SystemTime,
    ) -> Result<(), BrokerError> {
        let queue = self.queue_of(task)?;
        queue.take_active(task.id)?;
        queue.store_record(task.id, msg, TaskState::Archived);
        archive_and_count(queue, task.id, now);
        Ok(())
    }

    /// Puts an active task back on the right of `pending`, so it is taken next.
    pub(super) fn requeue(&mut self, task: TaskRef<'_>) -> Result<(), BrokerError> {
        let queue = self.queue_of(task)?;
        queue.take_active(task.id)?;
        queue.pending.push_back(task.id.to_owned());
        queue.set_state(task.id, TaskState::Pending);
        Ok(())
    }

    /// Moves an active task to `scheduled` at `at`, counting nothing.
    pub(super) fn reschedule(
        &mut self,
        task: TaskRef<'_>,
        at: SystemTime,
    ) -> Result<(), BrokerError> {
        let queue = self.queue_of(task)?;
        queue.take_active(task.id)?;
        queue.scheduled.add(task.id, unix_secs(at));
        queue.set_state(task.id, TaskState::Scheduled);
        Ok(())
    }
}

/// Marks the record of a just-dequeued `id` active and describes what it holds.
fn activate(queue: &mut QueueData, name: &str, id: String, max_message_bytes: usize) -> Dequeued {
    let queue_name = name.to_owned();
    let Some(record) = queue.tasks.get_mut(&id) else {
        return Dequeued::Dangling {
            queue: queue_name,
            id,
        };
    };
    record.state = TaskState::Active;
    record.pending_since = None;
    if record.msg.len() > max_message_bytes {
        return Dequeued::Oversize {
            queue: queue_name,
            id,
            len: record.msg.len(),
        };
    }
    Dequeued::Task {
        queue: queue_name,
        id,
        message: record.msg.clone(),
    }
}

/// Adds `id` to `archived` at `now`, trims the archive like asynq and counts a failure.
fn archive_and_count(queue: &mut QueueData, id: &str, now: SystemTime) {
    let now_secs = unix_secs(now);
    queue.archived.add(id, now_secs);
    let mut trimmed = queue
        .archived
        .take_up_to(now_secs.saturating_sub(ARCHIVE_MAX_AGE_SECS));
    let excess = queue.archived.len().saturating_sub(ARCHIVE_KEEP);
    let overflow = queue.archived.take_lowest(excess);
    trimmed.extend(overflow);
    for old in &trimmed {
        queue.tasks.remove(old);
    }
    if !trimmed.is_empty() {
        tracing::debug!(count = trimmed.len(), "trimmed archive");
    }
    queue.counters.count_failure(now_secs);
}
