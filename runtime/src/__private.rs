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

/// The pieces of generated `SchemaType` impls.
pub mod schema {
    pub use crate::schema::codegen::*;
}

use crate::handler::{HandlerError, State, StateKey, TaskContext};
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

/// Boxes a handler's future, converting its output with `convert`.
///
/// The `Send` bound is the check that the handler's future may run on any worker
/// thread; generated code calls this at the handler's name, so that is where rustc
/// reports a future that is not `Send`.
pub fn box_handler<F, R>(future: F, convert: fn(R) -> Result<(), HandlerError>) -> HandlerFuture
where
    F: Future<Output = R> + Send + 'static,
    R: 'static,
{
    Box::pin(async move { convert(future.await) })
}

/// The future type of [`Handler::call`](crate::handler::Handler::call).
pub type HandlerFuture = futures::future::BoxFuture<'static, Result<(), HandlerError>>;

/// A future that fails at once, for a handler that cannot start.
pub fn failed(error: HandlerError) -> HandlerFuture {
    Box::pin(std::future::ready(Err(error)))
}

/// How a handler gets one state parameter `P`: its key, and the lookup.
///
/// Generated code reaches both through [`state_access`], one bounded call, so a
/// parameter that is not `vetted::State<S>` is reported once.
pub struct StateAccess<P> {
    /// The key of the state type, for `Handler::required_state`.
    pub key: StateKey,
    /// Looks the state up in a task's context.
    pub fetch: fn(&TaskContext) -> Result<P, HandlerError>,
}

/// The [`StateAccess`] of state parameter `P`.
pub fn state_access<P, S>() -> StateAccess<P>
where
    P: StateParam<Inner = S>,
    S: Send + Sync + 'static,
{
    StateAccess {
        key: StateKey::of::<S>(),
        fetch: state_param::<P, S>,
    }
}

/// The state parameter `P`, or an error naming the state type the worker lacks.
fn state_param<P, S>(ctx: &TaskContext) -> Result<P, HandlerError>
where
    P: StateParam<Inner = S>,
    S: Send + Sync + 'static,
{
    let missing = || HandlerError::retry(MissingState(std::any::type_name::<S>()));
    ctx.state::<S>().map(P::from_state).ok_or_else(missing)
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

/// The payload parameter `P` for a verified payload of its task type.
pub fn payload_param<P, T>(task: Verified<T>) -> P
where
    P: PayloadParam<Task = T>,
{
    P::from_verified(task)
}
