//! Counters of refused tasks per reason and of verified tasks per key id, so operators
//! can see an attack and tell when an old key has gone quiet.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use crate::reason::Reason;

/// A snapshot of the counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// Refused tasks by reason code.
    pub rejected: BTreeMap<&'static str, u64>,
    /// Refused tasks by the key id they named.
    pub rejected_by_key: BTreeMap<String, u64>,
    /// Tasks whose signature verified, by key id.
    pub verified_by_key: BTreeMap<String, u64>,
}

/// Live counters, shared by the worker's slots.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    inner: Mutex<CounterSnapshot>,
}

/// Distinct key ids tracked at most, so forged ids cannot grow the map without bound.
const MAX_TRACKED_KEYS: usize = 256;

impl Counters {
    pub(crate) fn record(&self, reason: Reason, key: Option<&str>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        *inner.rejected.entry(reason.code()).or_default() += 1;
        if let Some(key) = key {
            bump(&mut inner.rejected_by_key, key);
        }
    }

    pub(crate) fn verified(&self, key: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        bump(&mut inner.verified_by_key, key);
    }

    pub(crate) fn snapshot(&self) -> CounterSnapshot {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else if map.len() < MAX_TRACKED_KEYS {
        map.insert(key.to_owned(), 1);
    } else {
        *map.entry("(other)".to_owned()).or_default() += 1;
    }
}
