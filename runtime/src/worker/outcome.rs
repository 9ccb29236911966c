//! What happened to one task, and the broker writes that record it.

use std::time::{Duration, SystemTime};

use crate::broker::{Broker, BrokerError, TaskRef};
use crate::signing::Claims;
use crate::time::unix_secs;
use crate::wire::{MessageUpdate, TaskMessage, rewrite};

/// The end of one attempt at a task.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The handler succeeded; the task was deleted or kept as completed.
    Completed,
    /// The attempt failed and the task will be retried.
    Retried {
        /// The error text stored in the task.
        error: String,
    },
    /// The task was archived; it will not run again by itself.
    Archived {
        /// The error text stored in the task (a reason code for refused tasks).
        error: String,
    },
    /// The handler revoked the task; it was deleted.
    Revoked,
    /// A one-time task that had already completed was delivered again; it was deleted
    /// without running (reason `replayed`).
    Replayed,
    /// The task arrived before its signed not-before time and went back to `scheduled`.
    Rescheduled,
    /// Shutdown interrupted the task; it went back to the head of `pending`.
    Requeued,
    /// The task was refused before its sender was proven: it was deleted and recorded in
    /// the queue's quarantine store (see [`Broker::quarantine`]), never archived.
    Quarantined {
        /// The reason text.
        error: String,
    },
    /// The lease ran out while the task ran; nothing was written and lease recovery
    /// will retry it.
    LeaseLost,
    /// A stray copy of the id was taken from `pending` while the task was held elsewhere
    /// (reason `duplicate_delivery`); the copy was dropped, nothing ran and nothing was
    /// written, and the task stays with whatever holds it.
    Duplicate,
}

/// One processed task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// Task id.
    pub id: String,
    /// Queue it came from.
    pub queue: String,
    /// What happened.
    pub outcome: Outcome,
}

/// The most retries a task may have: the smaller of its signed limit, when it is signed,
/// and the limit stored in its message.
pub(crate) fn retry_limit(message: &TaskMessage, claims: Option<&Claims>) -> u32 {
    let stored = u32::try_from(message.retry).unwrap_or(0);
    claims.map_or(stored, |c| c.max_retry.min(stored))
}

/// A failed attempt, ready to be written as a retry or an archive.
pub(crate) struct Failure<'a> {
    pub(crate) task: TaskRef<'a>,
    pub(crate) raw: &'a [u8],
    pub(crate) message: &'a TaskMessage,
    pub(crate) error: String,
    /// The most retries this task may have: the smaller of the signed and stored limits.
    pub(crate) max_retry: u32,
}

impl Failure<'_> {
    /// Retries while retries remain (with `delay`), archives otherwise.
    pub(crate) async fn retry_or_archive(
        self,
        broker: &dyn Broker,
        delay: impl FnOnce(u32) -> Duration,
    ) -> Result<Outcome, BrokerError> {
        if !self.retries_left() {
            return self.archive(broker).await;
        }
        self.retry(broker, delay).await
    }

    /// Whether the task has been retried fewer times than it may be.
    pub(crate) fn retries_left(&self) -> bool {
        u32::try_from(self.message.retried).unwrap_or(0) < self.max_retry
    }

    /// Schedules another attempt after `delay`, counting this one as failed.
    pub(crate) async fn retry(
        self,
        broker: &dyn Broker,
        delay: impl FnOnce(u32) -> Duration,
    ) -> Result<Outcome, BrokerError> {
        let retried = u32::try_from(self.message.retried).unwrap_or(0);
        let now = SystemTime::now();
        let update = MessageUpdate {
            retried: Some(self.message.retried.saturating_add(1)),
            error_msg: Some(self.error.clone()),
            last_failed_at: Some(unix_secs(now)),
            completed_at: None,
        };
        let bytes = patched(self.raw, &update)?;
        broker
            .retry(self.task, &bytes, now + delay(retried), true)
            .await?;
        Ok(Outcome::Retried { error: self.error })
    }

    /// Archives the task with its error text; `retried` is left as it is.
    pub(crate) async fn archive(self, broker: &dyn Broker) -> Result<Outcome, BrokerError> {
        let update = MessageUpdate {
            error_msg: Some(self.error.clone()),
            last_failed_at: Some(unix_secs(SystemTime::now())),
            ..MessageUpdate::default()
        };
        let bytes = patched(self.raw, &update)?;
        broker.archive(self.task, &bytes).await?;
        Ok(Outcome::Archived { error: self.error })
    }
}

/// Records success: completed with retention, deleted otherwise.
pub(crate) async fn complete(
    broker: &dyn Broker,
    task: TaskRef<'_>,
    raw: &[u8],
    message: &TaskMessage,
) -> Result<Outcome, BrokerError> {
    if message.retention <= 0 {
        broker.done(task, &message.unique_key).await?;
        return Ok(Outcome::Completed);
    }
    let now = SystemTime::now();
    let update = MessageUpdate {
        completed_at: Some(unix_secs(now)),
        ..MessageUpdate::default()
    };
    let bytes = patched(raw, &update)?;
    let keep = Duration::from_secs(u64::try_from(message.retention).unwrap_or(0));
    broker
        .mark_complete(task, &bytes, now + keep, &message.unique_key)
        .await?;
    Ok(Outcome::Completed)
}

/// The message rewritten with `update`; a message that cannot be rewritten was already
/// decoded once, so this only fails on a broken invariant, reported as unavailable.
fn patched(raw: &[u8], update: &MessageUpdate) -> Result<Vec<u8>, BrokerError> {
    rewrite(raw, update)
        .map_err(|e| BrokerError::Unavailable(format!("cannot rewrite message: {e}")))
}
