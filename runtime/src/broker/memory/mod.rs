//! An in-process broker with the semantics of the Redis one, for tests and demos.
//!
//! [`MemoryBroker`] keeps, per queue, what asynq keeps under `asynq:{<queue>}:`: the
//! `pending` and `active` lists, the `lease`, `scheduled`, `retry`, `archived` and
//! `completed` sorted sets (scores in whole Unix seconds, as in Redis), the task records
//! with their `state` string, the processed and failed counters, and beside them the queue
//! registry, uniqueness locks and worker heartbeats, and vetted's own completion markers,
//! quarantine stores and shared counters. Every operation holds one lock, so it is atomic like asynq's Lua
//! scripts.
//!
//! It behaves like the Redis broker (`broker::redis`) through the
//! [`Broker`](crate::broker::Broker) trait, including where both depart from asynq on
//! purpose: an id without a record is moved, forwarded or dropped without ever getting a
//! stub record; [`quarantine`](crate::broker::Broker::quarantine) deletes the record and
//! adds an entry to the queue's quarantine store, counting nothing for an id without a
//! record; a uniqueness lock outside the task's own queue is never released.
//! The conformance suite of the `vetted-tests` crate runs the same checks on both.
//!
//! Remaining differences from the Redis broker, all deliberate:
//! - an operation that fails changes nothing, where a Redis script may already have
//!   taken the id out of `active` or `lease` (Done of an id without a record, or
//!   MarkAsComplete of an id already in `completed`, leave it in neither);
//! - archive trimming never leaves a task record behind, even when it trims the task
//!   being archived;
//! - a record always has a message, so a hash without `msg` (as Go's dequeue leaves for
//!   an id without a hash) cannot be represented;
//! - the quarantine store of a queue is trimmed exactly: it never holds more than the
//!   `max_entries` of the last [`quarantine`](crate::broker::Broker::quarantine) call,
//!   nor entries older than its `max_age`, so its memory stays under about
//!   `max_entries × (keep_message_bytes + 3 KiB)` per queue (see
//!   [`QuarantineLimits`](crate::broker::QuarantineLimits)); Redis trims its stream
//!   approximately, a stream node at a time;
//! - heartbeats expire at their exact TTL on the broker's clock, where Redis keeps one
//!   for whole seconds (at least one);
//! - there are no groups, no paused queues, and `enqueue` takes no uniqueness lock (the
//!   [`Broker`](crate::broker::Broker) trait has no way to ask for one);
//!   [`MemoryBroker::set_unique_lock`] stands in for a client that took one.
//!
//! The inspection helpers ([`MemoryBroker::tasks`], [`MemoryBroker::len`], …) let tests
//! look at the state a worker or client left behind.
//!
//! ```
//! use vetted::broker::Broker;
//! use vetted::broker::memory::{MemoryBroker, TaskState};
//! use vetted::wire::TaskMessage;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), vetted::broker::BrokerError> {
//! let broker = MemoryBroker::new();
//! let message = TaskMessage {
//!     type_name: "email:send".into(),
//!     id: "task-1".into(),
//!     queue: "default".into(),
//!     ..TaskMessage::default()
//! };
//! broker.enqueue(&message, None).await?;
//! assert_eq!(broker.len("default", TaskState::Pending), 1);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

mod broker;
mod completion;
mod inspect;
mod lifecycle;
mod quarantine;
mod servers;
mod stats;
mod store;
mod time;
mod unique;
mod upkeep;
mod zset;

pub use inspect::{QueueTotals, TaskSnapshot};
pub use store::TaskState;

use store::Store;

/// The source of "now" for operations whose Redis counterpart reads the local clock.
type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Tasks kept in memory; cheap to clone, clones share state.
#[derive(Clone)]
pub struct MemoryBroker {
    /// The state all clones share.
    store: Arc<Mutex<Store>>,
    /// Read for enqueue's "now", archive times, stats dates and lock and heartbeat TTLs.
    clock: Clock,
}

impl MemoryBroker {
    /// An empty broker on the system clock.
    pub fn new() -> Self {
        Self::with_clock(SystemTime::now)
    }

    /// An empty broker that reads the time from `clock`, for tests that move time.
    ///
    /// The clock decides whether `enqueue` schedules a task, the archive time and trimming,
    /// the UTC day of the stats, and the expiry of uniqueness locks and heartbeats. Times
    /// passed to operations (leases, retry times, cutoffs) are used as given.
    pub fn with_clock(clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self {
            store: Arc::default(),
            clock: Arc::new(clock),
        }
    }

    /// The current time on the broker's clock.
    fn now(&self) -> SystemTime {
        (self.clock)()
    }

    /// The shared state, locked. A panic in another thread while it held the lock cannot
    /// leave a half-applied operation behind (operations do not panic), so a poisoned lock
    /// is taken over.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryBroker {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryBroker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("MemoryBroker");
        // try_lock: formatting must not wait for, or deadlock on, the broker's own lock.
        if let Ok(store) = self.store.try_lock() {
            out.field("queues", &store.queues.len());
        }
        out.finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
