//! [`RuleContext`]: what a `custom(function = f, use_context)` rule learns besides the
//! value it checks.

use std::fmt;

use super::FieldPath;
use super::rules::{CustomRule, RuleError};

/// Where a `custom` rule runs: the task and the path of the value.
///
/// A rule function declared with `use_context` takes it as a second argument:
///
/// ```
/// use vetted::validate::{RuleContext, RuleError};
///
/// fn not_reserved(name: &str, context: &RuleContext<'_>) -> Result<(), RuleError> {
///     let reserved = context.task_name() == Some("users:create") && name == "admin";
///     if reserved { Err(RuleError::new("reserved")) } else { Ok(()) }
/// }
///
/// #[vetted::task(name = "users:create")]
/// struct CreateUser {
///     #[validate(custom(function = not_reserved, use_context))]
///     login: String,
/// }
/// ```
///
/// The context holds names only, never values, so it is safe to log.
#[derive(Clone, Copy)]
pub struct RuleContext<'a> {
    path: &'a FieldPath<'a>,
}

impl<'a> RuleContext<'a> {
    /// The context of a rule on the value at `path`.
    pub fn new(path: &'a FieldPath<'a>) -> Self {
        Self { path }
    }

    /// The type name of the task being validated; `None` when a value is validated
    /// on its own, outside any task.
    pub fn task_name(&self) -> Option<&'static str> {
        self.path.task_name()
    }

    /// The path of the value, with serde's field names (`lines[2].sku`).
    pub fn path(&self) -> &'a FieldPath<'a> {
        self.path
    }
}

impl fmt::Debug for RuleContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleContext")
            .field("task_name", &self.task_name())
            .field("path", &self.path.to_string())
            .finish()
    }
}

/// Runs a `custom(function = f, use_context)` rule function on `value`.
pub fn check_custom_with_context<T, Arg, F>(
    value: &T,
    context: &RuleContext<'_>,
    function: F,
) -> Result<(), RuleError>
where
    T: CustomRule<Arg> + ?Sized,
    Arg: ?Sized,
    F: FnOnce(&Arg, &RuleContext<'_>) -> Result<(), RuleError>,
{
    value
        .argument()
        .map_or(Ok(()), |argument| function(argument, context))
}
