#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

pub mod broker;
#[cfg(feature = "cli")]
pub mod cli;
pub mod client;
pub mod handler;
pub mod json;
pub mod names;
pub mod reason;
mod registry;
pub mod schema;
pub mod signing;
pub mod task;
pub mod testing;
mod time;
pub mod types;
pub mod validate;
mod verified;
pub mod wire;
pub mod worker;

#[doc(hidden)]
pub mod __private;

/// The documentation of the macros, compiled here: its examples use this crate, which
/// the macro crate cannot depend on.
#[cfg(doctest)]
mod macro_docs {
    #[doc = include_str!("../../macros/docs/task.md")]
    #[doc = include_str!("../../macros/docs/rules.md")]
    struct Task;
    #[doc = include_str!("../../macros/docs/handler.md")]
    struct Handler;
    #[doc = include_str!("../../macros/docs/main.md")]
    struct Main;
    #[doc = include_str!("../../macros/docs/validate.md")]
    struct Validate;
}

pub use handler::{HandlerError, State, TaskContext};
pub use task::{Task, TaskOptions};
pub use verified::Verified;
pub use vetted_macros::{Validate, handler, main, task};
