//! Counters of refused tasks per reason and of verified tasks per key id, so operators
//! can see an attack and tell when an old key has gone quiet.
//!
//! The worker keeps its own totals since it was built, and the counts not yet added to
//! the broker's shared counters, which the heartbeat job flushes.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::broker::{CounterSnapshot, bump};
use crate::reason::Reason;

/// Live counters, shared by the worker's slots.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Everything counted since the worker was built.
    total: CounterSnapshot,
    /// Counts not yet added to the broker's shared counters.
    unflushed: CounterSnapshot,
}

impl Counters {
    pub(crate) fn record(&self, reason: Reason, key: Option<&str>) {
        let mut guard = self.lock();
        let inner = &mut *guard;
        for counts in [&mut inner.total, &mut inner.unflushed] {
            bump(&mut counts.rejected, reason.code(), 1);
            if let Some(key) = key {
                bump(&mut counts.rejected_by_key, key, 1);
            }
        }
    }

    pub(crate) fn verified(&self, key: &str) {
        let mut guard = self.lock();
        let inner = &mut *guard;
        for counts in [&mut inner.total, &mut inner.unflushed] {
            bump(&mut counts.verified_by_key, key, 1);
        }
    }

    pub(crate) fn snapshot(&self) -> CounterSnapshot {
        self.lock().total.clone()
    }

    /// Takes the counts not yet flushed, leaving none.
    pub(crate) fn take_unflushed(&self) -> CounterSnapshot {
        std::mem::take(&mut self.lock().unflushed)
    }

    /// Puts back counts whose flush failed, to be sent with the next one.
    pub(crate) fn restore_unflushed(&self, delta: &CounterSnapshot) {
        self.lock().unflushed.add(delta);
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unflushed_counts_are_taken_once_and_restored_on_failure() {
        let counters = Counters::default();
        counters.record(Reason::Unsigned, None);
        counters.record(Reason::BadSignature, Some("k1"));
        counters.verified("k2");
        let delta = counters.take_unflushed();
        assert_eq!(delta.rejected["unsigned"], 1);
        assert_eq!(delta.rejected_by_key["k1"], 1);
        assert_eq!(delta.verified_by_key["k2"], 1);
        assert!(counters.take_unflushed().is_empty());
        counters.restore_unflushed(&delta);
        counters.verified("k2");
        assert_eq!(counters.take_unflushed().verified_by_key["k2"], 2);
        assert_eq!(counters.snapshot().verified_by_key["k2"], 2);
    }
}
