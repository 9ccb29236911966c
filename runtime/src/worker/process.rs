//! One task from dequeue to its recorded outcome.

use crate::names::log_name;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use tokio_util::sync::CancellationToken;

use super::Shared;
use super::check::{Admitted, Refused};
use super::inflight::Running;
use super::one_time::OneTime;
use super::outcome::{self, Failure, Outcome, Processed};
use super::quarantine::{Evidence, quarantine};
use crate::broker::{BrokerError, Dequeued, HeldIn, TaskRef};
use crate::handler::{ErrorKind, TaskContext};
use crate::reason::{Disposition, Reason, Rejection};
use crate::registry::RunError;
use crate::time::{default_retry_delay, from_unix_secs, unix_secs};
use crate::wire::TaskMessage;

/// Error text asynq writes when a task's deadline passes.
const DEADLINE_EXCEEDED: &str = "context deadline exceeded";
/// Error text for a handler that panicked; the panic message is not stored, since it
/// may quote payload data.
const HANDLER_PANICKED: &str = "vetted: handler panicked";

/// Checks, runs and records one dequeued task. A failure to record the outcome is
/// logged here, where the task is known, and returned.
pub(crate) async fn process(
    shared: &Arc<Shared>,
    dequeued: Dequeued,
) -> Result<Processed, BrokerError> {
    let (queue, id, outcome) = match dequeued {
        Dequeued::Oversize { queue, id, len } => {
            let rejection = Rejection::new(Reason::Oversize).with_len(len);
            let task = TaskRef {
                queue: &queue,
                id: &id,
            };
            let outcome = quarantine(shared, task, &rejection, Evidence::unread(len)).await;
            (queue, id, outcome)
        }
        Dequeued::Dangling { queue, id } => {
            let rejection = Rejection::new(Reason::MalformedMessage);
            let task = TaskRef {
                queue: &queue,
                id: &id,
            };
            let outcome = quarantine(shared, task, &rejection, Evidence::unread(0)).await;
            (queue, id, outcome)
        }
        Dequeued::Duplicate { queue, id, held } => {
            let outcome = Ok(discard_duplicate(shared, &queue, &id, held));
            (queue, id, outcome)
        }
        Dequeued::Task { queue, id, message } => {
            let task = TaskRef {
                queue: &queue,
                id: &id,
            };
            let outcome = check_and_run(shared, task, &message).await;
            (queue, id, outcome)
        }
    };
    match outcome {
        Ok(outcome) => Ok(Processed { id, queue, outcome }),
        Err(e) => {
            tracing::warn!(task_id = ?log_name(&id), queue = ?log_name(&queue), error = %e, "could not record task outcome");
            Err(e)
        }
    }
}

/// Runs the checks on a read message, then its handler or its refusal.
async fn check_and_run(
    shared: &Arc<Shared>,
    task: TaskRef<'_>,
    raw: &[u8],
) -> Result<Outcome, BrokerError> {
    let now = u64::try_from(unix_secs(SystemTime::now())).unwrap_or(0);
    match shared.checker.check(task.queue, task.id, raw, now) {
        Ok(admitted) => admit(shared, task, raw, admitted).await,
        Err(refused) => refuse(shared, task, raw, refused).await,
    }
}

/// Runs a task that passed the checks, unless it is a one-time task that already
/// completed: that one is refused as `replayed`.
async fn admit(
    shared: &Arc<Shared>,
    task: TaskRef<'_>,
    raw: &[u8],
    admitted: Admitted,
) -> Result<Outcome, BrokerError> {
    if !admitted.entry.options().one_time || !shared.broker.is_completed(task).await? {
        return run(shared, task, raw, admitted).await;
    }
    let mut rejection = Rejection::new(Reason::Replayed).with_len(admitted.message.payload.len());
    rejection.key_id = admitted.claims.as_ref().map(|c| c.key_id.clone());
    let refused = Refused {
        rejection,
        message: Some(admitted.message),
        claims: admitted.claims,
    };
    refuse(shared, task, raw, Box::new(refused)).await
}

/// Drops a stray copy of an id whose task is held elsewhere. Nothing is written, and the
/// worker's in-flight record (keyed by id) is not touched, since this worker may be the
/// holder itself.
fn discard_duplicate(shared: &Shared, queue: &str, id: &str, held: HeldIn) -> Outcome {
    let reason = Reason::DuplicateDelivery;
    tracing::warn!(task_id = ?log_name(id), queue = ?log_name(queue), reason = reason.code(), held = held.as_str(), "duplicate delivery dropped");
    shared.counters.record(reason, None);
    Outcome::Duplicate
}

