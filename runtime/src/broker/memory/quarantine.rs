//! The memory broker's quarantine store: per queue, a list of entries in the order they
//! were added, trimmed exactly to its limits each time one is added.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::store::Store;
use super::time::unix_secs;
use crate::broker::quarantine::{entry_fields, entry_from_fields};
use crate::broker::{
    BrokerError, QuarantineEntry, QuarantineLimits, QuarantineList, QuarantineNote, TaskRef,
};

/// One queue's store, as the Redis stream `vetted:{<queue>}:quarantine` holds it.
///
/// It never holds more than the `max_entries` of the last addition, nor entries older
/// than its `max_age`, each measured when an entry is added (the Redis stream may exceed
/// them by one stream node).
#[derive(Debug, Default)]
pub(super) struct QuarantineStore {
    /// Entries, oldest first.
    entries: VecDeque<StoredEntry>,
    /// The id of the last entry added, so that ids keep growing as in a stream.
    last_id: (u64, u64),
}

/// One entry: its stream-like id and its fields.
#[derive(Debug)]
struct StoredEntry {
    /// Unix milliseconds and sequence number.
    id: (u64, u64),
    /// Field names and values, as the Redis stream entry holds them.
    fields: Vec<(&'static str, Vec<u8>)>,
}

impl QuarantineStore {
    /// Adds the entry of task `id` at `now`, then trims to `limits`.
    fn add(
        &mut self,
        id: &str,
        note: &QuarantineNote<'_>,
        limits: &QuarantineLimits,
        now: SystemTime,
    ) {
        let now_ms = unix_millis(now);
        let entry_id = if now_ms > self.last_id.0 {
            (now_ms, 0)
        } else {
            (self.last_id.0, self.last_id.1 + 1)
        };
        self.last_id = entry_id;
        let fields = entry_fields(id, note, limits)
            .into_iter()
            .map(|(name, value)| (name, value.into_owned()))
            .collect();
        self.entries.push_back(StoredEntry {
            id: entry_id,
            fields,
        });
        let keep = limits.max_entries.max(1);
        let excess = self.entries.len().saturating_sub(keep);
        self.entries.drain(..excess);
        let max_age_ms = u64::try_from(limits.max_age.as_millis()).unwrap_or(u64::MAX);
        let cutoff = entry_id.0.saturating_sub(max_age_ms);
        while self.entries.front().is_some_and(|e| e.id.0 < cutoff) {
            self.entries.pop_front();
        }
    }

    /// The newest `count` entries, newest first.
    fn newest(&self, count: usize) -> Vec<QuarantineEntry> {
        self.entries
            .iter()
            .rev()
            .take(count)
            .map(|stored| {
                let (ms, seq) = stored.id;
                let fields = stored
                    .fields
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), value.clone()));
                let at = UNIX_EPOCH + Duration::from_millis(ms);
                entry_from_fields(format!("{ms}-{seq}"), at, fields)
            })
            .collect()
    }
}

impl Store {
    /// Takes `task` out of `active` and `lease`, deletes its record (counting a failure
    /// when there was one) and adds its entry to the queue's quarantine store.
    pub(super) fn quarantine(
        &mut self,
        task: TaskRef<'_>,
        note: &QuarantineNote<'_>,
        limits: &QuarantineLimits,
        now: SystemTime,
    ) -> Result<(), BrokerError> {
        let queue = self.queue_of(task)?;
        if !queue.in_active_list(task.id) && !queue.lease.contains(task.id) {
            return Err(BrokerError::NotFound);
        }
        queue.active.retain(|active| active != task.id);
        queue.lease.remove(task.id);
        if queue.tasks.remove(task.id).is_some() {
            queue.counters.count_failure(unix_secs(now));
        }
        queue.quarantine.add(task.id, note, limits, now);
        tracing::debug!(queue = task.queue, id = task.id, "quarantined task");
        Ok(())
    }

    /// How many entries `queue`'s quarantine store holds, and its newest `count`.
    pub(super) fn quarantined(&self, queue: &str, count: usize) -> QuarantineList {
        let Some(data) = self.queues.get(queue) else {
            return QuarantineList::default();
        };
        QuarantineList {
            len: data.quarantine.entries.len(),
            entries: data.quarantine.newest(count),
        }
    }
}

/// Unix milliseconds; times before 1970 count as 0.
fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
