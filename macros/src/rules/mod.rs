//! Field validation shared by `#[task]` and `#[derive(Validate)]`: reading the fields
//! and their `#[validate(...)]` rules, checking them, and generating `Validate`.

mod check;
mod expand;
mod parse;

pub(crate) use check::{CheckedFields, check_fields};
pub(crate) use expand::validate_impl;
pub(crate) use parse::read_fields;

use proc_macro2::Span;
use syn::{Attribute, Expr, Ident, LitStr, Path, Type};

/// One field as validation sees it.
pub(crate) struct FieldModel {
    /// The Rust name, used to read the field.
    pub(crate) ident: Ident,
    /// The declared type, where a missing `Validate` impl is reported.
    pub(crate) ty: Type,
    /// The name serde reads and writes, used in error paths.
    pub(crate) serde_name: String,
    /// The rules from `#[validate(...)]`, in the order written.
    pub(crate) rules: Vec<Rule>,
    /// Where `#[serde(flatten)]` is written, if it is.
    pub(crate) flatten: Option<Span>,
    /// The field's `#[cfg(...)]` attributes, repeated on its checks so that a field
    /// configured away takes its checks with it.
    pub(crate) cfg: Vec<Attribute>,
}

/// Whose payload a `Validate` impl checks, which decides the root of its paths.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathRoot {
    /// A task's: paths start at `FieldPath::Task`, so `custom` rules can name the task.
    Task,
    /// A nested struct's: paths continue from the caller's.
    Caller,
}

/// One rule of a field.
pub(crate) struct Rule {
    /// The rule's name as written; errors about the rule point here.
    pub(crate) keyword: Ident,
    /// The code recorded on failure, when `code = "..."` overrides the default.
    pub(crate) code: Option<LitStr>,
    /// What the rule checks.
    pub(crate) kind: RuleKind,
}

/// What a rule checks, with its arguments.
pub(crate) enum RuleKind {
    Email,
    Url {
        schemes: Vec<String>,
    },
    /// `length(...)` without `unit`: characters of text, elements of collections.
    Length(Bounds),
    /// `length(..., unit = "...")`: text only, in the given unit.
    TextLength {
        bounds: Bounds,
        unit: LengthUnit,
    },
    Range(Bounds),
    Regex {
        regex: Expr,
    },
    Contains {
        pattern: LitStr,
    },
    DoesNotContain {
        pattern: LitStr,
    },
    MustMatch {
        other: LitStr,
    },
    Custom {
        function: Path,
        /// Whether the function takes a `&RuleContext` after the value.
        use_context: bool,
    },
    Required,
    NonControlCharacter,
    Nested,
    /// `each(...)`: the rules applied to every element.
    Each(Vec<Rule>),
}

/// What `length(..., unit = "...")` counts in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LengthUnit {
    /// Unicode scalar values.
    Chars,
    /// UTF-8 bytes.
    Bytes,
}

/// The bound expressions of `length(...)` or `range(...)`, by argument name.
#[derive(Default)]
pub(crate) struct Bounds {
    pub(crate) args: Vec<(Ident, Expr)>,
}

impl Bounds {
    /// The expression given for `name`, if any.
    pub(crate) fn get(&self, name: &str) -> Option<&Expr> {
        self.args
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }
}
