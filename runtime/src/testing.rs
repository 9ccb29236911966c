//! Helpers for users' tests: run a handler on a value exactly as a worker would.

use std::sync::Arc;

use crate::broker::BrokerError;
use crate::broker::memory::MemoryBroker;
use crate::client::{Client, EnqueueError};
use crate::handler::{Handler, StateMap};
use crate::signing::KeyRing;
use crate::worker::{BuildError, Outcome, Worker};

/// A test run could not get as far as the handler's outcome.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestRunError {
    /// The value was refused at enqueue (it broke a validation rule, for instance).
    #[error(transparent)]
    Enqueue(#[from] EnqueueError),
    /// The worker could not be built (missing state, for instance).
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The in-memory broker failed.
    #[error(transparent)]
    Broker(#[from] BrokerError),
    /// The task was enqueued but not found again.
    #[error("the enqueued task was not dequeued")]
    NotDequeued,
}

/// Runs handler `H` on `value` through the whole pipeline: validation, signing with a
/// fresh key, an in-memory broker, signature check, strict decode, validation, handler.
///
/// Returns what the worker would record, such as [`Outcome::Completed`] or
/// [`Outcome::Retried`].
pub async fn run_handler<H: Handler>(value: &H::Task) -> Result<Outcome, TestRunError> {
    run_handler_with::<H>(value, StateMap::default()).await
}

/// Like [`run_handler`], with shared state for handlers that take `State<S>`.
pub async fn run_handler_with<H: Handler>(
    value: &H::Task,
    state: StateMap,
) -> Result<Outcome, TestRunError> {
    let broker = MemoryBroker::new();
    let keyring = Arc::new(KeyRing::ephemeral("test"));
    let client = Client::from_shared(Arc::new(broker.clone()), keyring.clone());
    client.enqueue(value).await?;
    let worker = Worker::builder(broker)
        .handler::<H>()
        .shared_keyring(keyring)
        .state_map(state)
        .build()?;
    let processed = worker
        .process_one()
        .await?
        .ok_or(TestRunError::NotDequeued)?;
    Ok(processed.outcome)
}
