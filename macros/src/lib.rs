//! Procedural macros of vetted. Use them through the `vetted` crate, which documents
//! them; this crate is an implementation detail with no stable API of its own.
//!
//! Each macro parses its input, checks it (collecting every error), then expands.

mod duration;
mod errors;
mod handler;
mod names;
mod rules;
mod schema;
mod serde_attrs;
mod spans;
mod symbol;
mod task;
#[cfg(test)]
mod tests;
mod validate_derive;
mod worker_main;

use proc_macro::TokenStream;

#[doc = include_str!("../docs/task.md")]
#[doc = include_str!("../docs/rules.md")]
#[proc_macro_attribute]
pub fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    task::expand(args.into(), item.into()).into()
}

#[doc = include_str!("../docs/handler.md")]
#[proc_macro_attribute]
pub fn handler(args: TokenStream, item: TokenStream) -> TokenStream {
    handler::expand(args.into(), item.into()).into()
}

#[doc = include_str!("../docs/main.md")]
#[proc_macro]
pub fn main(input: TokenStream) -> TokenStream {
    worker_main::expand(input.into()).into()
}

#[doc = include_str!("../docs/validate.md")]
#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    validate_derive::expand(input.into()).into()
}