/// Records a task refused before its handler, as its reason prescribes.
pub(crate) async fn refuse(
    shared: &Shared,
    task: TaskRef<'_>,
    raw: &[u8],
    refused: Box<Refused>,
) -> Result<Outcome, BrokerError> {
    let Refused {
        mut rejection,
        message,
        claims,
    } = *refused;
    let Some(message) = message else {
        return quarantine(shared, task, &rejection, Evidence::read(raw, None)).await;
    };
    shared.checker.fingerprint(&mut rejection, &message.payload);
    let failure = Failure {
        task,
        raw,
        message: &message,
        error: rejection.to_string(),
        max_retry: retry_bound(shared, &rejection, &message),
    };
    let disposition = match rejection.reason.disposition() {
        Disposition::RetryBounded if !failure.retries_left() => {
            settled_after_retries(shared, rejection.reason, claims.is_some())
        }
        disposition => disposition,
    };
    if disposition == Disposition::Quarantine {
        let evidence = Evidence::read(raw, Some(&message));
        return quarantine(shared, task, &rejection, evidence).await;
    }
    log_rejection(&message, &rejection);
    shared
        .counters
        .record(rejection.reason, rejection.key_id.as_deref());
    let broker = shared.broker.as_ref();
    match disposition {
        Disposition::Reschedule => {
            let at = claims.map_or(0, |c| c.not_before);
            let at = from_unix_secs(i64::try_from(at).unwrap_or(i64::MAX));
            broker.reschedule(task, at).await?;
            Ok(Outcome::Rescheduled)
        }
        Disposition::Acknowledge => {
            broker.done(task, &message.unique_key).await?;
            Ok(Outcome::Replayed)
        }
        Disposition::Discard => Ok(Outcome::Duplicate),
        Disposition::RetryBounded => failure.retry(broker, default_retry_delay).await,
        _ => failure.archive(broker).await,
    }
}

/// The most retries a refused task gets: the worker's bound for its reason (none for
/// reasons that are not retried), never more than the message allows.
fn retry_bound(shared: &Shared, rejection: &Rejection, message: &TaskMessage) -> u32 {
    let bound = match rejection.reason {
        Reason::UnknownKey => shared.config.unknown_key_retries,
        Reason::UnknownTaskType => shared.config.unknown_type_retries,
        _ => 0,
    };
    bound.min(u32::try_from(message.retry).unwrap_or(0))
}

/// Where a task refused for `reason` goes once its bounded retries are spent: as the
/// reason says, except for an unknown task type, which is quarantined when its sender is
/// not `proven` by a verified signature, or when the worker is set to quarantine them all.
fn settled_after_retries(shared: &Shared, reason: Reason, proven: bool) -> Disposition {
    let unknown_type = reason == Reason::UnknownTaskType;
    if unknown_type && (!proven || shared.config.quarantine_unknown_task_types) {
        return Disposition::Quarantine;
    }
    reason.after_retries()
}

fn log_rejection(message: &TaskMessage, rejection: &Rejection) {
    tracing::warn!(
        task_id = ?log_name(&message.id),
        queue = ?log_name(&message.queue),
        task_type = ?log_name(&message.type_name),
        retried = message.retried,
        reason = rejection.reason.code(),
        key = rejection.key_id.as_deref().unwrap_or(""),
        len = message.payload.len(),
        fingerprint = rejection.fingerprint.map(|fp| fp.to_string()).unwrap_or_default(),
        "task refused"
    );
}

/// Runs the handler of an admitted task and records the result.
async fn run(
    shared: &Arc<Shared>,
    task: TaskRef<'_>,
    raw: &[u8],
    admitted: Admitted,
) -> Result<Outcome, BrokerError> {
    let Admitted {
        message,
        claims,
        entry,
    } = admitted;
    if let Some(claims) = &claims {
        shared.counters.verified(&claims.key_id);
    }
    let max_retry = outcome::retry_limit(&message, claims.as_ref());
    let started = SystemTime::now();
    let deadline = deadline_of(&message, started);
    let lease_lost = CancellationToken::new();
    let ctx = TaskContext {
        id: message.id.clone(),
        queue: message.queue.clone(),
        retried: u32::try_from(message.retried).unwrap_or(0),
        max_retry,
        deadline,
        cancel: shared.abort.child_token(),
        state: shared.state.clone(),
    };
    let running = Running {
        queue: message.queue.clone(),
        type_name: message.type_name.clone(),
        started,
        deadline,
        lease_until: started + shared.config.lease_duration,
        lease_lost: lease_lost.clone(),
    };
    shared.inflight.insert(task.id, running);
    let cancel = ctx.cancel.clone();
    let one_time = OneTime::of(entry.options(), claims.as_ref());
    let future = entry.run(&message.payload, ctx);
    let attempt = await_attempt(future, deadline, &shared.abort, &lease_lost).await;
    cancel.cancel();
    let limits = Limits {
        max_retry,
        one_time,
        key_id: claims.map(|c| c.key_id),
    };
    let result = record(shared, task, raw, &message, limits, attempt).await;
    shared.inflight.remove(task.id);
    result
}

