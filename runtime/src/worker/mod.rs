//! The worker: dequeues tasks, checks them and runs their handlers.
//!
//! Every task goes through the same steps: message size cap, message decode, key
//! consistency, signature (before any parsing), schema version and signed times, strict
//! JSON decode, validation, and only then the handler, which receives a
//! [`Verified<T>`](crate::Verified). A task refused on the way is recorded with a reason
//! code (see [`Reason`](crate::reason::Reason)): in asynq's archive when its signature
//! was verified, in vetted's bounded quarantine store when its sender is unproven (see
//! [`Disposition`](crate::reason::Disposition)).

mod background;
mod builder;
mod check;
mod config;
mod counters;
mod inflight;
mod one_time;
mod outcome;
mod process;
mod quarantine;
mod queues;
mod run;

use std::sync::Arc;
use std::time::SystemTime;

use tokio_util::sync::CancellationToken;

pub use crate::broker::CounterSnapshot;
pub use builder::{BuildError, WorkerBuilder};
pub use config::WorkerConfig;
pub use outcome::{Outcome, Processed};

use crate::broker::{Broker, ServerState};
use crate::handler::StateMap;
use check::Checker;
use counters::Counters;
use inflight::InFlight;
use queues::QueuePlan;

/// A worker, ready to run. Build one with [`Worker::builder`].
pub struct Worker {
    shared: Arc<Shared>,
}

/// What every slot and background job of one worker shares.
pub(crate) struct Shared {
    broker: Arc<dyn Broker>,
    checker: Checker,
    config: WorkerConfig,
    plan: QueuePlan,
    state: Arc<StateMap>,
    inflight: InFlight,
    counters: Counters,
    /// Counts quarantines and alerts when there are too many.
    alarm: quarantine::QuarantineAlarm,
    identity: Identity,
    /// Largest `msg` the worker reads; longer ones are quarantined unread.
    max_message_bytes: usize,
    /// Cancelled when no more tasks may be taken.
    stopping: CancellationToken,
    /// Cancelled when running handlers must give up (shutdown timeout).
    abort: CancellationToken,
    /// Cancelled when the worker has shut down; ends the background jobs.
    finished: CancellationToken,
}

/// Who this worker is in the heartbeat records.
struct Identity {
    host: String,
    pid: u32,
    server_id: String,
    started: SystemTime,
}

impl Shared {
    fn server_state(&self) -> ServerState {
        let status = if self.finished.is_cancelled() {
            "closed"
        } else if self.stopping.is_cancelled() {
            "stopped"
        } else {
            "active"
        };
        ServerState {
            host: self.identity.host.clone(),
            pid: self.identity.pid,
            server_id: self.identity.server_id.clone(),
            concurrency: u32::try_from(self.config.concurrency).unwrap_or(u32::MAX),
            queues: self.plan.queues().to_vec(),
            strict_priority: self.config.strict_priority,
            status,
            started: self.identity.started,
            workers: self.inflight.snapshot(),
        }
    }
}

impl Worker {
    /// Starts building a worker on `broker`.
    pub fn builder(broker: impl Broker) -> WorkerBuilder {
        WorkerBuilder::new(Arc::new(broker))
    }

    /// Counters of refused and verified tasks since the worker was built.
    pub fn counters(&self) -> CounterSnapshot {
        self.shared.counters.snapshot()
    }

    /// The queues this worker serves, with their priorities.
    pub fn queues(&self) -> &[(String, u32)] {
        self.shared.plan.queues()
    }
}
