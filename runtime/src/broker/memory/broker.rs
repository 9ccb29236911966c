//! The [`Broker`] implementation: each call takes the lock once and applies one operation.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use super::MemoryBroker;
use super::lifecycle::NewTask;
use crate::broker::{
    Broker, BrokerError, CounterSnapshot, Dequeued, ExpiredLease, QuarantineLimits, QuarantineList,
    QuarantineNote, QueueStats, ServerState, TaskRef,
};
use crate::wire::TaskMessage;

#[async_trait]
impl Broker for MemoryBroker {
    async fn enqueue(
        &self,
        message: &TaskMessage,
        process_at: Option<SystemTime>,
    ) -> Result<(), BrokerError> {
        let task = NewTask {
            id: &message.id,
            queue: &message.queue,
            msg: message.encode(),
        };
        let now = self.now();
        self.store().enqueue(task, process_at, now)
    }

    async fn dequeue(
        &self,
        queues: &[String],
        lease_until: SystemTime,
        max_message_bytes: usize,
    ) -> Result<Option<Dequeued>, BrokerError> {
        Ok(self.store().dequeue(queues, lease_until, max_message_bytes))
    }

    async fn done(&self, task: TaskRef<'_>, unique_key: &str) -> Result<(), BrokerError> {
        let now = self.now();
        self.store().done(task, unique_key, now)
    }

    async fn mark_complete(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        expires_at: SystemTime,
        unique_key: &str,
    ) -> Result<(), BrokerError> {
        let now = self.now();
        let mut store = self.store();
        store.mark_complete(task, message, expires_at, unique_key, now)
    }

    async fn retry(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        retry_at: SystemTime,
        is_failure: bool,
    ) -> Result<(), BrokerError> {
        let now = self.now();
        self.store().retry(task, message, retry_at, is_failure, now)
    }

    async fn archive(&self, task: TaskRef<'_>, message: &[u8]) -> Result<(), BrokerError> {
        let now = self.now();
        self.store().archive(task, message, now)
    }

    async fn requeue(&self, task: TaskRef<'_>) -> Result<(), BrokerError> {
        self.store().requeue(task)
    }

    async fn reschedule(&self, task: TaskRef<'_>, at: SystemTime) -> Result<(), BrokerError> {
        self.store().reschedule(task, at)
    }

    async fn quarantine(
        &self,
        task: TaskRef<'_>,
        note: &QuarantineNote<'_>,
        limits: &QuarantineLimits,
    ) -> Result<(), BrokerError> {
        let now = self.now();
        self.store().quarantine(task, note, limits, now)
    }

    async fn quarantined(&self, queue: &str, count: usize) -> Result<QuarantineList, BrokerError> {
        Ok(self.store().quarantined(queue, count))
    }

    async fn extend_leases(
        &self,
        queue: &str,
        ids: &[String],
        until: SystemTime,
    ) -> Result<(), BrokerError> {
        self.store().extend_leases(queue, ids, until);
        Ok(())
    }

    async fn forward_due(&self, queue: &str, now: SystemTime) -> Result<usize, BrokerError> {
        Ok(self.store().forward_due(queue, now))
    }

    async fn expired_leases(
        &self,
        queue: &str,
        cutoff: SystemTime,
        max_message_bytes: usize,
    ) -> Result<Vec<ExpiredLease>, BrokerError> {
        let now = self.now();
        Ok(self
            .store()
            .expired_leases(queue, cutoff, max_message_bytes, now))
    }

    async fn delete_expired_completed(
        &self,
        queue: &str,
        now: SystemTime,
    ) -> Result<usize, BrokerError> {
        Ok(self.store().delete_expired_completed(queue, now))
    }

    async fn write_server_state(
        &self,
        state: &ServerState,
        ttl: Duration,
    ) -> Result<(), BrokerError> {
        let now = self.now();
        self.store().write_server(state, ttl, now);
        Ok(())
    }

    async fn clear_server_state(&self, state: &ServerState) -> Result<(), BrokerError> {
        self.store().clear_server(state);
        Ok(())
    }

    async fn task_message(&self, task: TaskRef<'_>) -> Result<Option<Vec<u8>>, BrokerError> {
        Ok(self.store().message(task))
    }

    async fn queue_stats(&self, queue: &str) -> Result<QueueStats, BrokerError> {
        let now = self.now();
        Ok(self.store().queue_stats(queue, now))
    }

    async fn is_completed(&self, task: TaskRef<'_>) -> Result<bool, BrokerError> {
        let now = self.now();
        Ok(self.store().is_completed(task, now))
    }

    async fn record_completion(&self, task: TaskRef<'_>, ttl: Duration) -> Result<(), BrokerError> {
        let now = self.now();
        self.store().record_completion(task, ttl, now);
        Ok(())
    }

    async fn add_counters(&self, delta: &CounterSnapshot) -> Result<(), BrokerError> {
        self.store().counters.add(delta);
        Ok(())
    }

    async fn counters(&self) -> Result<CounterSnapshot, BrokerError> {
        Ok(self.store().counters.clone())
    }
}
