//! The worker's periodic jobs: lease extension, heartbeat, forwarding of due tasks,
//! lease recovery and deletion of expired completed tasks.

use crate::names::log_name;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::Shared;
use super::outcome::{Failure, Outcome, retry_limit};
use super::process::refuse;
use super::quarantine::{Evidence, quarantine};
use crate::broker::{BrokerError, ExpiredLease, TaskRef};
use crate::reason::{Reason, Rejection};
use crate::time::{default_retry_delay, unix_secs};

/// asynq's error text for a task whose lease ran out.
pub(crate) const LEASE_EXPIRED: &str = "asynq: task lease expired";

/// Runs `job` every `every` until the worker stops; `now` runs it once at start first.
async fn every<F, Fut>(shared: Arc<Shared>, every: Duration, at_start: bool, mut job: F)
where
    F: FnMut(Arc<Shared>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    if at_start {
        job(shared.clone()).await;
    }
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => job(shared.clone()).await,
            () = shared.finished.cancelled() => return,
        }
    }
}

/// Extends the leases of running tasks.
pub(crate) async fn extend_leases(shared: Arc<Shared>) {
    let interval = shared.config.lease_extend_interval;
    every(shared, interval, false, |shared| async move {
        let now = SystemTime::now();
        let until = now + shared.config.lease_duration;
        for (queue, ids) in shared.inflight.renewable(now) {
            match shared.broker.extend_leases(&queue, &ids, until).await {
                Ok(()) => shared.inflight.extended(&ids, until),
                Err(e) => {
                    tracing::warn!(queue = ?log_name(&queue), error = %e, "lease extension failed")
                }
            }
        }
    })
    .await;
}

/// Publishes the heartbeat (asynq's server and worker records) and adds the counts
/// since the last beat to the broker's shared counters.
pub(crate) async fn heartbeat(shared: Arc<Shared>) {
    let interval = shared.config.heartbeat_interval;
    every(shared, interval, true, |shared| async move {
        let state = shared.server_state();
        if let Err(e) = shared.broker.write_server_state(&state, interval * 2).await {
            tracing::warn!(error = %e, "heartbeat failed");
        }
        if let Err(e) = flush_counters(&shared).await {
            tracing::warn!(error = %e, "counter flush failed");
        }
    })
    .await;
}

/// Adds the counts not yet flushed to the broker's shared counters; on failure they are
/// kept for the next flush.
pub(crate) async fn flush_counters(shared: &Shared) -> Result<(), BrokerError> {
    let delta = shared.counters.take_unflushed();
    if delta.is_empty() {
        return Ok(());
    }
    let result = shared.broker.add_counters(&delta).await;
    if result.is_err() {
        shared.counters.restore_unflushed(&delta);
    }
    result
}

/// Moves due scheduled and retry tasks to `pending`.
pub(crate) async fn forward(shared: Arc<Shared>) {
    let interval = shared.config.forward_interval;
    every(shared, interval, false, |shared| async move {
        for queue in shared.plan.names() {
            if let Err(e) = shared.broker.forward_due(&queue, SystemTime::now()).await {
                tracing::warn!(queue = ?log_name(&queue), error = %e, "forwarding failed");
            }
        }
    })
    .await;
}

/// Deletes completed tasks whose retention has run out.
pub(crate) async fn janitor(shared: Arc<Shared>) {
    let interval = shared.config.janitor_interval;
    every(shared, interval, false, |shared| async move {
        for queue in shared.plan.names() {
            if let Err(e) = shared
                .broker
                .delete_expired_completed(&queue, SystemTime::now())
                .await
            {
                tracing::warn!(queue = ?log_name(&queue), error = %e, "janitor failed");
            }
        }
    })
    .await;
}

/// Retries or archives tasks whose lease ran out, one at a time: a bad message is
/// quarantined and recovery carries on with the rest.
///
/// Each message goes through the same checks as a dequeued one before it is retried, so a
/// forgery planted in `active` is refused (an unproven one quarantined), never archived
/// by asynq's rules.
pub(crate) async fn recover(shared: Arc<Shared>) {
    let interval = shared.config.recover_interval;
    every(shared, interval, true, |shared| async move {
        let cutoff = SystemTime::now() - shared.config.recover_margin;
        for queue in shared.plan.names() {
            let expired = shared
                .broker
                .expired_leases(&queue, cutoff, shared.max_message_bytes)
                .await;
            match expired {
                Ok(expired) => {
                    for lease in expired {
                        recover_one(&shared, &queue, lease).await;
                    }
                }
                Err(e) => {
                    tracing::warn!(queue = ?log_name(&queue), error = %e, "lease recovery failed")
                }
            }
        }
    })
    .await;
}

async fn recover_one(shared: &Shared, queue: &str, lease: ExpiredLease) {
    let task = TaskRef {
        queue,
        id: &lease.id,
    };
    let result = match lease.message.as_deref() {
        Some(raw) => recheck(shared, task, raw).await,
        None if lease.len > shared.max_message_bytes => {
            let rejection = Rejection::new(Reason::Oversize).with_len(lease.len);
            quarantine(shared, task, &rejection, Evidence::unread(lease.len)).await
        }
        None => {
            let rejection = Rejection::new(Reason::MalformedMessage);
            quarantine(shared, task, &rejection, Evidence::unread(lease.len)).await
        }
    };
    match result {
        Ok(_) => {
            tracing::info!(task_id = ?log_name(&lease.id), queue = ?log_name(queue), "recovered task with expired lease")
        }
        Err(e) => {
            tracing::warn!(task_id = ?log_name(&lease.id), queue = ?log_name(queue), error = %e, "recovery of task failed")
        }
    }
}

/// Sends a task whose lease ran out through the checks again: one that passes is retried,
/// or archived when its retries are spent, as asynq does; one that fails is refused as if
/// it had just been dequeued.
async fn recheck(shared: &Shared, task: TaskRef<'_>, raw: &[u8]) -> Result<Outcome, BrokerError> {
    let now = u64::try_from(unix_secs(SystemTime::now())).unwrap_or(0);
    match shared.checker.check(task.queue, task.id, raw, now) {
        Ok(admitted) => {
            let failure = Failure {
                task,
                raw,
                message: &admitted.message,
                error: LEASE_EXPIRED.to_owned(),
                max_retry: retry_limit(&admitted.message, admitted.claims.as_ref()),
            };
            failure
                .retry_or_archive(shared.broker.as_ref(), default_retry_delay)
                .await
        }
        Err(refused) => refuse(shared, task, raw, refused).await,
    }
}
