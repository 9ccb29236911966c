//! The registry: task types known to a process, each with its typed decode, validation
//! and (on a worker) handler, reachable by asynq type name.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::handler::{Handler, HandlerError, StateKey, TaskContext};
use crate::json;
use crate::reason::{Reason, Rejection};
use crate::task::{Task, TaskOptions};
use crate::validate::validate;
use crate::verified::Verified;

/// Why a payload did not reach its handler, or what the handler returned.
pub(crate) enum RunError {
    /// Refused before the handler.
    Rejected(Rejection),
    /// The handler returned an error.
    Handler(HandlerError),
}

/// Decodes a payload strictly into `T` and validates it.
///
/// [`json::decode`] refuses input that is not UTF-8, a byte order mark, trailing data
/// and nesting of 128 levels or more; the derive that `#[task]` generates refuses
/// unknown and duplicate fields.
pub(crate) fn decode_and_validate<T: Task>(payload: &[u8]) -> Result<T, Rejection> {
    let value: T = json::decode(payload).map_err(|e| {
        Rejection::new(Reason::DecodeError)
            .with_len(payload.len())
            .with_json(e)
    })?;
    validate(&value).map_err(|errors| {
        let mut rejection = Rejection::new(Reason::ValidationError).with_len(payload.len());
        rejection.fields = errors
            .errors()
            .iter()
            .map(|e| (e.path.clone(), e.code))
            .collect();
        rejection
    })?;
    Ok(value)
}

/// The type-erased operations of one task type.
pub(crate) trait ErasedTask: Send + Sync {
    /// The task type's options.
    fn options(&self) -> &'static TaskOptions;

    /// Decodes and validates a payload, returning its canonical JSON.
    fn check_json(&self, payload: &[u8]) -> Result<Vec<u8>, Rejection>;

    /// The state types the handler needs; empty for a task without a handler.
    fn required_state(&self) -> Vec<StateKey>;

    /// The JSON Schema of the payload.
    fn json_schema(&self) -> serde_json::Value;

    /// Decodes, validates and runs the handler.
    fn run(&self, payload: &[u8], ctx: TaskContext) -> BoxFuture<'static, Result<(), RunError>>;
}

/// A task type with its handler.
struct WithHandler<H>(PhantomData<fn() -> H>);

impl<H: Handler> ErasedTask for WithHandler<H> {
    fn options(&self) -> &'static TaskOptions {
        &<H::Task as Task>::OPTIONS
    }

    fn check_json(&self, payload: &[u8]) -> Result<Vec<u8>, Rejection> {
        canonical_json::<H::Task>(payload)
    }

    fn required_state(&self) -> Vec<StateKey> {
        H::required_state()
    }

    fn json_schema(&self) -> serde_json::Value {
        <H::Task as Task>::json_schema()
    }

    fn run(&self, payload: &[u8], ctx: TaskContext) -> BoxFuture<'static, Result<(), RunError>> {
        let checked = decode_and_validate::<H::Task>(payload);
        Box::pin(async move {
            let value = checked.map_err(RunError::Rejected)?;
            H::call(Verified::from_pipeline(value), ctx)
                .await
                .map_err(RunError::Handler)
        })
    }
}

fn canonical_json<T: Task>(payload: &[u8]) -> Result<Vec<u8>, Rejection> {
    let value = decode_and_validate::<T>(payload)?;
    serde_json::to_vec(&value).map_err(|_| Rejection::new(Reason::DecodeError))
}

/// Task types by asynq type name.
#[derive(Clone, Default)]
pub(crate) struct Registry {
    tasks: HashMap<&'static str, Arc<dyn ErasedTask>>,
}

/// Two registrations claim the same task type name.
#[derive(Debug, thiserror::Error)]
#[error("task type `{0}` is registered twice")]
pub struct DuplicateTaskType(pub &'static str);

impl Registry {
    /// Registers a handler and its task type.
    pub(crate) fn add_handler<H: Handler>(&mut self) -> Result<(), DuplicateTaskType> {
        self.insert(
            <H::Task as Task>::NAME,
            Arc::new(WithHandler::<H>(PhantomData)),
        )
    }

    fn insert(
        &mut self,
        name: &'static str,
        entry: Arc<dyn ErasedTask>,
    ) -> Result<(), DuplicateTaskType> {
        if self.tasks.insert(name, entry).is_some() {
            return Err(DuplicateTaskType(name));
        }
        Ok(())
    }

    /// The entry for a type name.
    pub(crate) fn get(&self, name: &str) -> Option<&Arc<dyn ErasedTask>> {
        self.tasks.get(name)
    }

    /// Every registered type name with its entry, sorted by name.
    pub(crate) fn entries(&self) -> Vec<(&'static str, &Arc<dyn ErasedTask>)> {
        let mut all: Vec<_> = self.tasks.iter().map(|(n, e)| (*n, e)).collect();
        all.sort_by_key(|(n, _)| *n);
        all
    }

    /// Largest payload cap over all types.
    pub(crate) fn max_payload_bytes(&self) -> usize {
        self.tasks
            .values()
            .map(|e| e.options().max_payload_bytes)
            .max()
            .unwrap_or(0)
    }
}