/// How an attempt ended, before it is recorded.
enum Attempt {
    Done(Result<(), RunError>),
    Panicked,
    TimedOut,
    Aborted,
    LeaseLost,
}

async fn await_attempt(
    future: futures::future::BoxFuture<'static, Result<(), RunError>>,
    deadline: SystemTime,
    abort: &CancellationToken,
    lease_lost: &CancellationToken,
) -> Attempt {
    let budget = deadline
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO);
    let guarded = AssertUnwindSafe(future).catch_unwind();
    tokio::select! {
        result = guarded => match result {
            Ok(result) => Attempt::Done(result),
            Err(_) => Attempt::Panicked,
        },
        () = tokio::time::sleep(budget) => Attempt::TimedOut,
        () = abort.cancelled() => Attempt::Aborted,
        () = lease_lost.cancelled() => Attempt::LeaseLost,
    }
}

/// What bounds the recording of an attempt.
struct Limits {
    /// The most retries: the smaller of the signed and stored limits.
    max_retry: u32,
    /// How to mark a success of a one-time task; `None` for other types.
    one_time: Option<OneTime>,
    /// The key id that signed the task, for refusals after the signature passed.
    key_id: Option<String>,
}

/// Writes the result of an attempt, unless the lease was lost meanwhile.
async fn record(
    shared: &Shared,
    task: TaskRef<'_>,
    raw: &[u8],
    message: &TaskMessage,
    limits: Limits,
    attempt: Attempt,
) -> Result<Outcome, BrokerError> {
    if !shared.inflight.holds_lease(task.id, SystemTime::now()) {
        tracing::warn!(task_id = ?log_name(task.id), queue = ?log_name(task.queue), "lease lost; leaving the task to recovery");
        return Ok(Outcome::LeaseLost);
    }
    let broker = shared.broker.as_ref();
    let failure = |error: String| Failure {
        task,
        raw,
        message,
        error,
        max_retry: limits.max_retry,
    };
    let error = match attempt {
        Attempt::Done(Ok(())) => {
            tracing::debug!(task_id = ?log_name(task.id), queue = ?log_name(task.queue), "task completed");
            if let Some(one_time) = limits.one_time {
                let ttl = one_time.marker_ttl(SystemTime::now());
                broker.record_completion(task, ttl).await?;
            }
            return outcome::complete(broker, task, raw, message).await;
        }
        Attempt::Aborted => {
            broker.requeue(task).await?;
            return Ok(Outcome::Requeued);
        }
        Attempt::Done(Err(RunError::Rejected(mut rejection))) => {
            rejection.key_id.clone_from(&limits.key_id);
            shared.checker.fingerprint(&mut rejection, &message.payload);
            log_rejection(message, &rejection);
            shared
                .counters
                .record(rejection.reason, rejection.key_id.as_deref());
            return failure(rejection.to_string()).archive(broker).await;
        }
        Attempt::Done(Err(RunError::Handler(err))) => match err.kind() {
            ErrorKind::Revoke => {
                broker.done(task, &message.unique_key).await?;
                return Ok(Outcome::Revoked);
            }
            ErrorKind::SkipRetry => return failure(err.to_string()).archive(broker).await,
            ErrorKind::Retry => err.to_string(),
        },
        Attempt::Panicked => HANDLER_PANICKED.to_owned(),
        Attempt::TimedOut => DEADLINE_EXCEEDED.to_owned(),
        Attempt::LeaseLost => return Ok(Outcome::LeaseLost),
    };
    tracing::warn!(task_id = ?log_name(task.id), queue = ?log_name(task.queue), retried = message.retried, "task failed");
    failure(error)
        .retry_or_archive(broker, default_retry_delay)
        .await
}

/// The handler's deadline, computed as asynq does from `timeout` and `deadline`.
pub(crate) fn deadline_of(message: &TaskMessage, now: SystemTime) -> SystemTime {
    let timeout = Duration::from_secs(u64::try_from(message.timeout).unwrap_or(0));
    match (message.timeout > 0, message.deadline > 0) {
        (false, false) => now + Duration::from_secs(30 * 60),
        (true, true) => {
            let by_timeout = unix_secs(now).saturating_add(message.timeout);
            from_unix_secs(by_timeout.min(message.deadline))
        }
        (true, false) => now + timeout,
        (false, true) => from_unix_secs(message.deadline),
    }
}
