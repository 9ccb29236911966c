//! Collects every error of one macro call, so that all of them are reported at once.

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// The errors found so far in one macro input.
///
/// Parsing and checking go on after an error, so a user with three mistakes sees three
/// messages. The collector must be consumed with [`Errors::finish`]: dropping it
/// unchecked is a bug in the macro and panics in debug builds.
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
    finished: bool,
}

impl Errors {
    /// An empty collector.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Records an error spanning the given tokens.
    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records the error of a result and returns its value, if any.
    pub(crate) fn take<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// Whether no error was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.combined.is_none()
    }

    /// Ends collection: `Err` with every error, or `Ok` when there were none.
    pub(crate) fn finish(mut self) -> syn::Result<()> {
        self.finished = true;
        match self.combined.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

impl Drop for Errors {
    fn drop(&mut self) {
        debug_assert!(
            self.finished || std::thread::panicking(),
            "macro errors were collected but never reported"
        );
    }
}

/// The tokens of a macro's output: `output`, plus the errors as `compile_error!`s.
pub(crate) fn with_errors(output: TokenStream, result: syn::Result<()>) -> TokenStream {
    match result {
        Ok(()) => output,
        Err(error) => {
            let errors = error.into_compile_error();
            quote::quote! { #errors #output }
        }
    }
}
