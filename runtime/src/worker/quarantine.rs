//! Sending a task refused before its sender was proven to the quarantine store, and the
//! alert that fires when that happens too often.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::Shared;
use super::outcome::Outcome;
use crate::broker::{BrokerError, QuarantineNote, TaskRef};
use crate::names::log_name;
use crate::reason::Rejection;
use crate::wire::TaskMessage;

/// What the worker read of a task it quarantines.
#[derive(Clone, Copy, Default)]
pub(crate) struct Evidence<'a> {
    /// The task type, when the message was decoded.
    pub(crate) task_type: Option<&'a str>,
    /// The raw `msg`, when it was read.
    pub(crate) raw: Option<&'a [u8]>,
    /// The payload, when the message was decoded.
    pub(crate) payload: Option<&'a [u8]>,
    /// Length of the raw `msg`: measured when it was not read, 0 when there was none.
    pub(crate) len: usize,
}

impl<'a> Evidence<'a> {
    /// A message that was read, with what it decoded to, if anything.
    pub(crate) fn read(raw: &'a [u8], decoded: Option<&'a TaskMessage>) -> Self {
        Self {
            task_type: decoded.map(|m| m.type_name.as_str()),
            raw: Some(raw),
            payload: decoded.map(|m| m.payload.as_slice()),
            len: raw.len(),
        }
    }

    /// The bytes a fingerprint is taken of: the payload when the message was decoded,
    /// the whole message when it was read but not decoded.
    fn fingerprinted(&self) -> Option<&'a [u8]> {
        self.payload.or(self.raw)
    }

    /// A message measured at `len` bytes but not read.
    pub(crate) fn unread(len: usize) -> Self {
        Self {
            len,
            ..Self::default()
        }
    }
}

/// Logs, quarantines and counts one task, and raises the alert when the rate is too high.
pub(crate) async fn quarantine(
    shared: &Shared,
    task: TaskRef<'_>,
    rejection: &Rejection,
    evidence: Evidence<'_>,
) -> Result<Outcome, BrokerError> {
    let mut rejection = rejection.clone();
    if let (None, Some(bytes)) = (&rejection.fingerprint, evidence.fingerprinted()) {
        shared.checker.fingerprint(&mut rejection, bytes);
    }
    let rejection = &rejection;
    let note = QuarantineNote {
        rejection,
        task_type: evidence.task_type,
        message_len: evidence.len,
        message: evidence.raw,
    };
    let limits = &shared.config.quarantine_limits;
    if let Err(e) = shared.broker.quarantine(task, &note, limits).await {
        tracing::warn!(
            task_id = ?log_name(task.id),
            queue = ?log_name(task.queue),
            reason = rejection.reason.code(),
            error = %e,
            "quarantine failed"
        );
        return Err(e);
    }
    tracing::warn!(
        task_id = ?log_name(task.id),
        queue = ?log_name(task.queue),
        task_type = ?evidence.task_type.map(log_name),
        reason = rejection.reason.code(),
        key = rejection.key_id.as_deref().unwrap_or(""),
        msg_len = evidence.len,
        fingerprint = rejection.fingerprint.map(|fp| fp.to_string()).unwrap_or_default(),
        "task quarantined"
    );
    shared
        .counters
        .record(rejection.reason, rejection.key_id.as_deref());
    shared.alarm.count(task.queue, Instant::now());
    Ok(Outcome::Quarantined {
        error: rejection.to_string(),
    })
}

/// Counts one worker's quarantines in fixed windows and logs one error in each window
/// where they pass the threshold.
pub(crate) struct QuarantineAlarm {
    /// Quarantines per window that are still quiet.
    threshold: u64,
    /// The window length.
    window: Duration,
    /// The current window.
    current: Mutex<Window>,
}

/// One window: when it started, its count, and whether it has alerted.
struct Window {
    start: Instant,
    count: u64,
    alerted: bool,
}

impl QuarantineAlarm {
    /// An alarm that fires when more than `threshold` quarantines fall in one `window`.
    pub(crate) fn new(threshold: u64, window: Duration) -> Self {
        Self {
            threshold,
            window,
            current: Mutex::new(Window {
                start: Instant::now(),
                count: 0,
                alerted: false,
            }),
        }
    }

    /// Counts one quarantine of `queue` at `now`, logging the alert if this one is the
    /// first of its window over the threshold.
    pub(crate) fn count(&self, queue: &str, now: Instant) {
        if let Some(count) = self.tick(now) {
            tracing::error!(
                queue = ?log_name(queue),
                count,
                window = ?self.window,
                threshold = self.threshold,
                "quarantine rate over threshold"
            );
        }
    }

    /// Counts one quarantine at `now`; returns the window's count when it has just
    /// passed the threshold for the first time in this window.
    fn tick(&self, now: Instant) -> Option<u64> {
        let mut window = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if now.duration_since(window.start) >= self.window {
            *window = Window {
                start: now,
                count: 0,
                alerted: false,
            };
        }
        window.count += 1;
        if window.count <= self.threshold || window.alerted {
            return None;
        }
        window.alerted = true;
        Some(window.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alarm_fires_once_per_window_over_the_threshold() {
        let alarm = QuarantineAlarm::new(3, Duration::from_secs(60));
        let start = Instant::now();
        let fired: Vec<u64> = (0..10).filter_map(|_| alarm.tick(start)).collect();
        assert_eq!(fired, [4], "one alert when the fourth quarantine passes 3");
        let next = start + Duration::from_secs(60);
        let fired: Vec<u64> = (0..3).filter_map(|_| alarm.tick(next)).collect();
        assert!(fired.is_empty(), "a new window starts quiet");
        assert_eq!(alarm.tick(next + Duration::from_secs(59)), Some(4));
    }
}
