//! The [`Broker`] implementation: each call takes the lock once and applies one operation.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use super::MemoryBroker;
use super::lifecycle::NewTask;
use super::time::unix_secs;
use crate::broker::{
    Broker, BrokerError, Dequeued, ExpiredLease, QueueStats, ServerState, TaskRef,
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
        self.store().enqueue(task, process_at, self.now())
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
        self.store().done(task, unique_key, self.now())
    }

    async fn mark_complete(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        expires_at: SystemTime,
        unique_key: &str,
    ) -> Result<(), BrokerError> {
        self.store()
            .mark_complete(task, message, expires_at, unique_key, self.now())
    }

    async fn retry(
        &self,
        task: TaskRef<'_>,
        message: &[u8],
        retry_at: SystemTime,
        is_failure: bool,
    ) -> Result<(), BrokerError> {
        self.store()
            .retry(task, message, retry_at, is_failure, self.now())
    }

    async fn archive(&self, task: TaskRef<'_>, message: &[u8]) -> Result<(), BrokerError> {
        self.store().archive(task, message, self.now())
    }

    async fn requeue(&self, task: TaskRef<'_>) -> Result<(), BrokerError> {
        self.store().requeue(task)
    }

    async fn reschedule(&self, task: TaskRef<'_>, at: SystemTime) -> Result<(), BrokerError> {
        self.store().reschedule(task, at)
    }

    async fn quarantine(&self, task: TaskRef<'_>, error_msg: &str) -> Result<(), BrokerError> {
        self.store().quarantine(task, error_msg, self.now())
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
    ) -> Result<Vec<ExpiredLease>, BrokerError> {
        Ok(self.store().expired_leases(queue, cutoff))
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
        self.store().write_server(state, ttl, self.now());
        Ok(())
    }

    async fn clear_server_state(&self, state: &ServerState) -> Result<(), BrokerError> {
        self.store().clear_server(state);
        Ok(())
    }

    async fn task_message(&self, task: TaskRef<'_>) -> Result<Option<Vec<u8>>, BrokerError> {
        let store = self.store();
        let record = store
            .queues
            .get(task.queue)
            .and_then(|queue| queue.tasks.get(task.id));
        Ok(record.map(|record| record.msg.clone()))
    }

    async fn queue_stats(&self, queue: &str) -> Result<QueueStats, BrokerError> {
        let now_secs = unix_secs(self.now());
        let store = self.store();
        let Some(data) = store.queues.get(queue) else {
            return Ok(QueueStats::default());
        };
        let (processed_today, failed_today) = data.counters.today(now_secs);
        Ok(QueueStats {
            pending: data.pending.len(),
            active: data.active.len(),
            scheduled: data.scheduled.len(),
            retry: data.retry.len(),
            archived: data.archived.len(),
            completed: data.completed.len(),
            processed_today,
            failed_today,
        })
    }
}
