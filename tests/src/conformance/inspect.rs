//! [`Inspect`]: what the suite reads and plants beside the [`Broker`] API.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use vetted::broker::ServerState;
use vetted::broker::memory::{MemoryBroker, TaskState};

use super::unix_secs;

/// A view of a broker's storage in asynq's terms, for checking what operations left.
///
/// `key` arguments name a per-queue collection by its asynq key suffix: a state name
/// (`pending`, `active`, `scheduled`, `retry`, `archived`, `completed`) or `lease`.
#[async_trait]
pub trait Inspect: Send + Sync {
    /// The `state` field of task `id` in `queue`, if its record exists.
    async fn state_of(&self, queue: &str, id: &str) -> Option<String>;

    /// The ids under `key`, in the order they leave it: lists from their right end (the
    /// next pending task first), sorted sets by ascending score.
    async fn list(&self, queue: &str, key: &str) -> Vec<String>;

    /// The score of `id` in the sorted set `key`, in Unix seconds.
    async fn score(&self, queue: &str, key: &str, id: &str) -> Option<i64>;

    /// Pushes `id` on the left of `queue`'s pending list with a record holding `message`
    /// in state `pending`, or with no record at all when `message` is `None`.
    async fn push_raw_pending(&self, queue: &str, id: &str, message: Option<&[u8]>);

    /// Pushes `id` on the left of `queue`'s pending list and nothing else: the task's
    /// record, if any, and every other place its id is listed stay as they are.
    async fn push_pending_id(&self, queue: &str, id: &str);

    /// Deletes the record of task `id` in `queue`, leaving the id wherever it is listed.
    async fn remove_record(&self, queue: &str, id: &str);

    /// Sets the uniqueness lock `key` to `id`, for an hour.
    async fn set_unique_lock(&self, key: &str, id: &str);

    /// The id stored in the uniqueness lock `key`, if it exists.
    async fn unique_lock(&self, key: &str) -> Option<String>;

    /// The lifetime `(processed, failed)` counters of `queue`.
    async fn totals(&self, queue: &str) -> (u64, u64);

    /// The registered queue names (`asynq:queues`).
    async fn queues(&self) -> Vec<String>;

    /// Whether a live heartbeat of the server `state` describes exists.
    async fn has_server(&self, state: &ServerState) -> bool;

    /// The time left to the completion marker of task `id` in `queue`, if it has one;
    /// [`Duration::MAX`] for a marker that never expires.
    async fn marker_ttl(&self, queue: &str, id: &str) -> Option<Duration>;
}

#[async_trait]
impl Inspect for MemoryBroker {
    async fn state_of(&self, queue: &str, id: &str) -> Option<String> {
        MemoryBroker::state_of(self, queue, id).map(|state| state.as_str().to_owned())
    }

    async fn list(&self, queue: &str, key: &str) -> Vec<String> {
        if key == "lease" {
            return self.leases(queue).into_iter().map(|(id, _)| id).collect();
        }
        TaskState::parse(key).map_or_else(Vec::new, |state| self.ids(queue, state))
    }

    async fn score(&self, queue: &str, key: &str, id: &str) -> Option<i64> {
        let time = if key == "lease" {
            self.leases(queue)
                .into_iter()
                .find(|(leased, _)| leased == id)?
                .1
        } else {
            let tasks = self.tasks(queue, TaskState::parse(key)?);
            tasks.into_iter().find(|task| task.id == id)?.score?
        };
        Some(unix_secs(time))
    }

    async fn push_raw_pending(&self, queue: &str, id: &str, message: Option<&[u8]>) {
        MemoryBroker::push_raw_pending(self, queue, id, message.map(<[u8]>::to_vec));
    }

    async fn push_pending_id(&self, queue: &str, id: &str) {
        MemoryBroker::push_pending_id(self, queue, id);
    }

    async fn remove_record(&self, queue: &str, id: &str) {
        assert!(
            MemoryBroker::remove_record(self, queue, id),
            "task {id} of {queue} had no record"
        );
    }

    async fn set_unique_lock(&self, key: &str, id: &str) {
        let held = MemoryBroker::set_unique_lock(self, key, id, Duration::from_secs(3600));
        assert!(held, "unique lock {key} was already taken");
    }

    async fn unique_lock(&self, key: &str) -> Option<String> {
        MemoryBroker::unique_lock(self, key)
    }

    async fn totals(&self, queue: &str) -> (u64, u64) {
        let totals = MemoryBroker::totals(self, queue);
        (totals.processed, totals.failed)
    }

    async fn queues(&self) -> Vec<String> {
        MemoryBroker::queues(self)
    }

    async fn has_server(&self, state: &ServerState) -> bool {
        let same = |live: &ServerState| {
            (&live.host, live.pid, &live.server_id) == (&state.host, state.pid, &state.server_id)
        };
        self.servers().iter().any(same)
    }

    async fn marker_ttl(&self, queue: &str, id: &str) -> Option<Duration> {
        let expires = self.completion_marker(queue, id)?;
        Some(
            expires
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    }
}

/// A heartbeat for the suite's tests.
pub(super) fn server_state(server_id: &str) -> ServerState {
    ServerState {
        host: "conformance-host".to_owned(),
        pid: 4242,
        server_id: server_id.to_owned(),
        concurrency: 2,
        queues: vec![("heartbeat".to_owned(), 1)],
        strict_priority: false,
        status: "active",
        started: SystemTime::now(),
        workers: Vec::new(),
    }
}
