//! The rules behind `#[validate(...)]`, one trait per rule.
//!
//! The code generated for a rule calls one `check_*` function here. Its trait bound is
//! what makes rustc refuse a rule on a type it does not fit (`email` on a `u32`), and
//! the trait's `on_unimplemented` note says which types the rule takes. Every rule
//! passes on `None`: an absent optional value breaks no rule but `required`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;

use regex::Regex;
use validator::ValidateEmail;

pub use super::context::check_custom_with_context;
pub use super::each::{EachRule, check_each};

/// The failure of a `custom` rule function: a static rule code and nothing else.
///
/// It never carries the value that failed, so validation errors are safe to log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuleError {
    code: &'static str,
}

impl RuleError {
    /// A failure recorded under `code`, such as `"reserved_name"`.
    pub const fn new(code: &'static str) -> Self {
        Self { code }
    }

    /// The rule code recorded in [`ValidationErrors`](super::ValidationErrors).
    pub const fn code(&self) -> &'static str {
        self.code
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule `{}` failed", self.code)
    }
}

impl std::error::Error for RuleError {}

/// Declares the trait of a rule on text, implemented for the text types.
macro_rules! text_rule {
    ($(#[$doc:meta])* $rule:ident, $message:literal, $label:literal, $note:literal) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(message = $message, label = $label, note = $note)]
        pub trait $rule {
            /// The text to check; `None` when an optional value is absent.
            fn text(&self) -> Option<&str>;
        }

        impl $rule for str {
            fn text(&self) -> Option<&str> {
                Some(self)
            }
        }

        impl $rule for String {
            fn text(&self) -> Option<&str> {
                Some(self)
            }
        }

        impl $rule for Cow<'_, str> {
            fn text(&self) -> Option<&str> {
                Some(self)
            }
        }

        impl<T: $rule + ?Sized> $rule for Box<T> {
            fn text(&self) -> Option<&str> {
                (**self).text()
            }
        }

        impl<T: $rule> $rule for Option<T> {
            fn text(&self) -> Option<&str> {
                self.as_ref().and_then($rule::text)
            }
        }
    };
}

text_rule! {
    /// Text that `email` checks: the HTML form syntax of an address, nothing more.
    EmailRule,
    "the `email` rule does not apply to `{Self}`",
    "`email` needs text here",
    "`email` applies to `String`, `str`, `Cow<str>`, and `Option` or `Box` of them"
}

text_rule! {
    /// Text that `url` checks: an absolute URL whose scheme is in the allowed list.
    UrlRule,
    "the `url` rule does not apply to `{Self}`",
    "`url` needs text here",
    "`url` applies to `String`, `str`, `Cow<str>`, and `Option` or `Box` of them"
}

text_rule! {
    /// Text that `contains` checks.
    ContainsRule,
    "the `contains` rule does not apply to `{Self}`",
    "`contains` needs text here",
    "`contains` applies to `String`, `str`, `Cow<str>`, and `Option` or `Box` of them"
}

text_rule! {
    /// Text that `does_not_contain` checks.
    DoesNotContainRule,
    "the `does_not_contain` rule does not apply to `{Self}`",
    "`does_not_contain` needs text here",
    "`does_not_contain` applies to `String`, `str`, `Cow<str>`, and `Option` or `Box` of them"
}

text_rule! {
    /// Text that `non_control_character` checks: no character of category `Cc`.
    NonControlCharacterRule,
    "the `non_control_character` rule does not apply to `{Self}`",
    "`non_control_character` needs text here",
    "`non_control_character` applies to `String`, `str`, `Cow<str>`, and `Option` or `Box` \
     of them"
}

text_rule! {
    /// Text that `regex` checks: the pattern must match somewhere in it.
    RegexRule,
    "the `regex` rule does not apply to `{Self}`",
    "`regex` needs text here",
    "`regex` applies to `String`, `str`, `Cow<str>`, and `Option` or `Box` of them"
}

text_rule! {
    /// Text that `length(..., unit = "chars")` measures in characters.
    CharLengthRule,
    "`length` with `unit = \"chars\"` does not apply to `{Self}`",
    "a length in characters needs text here",
    "`unit` measures `String`, `str`, `Cow<str>`, and `Option` or `Box` of them; for the \
     number of elements of a collection, remove `unit`"
}

text_rule! {
    /// Text that `length(..., unit = "bytes")` measures in UTF-8 bytes.
    ByteLengthRule,
    "`length` with `unit = \"bytes\"` does not apply to `{Self}`",
    "a length in bytes needs text here",
    "`unit` measures `String`, `str`, `Cow<str>`, and `Option` or `Box` of them; for the \
     number of elements of a collection, remove `unit`"
}

/// Whether `value` passes `email`: the HTML form syntax of an address. The rule checks
/// syntax only; it proves neither that the domain exists nor who owns the address.
pub fn check_email<T: EmailRule + ?Sized>(value: &T) -> bool {
    value.text().is_none_or(|text| text.validate_email())
}

