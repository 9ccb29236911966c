//! The [`Task`] trait: the whole contract of one task type.

use std::time::Duration;

use serde::{Serialize, de::DeserializeOwned};

use crate::schema::SchemaType;
use crate::validate::Validate;

/// A task type: its payload shape, its asynq type name and its default options.
///
/// Implemented by `#[vetted::task]`; do not implement it by hand. The payload is the
/// JSON form of `Self`, signed by the producer and checked by the worker before any
/// parsing.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a vetted task",
    label = "not a `#[vetted::task]` type",
    note = "put `#[vetted::task]` on the payload struct, or on an async fn to generate one"
)]
pub trait Task:
    Serialize + DeserializeOwned + Validate + SchemaType + Send + Sync + 'static
{
    /// The asynq task type name carried on the wire.
    const NAME: &'static str;
    /// Default enqueue and processing options, set in `#[task(...)]`.
    const OPTIONS: TaskOptions;

    /// The JSON Schema (draft 2020-12) of the payload, with the rules as keywords; see
    /// [`crate::schema`] for what it states.
    fn json_schema() -> serde_json::Value {
        crate::schema::task_schema::<Self>()
    }
}

/// Options declared on a task type with `#[task(...)]`.
///
/// Producers may override the queue, retry count, timeout and retention per enqueue;
/// the payload cap, schema version and maximum age are properties of the type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskOptions {
    /// Queue the task goes to unless the producer names another.
    pub queue: &'static str,
    /// Maximum number of retries (asynq's `retry`).
    pub max_retry: u32,
    /// Per-attempt timeout; with neither timeout nor deadline asynq uses 30 minutes.
    pub timeout: Option<Duration>,
    /// How long a completed task is kept in the `completed` set; zero deletes it at once.
    pub retention: Duration,
    /// Version of the payload schema, signed into every task.
    pub schema_version: u32,
    /// Largest payload, in bytes, that the worker will verify and parse.
    pub max_payload_bytes: usize,
    /// Signed lifetime of a task: the worker rejects it once this has passed since
    /// it became due. `None` signs no expiry.
    pub max_age: Option<Duration>,
    /// One-time mode: on success the worker records a completion marker for the task
    /// id that lasts until the signed expiry, and a later delivery of the same id is
    /// acknowledged without running (reason `replayed`). A retry of a task that has not
    /// completed still runs. `#[task(one_time)]` requires `max_age`.
    pub one_time: bool,
}

impl TaskOptions {
    /// The defaults: queue `default`, 25 retries, no timeout (asynq's 30 minutes),
    /// no retention, schema version 1, a 64 KiB payload cap, no expiry and no one-time
    /// mode.
    pub const DEFAULT: Self = Self {
        queue: "default",
        max_retry: 25,
        timeout: None,
        retention: Duration::ZERO,
        schema_version: 1,
        max_payload_bytes: 64 * 1024,
        max_age: None,
        one_time: false,
    };
}

impl Default for TaskOptions {
    fn default() -> Self {
        Self::DEFAULT
    }
}
