//! The asynq v0.26 Redis layout.
//!
//! [`RedisBroker`] reproduces the data effects of asynq's scripts (asynq-protocol §5)
//! with its own Lua, so Go servers, clients, the Inspector, the CLI and asynqmon can
//! share queues with vetted workers. Where vetted differs, it is to avoid leaving
//! records that Go tooling cannot read:
//!
//! - dequeue measures `msg` before reading it, and reports an id whose hash or `msg`
//!   is missing without creating a stub hash;
//! - forwarding drops a scheduled or retry id whose hash is gone, instead of creating
//!   a stub hash for it;
//! - requeue and reschedule move an id whose hash is gone without creating a stub
//!   hash for it;
//! - the calls that finish or send back an active task go by the `active` list alone:
//!   a missing lease entry (asynq#1144) is no error, where asynq's scripts take the id
//!   out of `active` and then fail with `NOT FOUND`, leaving the task in no list;
//! - a task id that is not UTF-8, met at dequeue or in lease recovery, is quarantined
//!   by the broker itself by its raw bytes and never reported, since a
//!   [`TaskRef`] can only name text ids;
//! - [`quarantine`](crate::broker::Broker::quarantine) deletes a task refused before its
//!   sender was proven and records it in a stream of vetted's own instead of asynq's
//!   archive, which a flood of forged tasks could otherwise push real tasks out of.
//!
//! Enqueue writes the plain and scheduled paths (§5.1, §5.3); it takes no uniqueness
//! lock and does not add tasks to groups.
//!
//! vetted's own data lives under `vetted:`: the completion markers of one-time tasks
//! (`vetted:{<queue>}:done:<id>`, a string with a TTL), the quarantine store of each
//! queue (the stream `vetted:{<queue>}:quarantine`, one entry per task with the fields
//! `task_id`, `task_type`, `reason`, `error_msg`, `key`, `len` and `msg`, the unknown
//! ones left out, and the time in the entry id) and the counters every worker adds to
//! (the hashes `vetted:{stats}:rejected`, `vetted:{stats}:rejected_by_key` and
//! `vetted:{stats}:verified_by_key`).
//!
//! The broker reconnects by itself after a connection loss; the command that saw the
//! loss fails with [`BrokerError::Unavailable`] and may be retried.

use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use redis::aio::ConnectionManager;

use crate::broker::{
    Broker, BrokerError, CounterSnapshot, Dequeued, ExpiredLease, QuarantineLimits, QuarantineList,
    QuarantineNote, QueueStats, ServerState, TaskRef,
};
use crate::wire::TaskMessage;

mod clock;
mod completion;
mod connect;
mod counters;
mod dequeue;
mod enqueue;
mod error;
mod finish;
mod heartbeat;
mod inspect;
mod keys;
mod maintenance;
mod quarantine;
mod recover;
mod scripts;
mod unreadable;

/// A broker on Redis, compatible with Go asynq v0.26 servers, clients and tools.
///
/// Cheap to clone; clones share one reconnecting connection.
#[derive(Clone)]
pub struct RedisBroker {
    conn: ConnectionManager,
}

impl fmt::Debug for RedisBroker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBroker").finish_non_exhaustive()
    }
}

impl RedisBroker {
    /// Connects to `redis://[user:password@]host:port/db`, or `rediss://…` for TLS
    /// checked against the system's root certificates.
    ///
    /// Fails with [`BrokerError::InvalidAddress`] for a malformed URL or another
    /// scheme, [`BrokerError::AuthFailed`] when the server refuses the credentials, and
    /// [`BrokerError::Unavailable`] when it cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, BrokerError> {
        let conn = connect::open(url, None).await?;
        Ok(Self { conn })
    }

    /// Connects to a `rediss://` URL, trusting only the CA certificate(s) in
    /// `root_certificate_pem` instead of the system roots.
    pub async fn connect_with_root_certificate(
        url: &str,
        root_certificate_pem: &[u8],
    ) -> Result<Self, BrokerError> {
        let conn = connect::open(url, Some(root_certificate_pem)).await?;
        Ok(Self { conn })
    }

    fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }
}

#[async_trait]
impl Broker for RedisBroker {
    async fn enqueue(
        &self,
        message: &TaskMessage,
        process_at: Option<SystemTime>,
    ) -> Result<(), BrokerError> {
        enqueue::enqueue(&mut self.conn(), message, process_at).await
    }

