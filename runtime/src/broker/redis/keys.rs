//! asynq's Redis key names (asynq-protocol §2), one function per key, and the few keys
//! of vetted's own, under `vetted:`.
//!
//! Every per-queue key carries the hash tag `{<queue>}` so that one queue's keys share
//! a Redis Cluster slot.

/// The set of every queue name ever enqueued to.
pub(crate) const ALL_QUEUES: &str = "asynq:queues";
/// Server heartbeat keys, scored by expiry.
pub(crate) const ALL_SERVERS: &str = "asynq:servers";
/// Worker heartbeat keys, scored by expiry.
pub(crate) const ALL_WORKERS: &str = "asynq:workers";

/// `asynq:{<q>}:`, the prefix of every key of the queue.
pub(crate) fn queue_prefix(queue: &str) -> String {
    format!("asynq:{{{queue}}}:")
}

/// `asynq:{<q>}:t:`, the prefix of task hashes.
pub(crate) fn task_key_prefix(queue: &str) -> String {
    queue_prefix(queue) + "t:"
}

/// `asynq:{<q>}:t:<id>`, the task hash.
pub(crate) fn task(queue: &str, id: &str) -> String {
    task_key_prefix(queue) + id
}

/// `asynq:{<q>}:g:`, the prefix of group sets.
pub(crate) fn group_key_prefix(queue: &str) -> String {
    queue_prefix(queue) + "g:"
}

/// `asynq:{<q>}:pending` (LIST).
pub(crate) fn pending(queue: &str) -> String {
    queue_prefix(queue) + "pending"
}

/// `asynq:{<q>}:active` (LIST).
pub(crate) fn active(queue: &str) -> String {
    queue_prefix(queue) + "active"
}

/// `asynq:{<q>}:lease` (ZSET scored by lease expiry).
pub(crate) fn lease(queue: &str) -> String {
    queue_prefix(queue) + "lease"
}

/// `asynq:{<q>}:scheduled` (ZSET scored by process-at time).
pub(crate) fn scheduled(queue: &str) -> String {
    queue_prefix(queue) + "scheduled"
}

/// `asynq:{<q>}:retry` (ZSET scored by retry time).
pub(crate) fn retry(queue: &str) -> String {
    queue_prefix(queue) + "retry"
}

/// `asynq:{<q>}:archived` (ZSET scored by archive time).
pub(crate) fn archived(queue: &str) -> String {
    queue_prefix(queue) + "archived"
}

/// `asynq:{<q>}:completed` (ZSET scored by retention expiry).
pub(crate) fn completed(queue: &str) -> String {
    queue_prefix(queue) + "completed"
}

/// `asynq:{<q>}:paused`, present while the queue is paused.
pub(crate) fn paused(queue: &str) -> String {
    queue_prefix(queue) + "paused"
}

/// `asynq:{<q>}:processed`, the lifetime processed counter.
pub(crate) fn processed_total(queue: &str) -> String {
    queue_prefix(queue) + "processed"
}

/// `asynq:{<q>}:failed`, the lifetime failed counter.
pub(crate) fn failed_total(queue: &str) -> String {
    queue_prefix(queue) + "failed"
}

/// `asynq:{<q>}:processed:<YYYY-MM-DD>`, the processed counter of one UTC day.
pub(crate) fn processed_on(queue: &str, date: &str) -> String {
    format!("{}:{date}", processed_total(queue))
}

/// `asynq:{<q>}:failed:<YYYY-MM-DD>`, the failed counter of one UTC day.
pub(crate) fn failed_on(queue: &str, date: &str) -> String {
    format!("{}:{date}", failed_total(queue))
}

/// `asynq:servers:{<host>:<pid>:<server id>}`, one server's `ServerInfo`.
pub(crate) fn server_info(host: &str, pid: u32, server_id: &str) -> String {
    format!("asynq:servers:{{{host}:{pid}:{server_id}}}")
}

/// `asynq:workers:{<host>:<pid>:<server id>}`, one server's `WorkerInfo` hash.
pub(crate) fn workers(host: &str, pid: u32, server_id: &str) -> String {
    format!("asynq:workers:{{{host}:{pid}:{server_id}}}")
}

/// `vetted:{<q>}:done:<id>`, the completion marker of a one-time task; in the slot of
/// its queue.
pub(crate) fn completion_marker(queue: &str, id: &str) -> String {
    format!("vetted:{{{queue}}}:done:{id}")
}

/// `vetted:{<q>}:quarantine`, the stream of tasks refused before their sender was
/// proven; in the slot of its queue.
pub(crate) fn quarantine(queue: &str) -> String {
    format!("vetted:{{{queue}}}:quarantine")
}

/// Hash of refused tasks by reason code, added to by every worker. The three counter
/// hashes share the hash tag `{stats}`, so one script can update them on a Cluster.
pub(crate) const STATS_REJECTED: &str = "vetted:{stats}:rejected";
/// Hash of refused tasks by the key id they named.
pub(crate) const STATS_REJECTED_BY_KEY: &str = "vetted:{stats}:rejected_by_key";
/// Hash of verified signatures by key id.
pub(crate) const STATS_VERIFIED_BY_KEY: &str = "vetted:{stats}:verified_by_key";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_asynq() {
        assert_eq!(task("default", "abc"), "asynq:{default}:t:abc");
        assert_eq!(pending("q"), "asynq:{q}:pending");
        assert_eq!(lease("q"), "asynq:{q}:lease");
        assert_eq!(group_key_prefix("q"), "asynq:{q}:g:");
        assert_eq!(
            processed_on("q", "2026-01-31"),
            "asynq:{q}:processed:2026-01-31"
        );
        assert_eq!(failed_on("q", "2026-01-31"), "asynq:{q}:failed:2026-01-31");
        assert_eq!(server_info("h", 42, "sid"), "asynq:servers:{h:42:sid}");
        assert_eq!(workers("h", 42, "sid"), "asynq:workers:{h:42:sid}");
        assert_eq!(completion_marker("q", "id"), "vetted:{q}:done:id");
        assert_eq!(quarantine("q"), "vetted:{q}:quarantine");
    }
}
