//! Items used by the code that vetted's macros generate. Not a public API.
//!
//! The traits here turn the parameter types of a `#[vetted::handler]` function into
//! trait bounds, so a wrong type is refused by rustc at the user's own token, with the
//! `on_unimplemented` note saying what fits.

use std::future::Future;

pub use futures;
pub use regex;
pub use serde;
pub use serde_json;

use crate::handler::{HandlerError, State, TaskContext};
use crate::task::Task;
use crate::verified::Verified;

/// The payload parameter of a handler: only `Verified<T>` of a task type `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the payload parameter of a handler",
    label = "not `Verified<T>`",
    note = "handlers take `Verified<T>` where `T` is a `#[vetted::task]` type"
)]
pub trait PayloadParam: Sized {
    /// The task type of the payload.
    type Task: Task;

    /// The parameter value for a verified payload.
    fn from_verified(task: Verified<Self::Task>) -> Self;
}

impl<T: Task> PayloadParam for Verified<T> {
    type Task = T;

    fn from_verified(task: Verified<T>) -> Self {
        task
    }
}

/// The context parameter of a handler: only `vetted::TaskContext`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the context parameter of a handler",
    label = "not `vetted::TaskContext`",
    note = "a handler parameter named `TaskContext` must be `vetted::TaskContext`"
)]
pub trait ContextParam: Sized {
    /// The parameter value for the task's context.
    fn from_context(ctx: &TaskContext) -> Self;
}

impl ContextParam for TaskContext {
    fn from_context(ctx: &TaskContext) -> Self {
        ctx.clone()
    }
}

/// A shared-state parameter of a handler: only `vetted::State<S>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a state parameter of a handler",
    label = "not `vetted::State<S>`",
    note = "a handler parameter named `State<S>` must be `vetted::State<S>`, \
            with `S: Send + Sync + 'static`"
)]
pub trait StateParam: Sized {
    /// The state type registered on the worker.
    type Inner: Send + Sync + 'static;

    /// The parameter value for the registered state.
    fn from_state(state: State<Self::Inner>) -> Self;
}

impl<S: Send + Sync + 'static> StateParam for State<S> {
    type Inner = S;

    fn from_state(state: State<S>) -> Self {
        state
    }
}

/// The return value of a handler: `Result<(), E>` with `E: Into<HandlerError>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the return type of a handler",
    label = "expected `Result<(), E>` where `E: Into<HandlerError>`",
    note = "any `E: std::error::Error + Send + Sync + 'static` converts into \
            `vetted::HandlerError`, and so does `HandlerError` itself"
)]
pub trait HandlerReturn {
    /// The outcome in the worker's error type.
    fn into_handler_result(self) -> Result<(), HandlerError>;
}

impl<E: Into<HandlerError>> HandlerReturn for Result<(), E> {
    fn into_handler_result(self) -> Result<(), HandlerError> {
        self.map_err(Into::into)
    }
}

/// Requires a handler's return type to be a [`HandlerReturn`]; never called.
pub fn require_handler_return<R: HandlerReturn>() {}

/// Requires a handler's future to be `Send`, as the worker runs it on any thread.
pub fn require_send<F: Future + Send>(_future: &F) {}

/// The shared state of type `S`, or an error naming the missing type.
pub fn fetch_state<S: Send + Sync + 'static>(ctx: &TaskContext) -> Result<State<S>, HandlerError> {
    ctx.state::<S>()
        .ok_or_else(|| HandlerError::retry(MissingState(std::any::type_name::<S>())))
}

/// A handler needs a state type that the worker does not have.
#[derive(Debug)]
struct MissingState(&'static str);

impl std::fmt::Display for MissingState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no shared state of type `{}` was registered", self.0)
    }
}

impl std::error::Error for MissingState {}

/// Byte equality of two strings, usable in constants.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