/// Whether `value` passes `url`: it parses as an absolute URL and its (lowercase)
/// scheme is one of `schemes`.
pub fn check_url<T: UrlRule + ?Sized>(value: &T, schemes: &[&str]) -> bool {
    let allowed =
        |text: &str| url::Url::parse(text).is_ok_and(|url| schemes.contains(&url.scheme()));
    value.text().is_none_or(allowed)
}

/// Whether `value` passes `contains`: `pattern` occurs in it.
pub fn check_contains<T: ContainsRule + ?Sized>(value: &T, pattern: &str) -> bool {
    value.text().is_none_or(|text| text.contains(pattern))
}

/// Whether `value` passes `does_not_contain`: `pattern` does not occur in it.
pub fn check_does_not_contain<T: DoesNotContainRule + ?Sized>(value: &T, pattern: &str) -> bool {
    value.text().is_none_or(|text| !text.contains(pattern))
}

/// Whether `value` passes `non_control_character`: it has no control character.
pub fn check_non_control_character<T: NonControlCharacterRule + ?Sized>(value: &T) -> bool {
    value
        .text()
        .is_none_or(|text| !text.chars().any(char::is_control))
}

/// Whether `value` passes `regex`: `regex` matches somewhere in it.
pub fn check_regex<T: RegexRule + ?Sized>(value: &T, regex: &Regex) -> bool {
    value.text().is_none_or(|text| regex.is_match(text))
}

/// A value that `length` measures: characters (Unicode scalar values) of text,
/// elements of a collection.
#[diagnostic::on_unimplemented(
    message = "the `length` rule does not apply to `{Self}`",
    label = "`length` needs text or a collection here",
    note = "`length` counts the characters of `String`/`str` and the elements of \
            `Vec`, `VecDeque`, arrays, slices, maps and sets; for numbers use `range(...)`"
)]
pub trait LengthRule {
    /// The length; `None` when an optional value is absent.
    fn length(&self) -> Option<usize>;
}

impl LengthRule for str {
    fn length(&self) -> Option<usize> {
        Some(self.chars().count())
    }
}

impl LengthRule for String {
    fn length(&self) -> Option<usize> {
        self.as_str().length()
    }
}

impl<T: LengthRule + ?Sized> LengthRule for Box<T> {
    fn length(&self) -> Option<usize> {
        (**self).length()
    }
}

impl<T: LengthRule> LengthRule for Option<T> {
    fn length(&self) -> Option<usize> {
        self.as_ref().and_then(LengthRule::length)
    }
}

/// Implements `LengthRule` as the element count of collection types.
macro_rules! length_by_len {
    ($($ty:ty => [$($generics:tt)*]),* $(,)?) => {
        $(
            impl<$($generics)*> LengthRule for $ty {
                fn length(&self) -> Option<usize> {
                    Some(self.len())
                }
            }
        )*
    };
}

length_by_len! {
    [T] => [T],
    Vec<T> => [T],
    VecDeque<T> => [T],
    [T; N] => [T, const N: usize],
    HashMap<K, V, S> => [K, V, S],
    BTreeMap<K, V> => [K, V],
    HashSet<T, S> => [T, S],
    BTreeSet<T> => [T],
}

/// Whether `value` passes `length(min = , max = , equal = )`.
pub fn check_length<T: LengthRule + ?Sized>(
    value: &T,
    min: Option<usize>,
    max: Option<usize>,
    equal: Option<usize>,
) -> bool {
    value
        .length()
        .is_none_or(|len| within(len, min, max, equal))
}

/// Whether text passes `length(..., unit = "chars")`: its count of characters
/// (Unicode scalar values) is within the bounds.
pub fn check_length_chars<T: CharLengthRule + ?Sized>(
    value: &T,
    min: Option<usize>,
    max: Option<usize>,
    equal: Option<usize>,
) -> bool {
    let count = value.text().map(|text| text.chars().count());
    count.is_none_or(|len| within(len, min, max, equal))
}

/// Whether text passes `length(..., unit = "bytes")`: its UTF-8 length is within the
/// bounds.
pub fn check_length_bytes<T: ByteLengthRule + ?Sized>(
    value: &T,
    min: Option<usize>,
    max: Option<usize>,
    equal: Option<usize>,
) -> bool {
    value
        .text()
        .is_none_or(|text| within(text.len(), min, max, equal))
}

/// Whether `len` is within the bounds of a `length` rule.
fn within(len: usize, min: Option<usize>, max: Option<usize>, equal: Option<usize>) -> bool {
    min.is_none_or(|min| len >= min)
        && max.is_none_or(|max| len <= max)
        && equal.is_none_or(|equal| len == equal)
}

/// A number that `range` compares with its bounds.
#[diagnostic::on_unimplemented(
    message = "the `range` rule does not apply to `{Self}`",
    label = "`range` needs a number here",
    note = "`range` applies to integers, `f32` and `f64`, and `Option` or `Box` of them; \
            for the length of text or a collection use `length(...)`"
)]
pub trait RangeRule {
    /// The number type the bounds are written in.
    type Bound: PartialOrd + Copy;

