//! Field validation: the [`Validate`] trait, the rules behind `#[validate(...)]`, and
//! [`ValidationErrors`], which records rule codes and field paths but never values.

use std::fmt;

mod context;
mod each;
mod impls;
pub mod rules;
#[cfg(test)]
mod tests;

pub use context::RuleContext;
pub use rules::RuleError;

/// A value whose fields can be checked against their rules.
///
/// Implemented for the standard leaf types and collections, by `#[vetted::task]` for task
/// payloads, and by `#[derive(vetted::Validate)]` for structs nested inside them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be validated as part of a vetted task",
    label = "this type has no validation",
    note = "add `#[derive(vetted::Validate)]` to the struct (with `#[serde(deny_unknown_fields)]`)"
)]
pub trait Validate {
    /// Checks `self`, recording each failure under `path`.
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors);
}

/// Where a value sits in the payload, as a chain of segments.
#[derive(Clone, Copy, Debug)]
pub enum FieldPath<'a> {
    /// The value being validated, outside any task.
    Root,
    /// The payload of the task with this type name. A task's generated `Validate` impl
    /// starts its paths here, so that `custom` rules below it can name the task.
    Task(&'static str),
    /// A named field (its serde name) of the parent.
    Field(&'a FieldPath<'a>, &'a str),
    /// An element of a sequence.
    Index(&'a FieldPath<'a>, usize),
    /// A value of a map or a member of a set. Keys are data and set order may be
    /// random, so neither is written into the path: it shows as `[*]`.
    MapValue(&'a FieldPath<'a>),
}

impl FieldPath<'_> {
    /// The type name of the task this path is in, if it is in one.
    pub fn task_name(&self) -> Option<&'static str> {
        match self {
            FieldPath::Root => None,
            FieldPath::Task(name) => Some(name),
            FieldPath::Field(parent, _) | FieldPath::Index(parent, _) => parent.task_name(),
            FieldPath::MapValue(parent) => parent.task_name(),
        }
    }

    /// This path as the root of task `name`'s payload: [`FieldPath::Task`] in place of
    /// [`FieldPath::Root`], any other path unchanged.
    pub fn within_task(&self, name: &'static str) -> Self {
        match self {
            FieldPath::Root => FieldPath::Task(name),
            other => *other,
        }
    }

    /// A child field of this path.
    pub fn field<'b>(&'b self, name: &'b str) -> FieldPath<'b> {
        FieldPath::Field(self, name)
    }

    /// An element of this sequence.
    pub fn index(&self, index: usize) -> FieldPath<'_> {
        FieldPath::Index(self, index)
    }

    /// A value of this map, or a member of this set.
    pub fn map_value(&self) -> FieldPath<'_> {
        FieldPath::MapValue(self)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Root | FieldPath::Task(_) => Ok(()),
            FieldPath::Field(FieldPath::Root | FieldPath::Task(_), name) => f.write_str(name),
            FieldPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            FieldPath::Index(parent, i) => write!(f, "{parent}[{i}]"),
            FieldPath::MapValue(parent) => write!(f, "{parent}[*]"),
        }
    }
}

/// One failed rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field, with serde's field names (`user.emails[2]`).
    pub path: String,
    /// Code of the rule that failed (`email`, `length`, `range`, ...).
    pub code: &'static str,
}

/// Every rule a value failed. Holds no field values, so it is safe to log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidationErrors {
    errors: Vec<FieldError>,
}

impl ValidationErrors {
    /// Records a failure of rule `code` at `path`.
    pub fn add(&mut self, path: &FieldPath<'_>, code: &'static str) {
        self.errors.push(FieldError {
            path: path.to_string(),
            code,
        });
    }

    /// Whether nothing failed.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The failures, in the order they were found.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("validation failed:")?;
        for e in &self.errors {
            write!(f, " {}:{}", e.path, e.code)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Checks every rule of `value`.
pub fn validate<T: Validate + ?Sized>(value: &T) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    value.validate_into(&FieldPath::Root, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
