//! Procedural macros of vetted. Use them through the `vetted` crate.

use proc_macro::TokenStream;

/// Defines a task type.
#[proc_macro_attribute]
pub fn task(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Defines a task handler.
#[proc_macro_attribute]
pub fn handler(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Generates a worker `main` with a command-line interface.
#[proc_macro]
pub fn main(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}

/// Derives validation for a struct nested in a task payload.
#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