    /// The number; `None` when an optional value is absent.
    fn number(&self) -> Option<Self::Bound>;
}

/// Implements `RangeRule` for primitive number types.
macro_rules! range_numbers {
    ($($ty:ty),* $(,)?) => {
        $(
            impl RangeRule for $ty {
                type Bound = $ty;

                fn number(&self) -> Option<$ty> {
                    Some(*self)
                }
            }
        )*
    };
}

range_numbers!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64
);

impl<T: RangeRule + ?Sized> RangeRule for Box<T> {
    type Bound = T::Bound;

    fn number(&self) -> Option<T::Bound> {
        (**self).number()
    }
}

impl<T: RangeRule> RangeRule for Option<T> {
    type Bound = T::Bound;

    fn number(&self) -> Option<T::Bound> {
        self.as_ref().and_then(RangeRule::number)
    }
}

/// The bounds of one `range(...)` rule; absent bounds are `None`.
#[derive(Clone, Copy, Debug)]
pub struct RangeBounds<B> {
    /// Smallest allowed value.
    pub min: Option<B>,
    /// Largest allowed value.
    pub max: Option<B>,
    /// The value must be greater than this.
    pub exclusive_min: Option<B>,
    /// The value must be less than this.
    pub exclusive_max: Option<B>,
}

/// Whether `value` is within `bounds`. NaN is within no bounds.
pub fn check_range<T, B>(value: &T, bounds: RangeBounds<B>) -> bool
where
    T: RangeRule<Bound = B> + ?Sized,
    B: PartialOrd + Copy,
{
    let Some(number) = value.number() else {
        return true;
    };
    bounds.min.is_none_or(|min| number >= min)
        && bounds.max.is_none_or(|max| number <= max)
        && bounds.exclusive_min.is_none_or(|min| number > min)
        && bounds.exclusive_max.is_none_or(|max| number < max)
}

/// An optional value that `required` checks is present.
#[diagnostic::on_unimplemented(
    message = "the `required` rule does not apply to `{Self}`",
    label = "`required` needs an `Option` here",
    note = "`required` checks that an `Option` is `Some`; other types are always present"
)]
pub trait RequiredRule {
    /// Whether the value is present.
    fn is_present(&self) -> bool;
}

impl<T> RequiredRule for Option<T> {
    fn is_present(&self) -> bool {
        self.is_some()
    }
}

/// Whether `value` passes `required`.
pub fn check_required<T: RequiredRule + ?Sized>(value: &T) -> bool {
    value.is_present()
}

/// A field that `must_match` compares with another field.
#[diagnostic::on_unimplemented(
    message = "the `must_match` rule cannot compare `{Self}` with `{Other}`",
    label = "`must_match` needs two fields of comparable types",
    note = "`must_match(other = \"field\")` compares with `==`; give both fields the same type"
)]
pub trait MustMatchRule<Other: ?Sized> {
    /// Whether both values are equal.
    fn matches(&self, other: &Other) -> bool;
}

impl<T: PartialEq<U> + ?Sized, U: ?Sized> MustMatchRule<U> for T {
    fn matches(&self, other: &U) -> bool {
        self == other
    }
}

/// Whether `value` equals `other`.
pub fn check_must_match<T, U>(value: &T, other: &U) -> bool
where
    T: MustMatchRule<U> + ?Sized,
    U: ?Sized,
{
    value.matches(other)
}

/// A field that a `custom` function takes as `&Arg`.
///
/// A field is passed as itself; an `Option<T>` field is passed as `&T` when present and
/// skipped when absent; a `String` field may also be passed as `&str`.
#[diagnostic::on_unimplemented(
    message = "the `custom` function cannot take `&{Arg}` for a field of type `{Self}`",
    label = "the function's parameter type does not fit this field",
    note = "a `custom` function is a `fn(&T) -> Result<(), vetted::validate::RuleError>` \
            where `T` is the field type, or the type inside an `Option` field"
)]
pub trait CustomRule<Arg: ?Sized> {
    /// The argument for the function; `None` skips the call.
    fn argument(&self) -> Option<&Arg>;
}

impl<T: ?Sized> CustomRule<T> for T {
    fn argument(&self) -> Option<&T> {
        Some(self)
    }
}

impl<T> CustomRule<T> for Option<T> {
    fn argument(&self) -> Option<&T> {
        self.as_ref()
    }
}

impl CustomRule<str> for String {
    fn argument(&self) -> Option<&str> {
        Some(self)
    }
}

impl CustomRule<str> for Option<String> {
    fn argument(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// Runs a `custom` rule function on `value`.
pub fn check_custom<T, Arg, F>(value: &T, function: F) -> Result<(), RuleError>
where
    T: CustomRule<Arg> + ?Sized,
    Arg: ?Sized,
    F: FnOnce(&Arg) -> Result<(), RuleError>,
{
    value.argument().map_or(Ok(()), function)
}
