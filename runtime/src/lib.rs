#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

pub mod broker;
#[cfg(feature = "cli")]
pub mod cli;
pub mod client;
pub mod handler;
pub mod names;
pub mod reason;
mod registry;
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

pub use handler::{HandlerError, State, TaskContext};
pub use task::{Task, TaskOptions};
pub use verified::Verified;
pub use vetted_macros::{Validate, handler, main, task};
