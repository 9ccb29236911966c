//! The main loop: take a free slot, dequeue, process; and graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::outcome::Processed;
use super::process::process;
use super::{Shared, Worker, background};
use crate::broker::{BrokerError, Dequeued};

impl Worker {
    /// Runs until `shutdown` completes, then stops taking tasks, waits up to the shutdown
    /// timeout for running ones, and puts the unfinished ones back at the head of `pending`.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let shared = self.shared;
        tracing::info!(
            server_id = %shared.identity.server_id,
            concurrency = shared.config.concurrency,
            queues = ?shared.plan.queues(),
            "worker started"
        );
        let jobs = spawn_background(&shared);
        let stopping = shared.stopping.clone();
        let watch = async move {
            tokio::select! {
                () = shutdown => stopping.cancel(),
                () = stopping.cancelled() => {}
            }
        };
        let ((), tasks) = tokio::join!(watch, take_tasks(&shared));
        drain(&shared, tasks).await;
        shared.finished.cancel();
        for job in jobs {
            let _ = job.await;
        }
        if let Err(e) = background::flush_counters(&shared).await {
            tracing::warn!(error = %e, "counter flush failed");
        }
        if let Err(e) = shared
            .broker
            .clear_server_state(&shared.server_state())
            .await
        {
            tracing::warn!(error = %e, "could not clear heartbeat");
        }
        tracing::info!(server_id = %shared.identity.server_id, "worker stopped");
    }

    /// Runs until SIGINT or SIGTERM.
    pub async fn run_until_signal(self) {
        self.run(shutdown_signal()).await;
    }

    /// Dequeues and processes at most one task, without background jobs. Meant for
    /// tests: `Ok(None)` when every queue is empty.
    pub async fn process_one(&self) -> Result<Option<Processed>, BrokerError> {
        match dequeue(&self.shared).await? {
            Some(dequeued) => process(&self.shared, dequeued).await.map(Some),
            None => Ok(None),
        }
    }

    /// Adds the counts not yet flushed to the broker's shared counters, as every
    /// heartbeat and shutdown do; for tests that call [`Worker::process_one`].
    pub async fn flush_counters(&self) -> Result<(), BrokerError> {
        background::flush_counters(&self.shared).await
    }

    /// Moves due scheduled and retry tasks to `pending` once; for tests.
    pub async fn forward_due(&self) -> Result<usize, BrokerError> {
        let mut moved = 0;
        for queue in self.shared.plan.names() {
            moved += self
                .shared
                .broker
                .forward_due(&queue, SystemTime::now())
                .await?;
        }
        Ok(moved)
    }
}

fn spawn_background(shared: &Arc<Shared>) -> Vec<tokio::task::JoinHandle<()>> {
    vec![
        tokio::spawn(background::extend_leases(shared.clone())),
        tokio::spawn(background::heartbeat(shared.clone())),
        tokio::spawn(background::forward(shared.clone())),
        tokio::spawn(background::recover(shared.clone())),
        tokio::spawn(background::janitor(shared.clone())),
    ]
}

async fn dequeue(shared: &Shared) -> Result<Option<Dequeued>, BrokerError> {
    let lease_until = SystemTime::now() + shared.config.lease_duration;
    shared
        .broker
        .dequeue(&shared.plan.order(), lease_until, shared.max_message_bytes)
        .await
}

/// Takes tasks while slots are free, until the worker is stopping.
async fn take_tasks(shared: &Arc<Shared>) -> JoinSet<()> {
    let slots = Arc::new(Semaphore::new(shared.config.concurrency));
    let mut tasks = JoinSet::new();
    let stopping = &shared.stopping;
    loop {
        while tasks.try_join_next().is_some() {}
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => permit,
            () = stopping.cancelled() => break,
        };
        let Ok(permit) = permit else { break };
        let dequeued = tokio::select! {
            result = dequeue(shared) => result,
            () = stopping.cancelled() => break,
        };
        match dequeued {
            Ok(Some(dequeued)) => {
                let shared = shared.clone();
                tasks.spawn(async move {
                    let _slot = permit;
                    // A failure is logged by `process`; the task stays leased and lease
                    // recovery takes it up again.
                    let _ = process(&shared, dequeued).await;
                });
            }
            Ok(None) => idle(shared).await,
            Err(e) => {
                tracing::warn!(error = %e, "dequeue failed");
                idle(shared).await;
            }
        }
    }
    tasks
}

/// Sleeps as asynq does when there is nothing to do: half the poll interval plus up to
/// one whole interval of jitter.
async fn idle(shared: &Shared) {
    let base = shared.config.poll_interval;
    let jitter = base.mul_f64(fastrand::f64());
    tokio::select! {
        () = tokio::time::sleep(base / 2 + jitter) => {}
        () = shared.stopping.cancelled() => {}
    }
}

/// Waits for running tasks; at the shutdown timeout, aborts them so they are requeued.
async fn drain(shared: &Shared, mut tasks: JoinSet<()>) {
    shared.stopping.cancel();
    tracing::info!(running = tasks.len(), "worker stopping");
    let wait_all = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(shared.config.shutdown_timeout, wait_all)
        .await
        .is_err()
    {
        shared.abort.cancel();
        let grace = Duration::from_secs(5);
        let _ =
            tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
    }
}

/// Completes on SIGINT or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
