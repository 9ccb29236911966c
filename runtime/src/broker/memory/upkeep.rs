//! Periodic upkeep: forwarding due tasks, lease extension and recovery, the janitor.

use std::time::SystemTime;

use super::store::Store;
use super::time::{unix_nanos, unix_secs};
use crate::broker::ExpiredLease;

impl Store {
    /// Moves tasks of `queue` due at `now` from `scheduled`, then `retry`, to `pending`,
    /// earliest first. A due id without a record is dropped, as the Redis broker does.
    /// Returns how many ids left `scheduled` and `retry`.
    pub(super) fn forward_due(&mut self, queue: &str, now: SystemTime) -> usize {
        let Some(queue) = self.queues.get_mut(queue) else {
            return 0;
        };
        let now_secs = unix_secs(now);
        let mut due = queue.scheduled.take_up_to(now_secs);
        due.extend(queue.retry.take_up_to(now_secs));
        let moved = due.len();
        for id in due {
            if queue.tasks.contains_key(&id) {
                queue.make_pending(id, unix_nanos(now));
            } else {
                tracing::debug!(id, "dropped due id without record");
            }
        }
        moved
    }

    /// Sets the lease of each of `ids` that holds one to `until` (`ZADD XX`).
    pub(super) fn extend_leases(&mut self, queue: &str, ids: &[String], until: SystemTime) {
        if let Some(queue) = self.queues.get_mut(queue) {
            for id in ids {
                queue.lease.update(id, unix_secs(until));
            }
        }
    }

    /// Active tasks of `queue` whose lease ends at or before `cutoff`, earliest first,
    /// with their `msg` when it is at most `max_message_bytes` long. As in the Redis
    /// broker, an active id with no lease first gets one ending at `now`, and an expired
    /// lease of an id that is not active is removed instead of listed.
    pub(super) fn expired_leases(
        &mut self,
        queue: &str,
        cutoff: SystemTime,
        max_message_bytes: usize,
        now: SystemTime,
    ) -> Vec<ExpiredLease> {
        let Some(queue) = self.queues.get_mut(queue) else {
            return Vec::new();
        };
        for id in &queue.active {
            if !queue.lease.contains(id) {
                queue.lease.add(id, unix_secs(now));
            }
        }
        let (expired, stale): (Vec<String>, Vec<String>) = queue
            .lease
            .up_to(unix_secs(cutoff))
            .into_iter()
            .partition(|id| queue.active.contains(id));
        for id in &stale {
            queue.lease.remove(id);
        }
        expired
            .into_iter()
            .map(|id| {
                let msg = queue.tasks.get(&id).map(|record| &record.msg);
                let len = msg.map_or(0, Vec::len);
                let message = msg.filter(|m| m.len() <= max_message_bytes).cloned();
                ExpiredLease { id, message, len }
            })
            .collect()
    }

    /// Deletes completed tasks of `queue` whose retention ended by `now`.
    pub(super) fn delete_expired_completed(&mut self, queue: &str, now: SystemTime) -> usize {
        let Some(queue) = self.queues.get_mut(queue) else {
            return 0;
        };
        let expired = queue.completed.take_up_to(unix_secs(now));
        for id in &expired {
            queue.tasks.remove(id);
        }
        expired.len()
    }
}
