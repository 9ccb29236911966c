//! [`Verified<T>`]: proof that a payload passed the whole pipeline.

use std::fmt;
use std::ops::Deref;

use crate::task::Task;
use crate::validate::{ValidationErrors, validate};

/// A task payload that passed every check: signature, strict decode and validation.
///
/// Handlers take `Verified<T>` instead of `T`, so they can only ever see a value that
/// went through the worker pipeline or through [`Verified::check`], which runs the
/// same validation. There is no other way to build one.
pub struct Verified<T> {
    value: T,
}

impl<T: Task> Verified<T> {
    /// Validates `value` with the rules of its `#[task]` definition.
    ///
    /// This is the constructor for tests and for direct calls of a handler; the worker
    /// uses the same rules after it has checked the signature.
    pub fn check(value: T) -> Result<Self, ValidationErrors> {
        validate(&value)?;
        Ok(Self { value })
    }

    /// Wraps a value that the worker pipeline has just validated.
    pub(crate) fn from_pipeline(value: T) -> Self {
        Self { value }
    }

    /// Gives up the proof and returns the payload.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Verified<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> AsRef<T> for Verified<T> {
    fn as_ref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Verified<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Verified").field(&self.value).finish()
    }
}