    async fn dequeue(
        &self,
        queues: &[String],
        lease_until: SystemTime,
        max_message_bytes: usize,
    ) -> Result<Option<Dequeued>, BrokerError> {
        dequeue::dequeue(&mut self.conn(), queues, lease_until, max_message_bytes).await
    }

    async fn done(&self, task: TaskRef<'_>, unique_key: &str) -> Result<(), BrokerError> {
        finish::done(&mut self.conn(), task, unique_key).await
    }

    async fn mark_complete(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        expires_at: SystemTime,
        unique_key: &str,
    ) -> Result<(), BrokerError> {
        finish::mark_complete(&mut self.conn(), task, message, expires_at, unique_key).await
    }

    async fn retry(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        retry_at: SystemTime,
        is_failure: bool,
    ) -> Result<(), BrokerError> {
        finish::retry(&mut self.conn(), task, message, retry_at, is_failure).await
    }

    async fn archive(&self, task: TaskRef<'_>, message: &[u8]) -> Result<(), BrokerError> {
        finish::archive(&mut self.conn(), task, message).await
    }

    async fn requeue(&self, task: TaskRef<'_>) -> Result<(), BrokerError> {
        recover::requeue(&mut self.conn(), task).await
    }

    async fn reschedule(&self, task: TaskRef<'_>, at: SystemTime) -> Result<(), BrokerError> {
        recover::reschedule(&mut self.conn(), task, at).await
    }

    async fn quarantine(
        &self,
        task: TaskRef<'_>,
        note: &QuarantineNote<'_>,
        limits: &QuarantineLimits,
    ) -> Result<(), BrokerError> {
        quarantine::quarantine(&mut self.conn(), task, note, limits).await
    }

    async fn quarantined(&self, queue: &str, count: usize) -> Result<QuarantineList, BrokerError> {
        quarantine::quarantined(&mut self.conn(), queue, count).await
    }

    async fn quarantined_without_messages(
        &self,
        queue: &str,
        count: usize,
    ) -> Result<QuarantineList, BrokerError> {
        quarantine::quarantined_without_messages(&mut self.conn(), queue, count).await
    }

    async fn extend_leases(
        &self,
        queue: &str,
        ids: &[String],
        until: SystemTime,
    ) -> Result<(), BrokerError> {
        maintenance::extend_leases(&mut self.conn(), queue, ids, until).await
    }

    async fn forward_due(&self, queue: &str, now: SystemTime) -> Result<usize, BrokerError> {
        maintenance::forward_due(&mut self.conn(), queue, now).await
    }

    async fn expired_leases(
        &self,
        queue: &str,
        cutoff: SystemTime,
        max_message_bytes: usize,
    ) -> Result<Vec<ExpiredLease>, BrokerError> {
        maintenance::expired_leases(&mut self.conn(), queue, cutoff, max_message_bytes).await
    }

    async fn delete_expired_completed(
        &self,
        queue: &str,
        now: SystemTime,
    ) -> Result<usize, BrokerError> {
        maintenance::delete_expired_completed(&mut self.conn(), queue, now).await
    }

    async fn write_server_state(
        &self,
        state: &ServerState,
        ttl: Duration,
    ) -> Result<(), BrokerError> {
        heartbeat::write_server_state(&mut self.conn(), state, ttl).await
    }

    async fn clear_server_state(&self, state: &ServerState) -> Result<(), BrokerError> {
        heartbeat::clear_server_state(&mut self.conn(), state).await
    }

    async fn task_message(&self, task: TaskRef<'_>) -> Result<Option<Vec<u8>>, BrokerError> {
        inspect::task_message(&mut self.conn(), task).await
    }

    async fn queue_stats(&self, queue: &str) -> Result<QueueStats, BrokerError> {
        inspect::queue_stats(&mut self.conn(), queue).await
    }

    async fn is_completed(&self, task: TaskRef<'_>) -> Result<bool, BrokerError> {
        completion::is_completed(&mut self.conn(), task).await
    }

    async fn record_completion(&self, task: TaskRef<'_>, ttl: Duration) -> Result<(), BrokerError> {
        completion::record_completion(&mut self.conn(), task, ttl).await
    }

    async fn add_counters(&self, delta: &CounterSnapshot) -> Result<(), BrokerError> {
        counters::add_counters(&mut self.conn(), delta).await
    }

    async fn counters(&self) -> Result<CounterSnapshot, BrokerError> {
        counters::counters(&mut self.conn()).await
    }
}
