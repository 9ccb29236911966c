//! Procedural macros of vetted. Use them through the `vetted` crate, which documents
//! them; this crate is an implementation detail with no stable API of its own.
//!
//! Each macro parses its input, checks it (collecting every error), then expands.

mod duration;
mod errors;
mod handler;
mod names;
mod rules;
mod serde_attrs;
mod spans;
mod symbol;
mod task;
mod validate_derive;
mod worker_main;

use proc_macro::TokenStream;

/// Defines a task type on a struct with named fields.
#[proc_macro_attribute]
pub fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    task::expand(args.into(), item.into()).into()
}

/// Defines a task handler on an `async fn`.
#[proc_macro_attribute]
pub fn handler(args: TokenStream, item: TokenStream) -> TokenStream {
    handler::expand(args.into(), item.into()).into()
}

/// Generates a worker `main` with a command-line interface.
#[proc_macro]
pub fn main(input: TokenStream) -> TokenStream {
    worker_main::expand(input.into()).into()
}

/// Derives validation for a struct nested in a task payload.
#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    validate_derive::expand(input.into()).into()
}
