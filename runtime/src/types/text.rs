//! What every text type shares: decoding through its checked constructor, and the
//! plain trait impls, written once as the [`text_type!`] macro.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// The checked constructor a text type decodes through.
pub(crate) trait FromText: Sized {
    /// What the type is, for serde's "invalid type: ..., expected ..." message.
    const EXPECTING: &'static str;
    /// Why a text was refused; its `Display` never contains the text.
    type Error: fmt::Display;

    /// Checks `text` and builds the value.
    fn from_text(text: &str) -> Result<Self, Self::Error>;
}

/// A serde visitor that only takes strings and runs them through [`FromText`].
///
/// It checks the borrowed or buffered `&str` that the deserializer hands over, so the
/// value copies at most the type's byte limit; nothing is allocated for refused text.
struct TextVisitor<T>(PhantomData<fn() -> T>);

impl<T: FromText> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        T::from_text(text).map_err(E::custom)
    }
}

/// Decodes a string and checks it, for the `Deserialize` impls of the text types.
pub(crate) fn deserialize_text<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: FromText,
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(TextVisitor(PhantomData))
}

/// Implements the traits every text type has, given `impl[generics] Type`, its error
/// type and the serde "expected" text. The type must have `try_new(&str)`, `as_str()`
/// and `into_string()`.
///
/// The impls: `FromText`, `Display` and `AsRef<str>` (the text), `Serialize` (a plain
/// string), `Deserialize` (through `try_new`), `Validate` (nothing left to check),
/// `TryFrom<&str>`, `TryFrom<String>`, `FromStr`, `From<Type> for String`, and
/// comparison with `str`.
macro_rules! text_type {
    (impl[$($generics:tt)*] $ty:ty, $error:ty, $expecting:literal) => {
        impl<$($generics)*> $crate::types::text::FromText for $ty {
            const EXPECTING: &'static str = $expecting;
            type Error = $error;

            fn from_text(text: &str) -> Result<Self, $error> {
                Self::try_new(text)
            }
        }

        impl<$($generics)*> ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<$($generics)*> AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl<$($generics)*> ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de, $($generics)*> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                $crate::types::text::deserialize_text(deserializer)
            }
        }

        impl<$($generics)*> $crate::validate::Validate for $ty {
            fn validate_into(
                &self,
                _: &$crate::validate::FieldPath<'_>,
                _: &mut $crate::validate::ValidationErrors,
            ) {
            }
        }

        impl<$($generics)*> TryFrom<&str> for $ty {
            type Error = $error;

            fn try_from(text: &str) -> Result<Self, $error> {
                Self::try_new(text)
            }
        }

        impl<$($generics)*> TryFrom<String> for $ty {
            type Error = $error;

            fn try_from(text: String) -> Result<Self, $error> {
                Self::try_new(&text)
            }
        }

        impl<$($generics)*> ::std::str::FromStr for $ty {
            type Err = $error;

            fn from_str(text: &str) -> Result<Self, $error> {
                Self::try_new(text)
            }
        }

        impl<$($generics)*> From<$ty> for String {
            fn from(value: $ty) -> String {
                value.into_string()
            }
        }

        impl<$($generics)*> PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl<$($generics)*> PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

pub(crate) use text_type;

/// Implements `Deref<Target = str>` for a text type stored as its `String` field `0`.
macro_rules! deref_str {
    (impl[$($generics:tt)*] $ty:ty) => {
        impl<$($generics)*> ::std::ops::Deref for $ty {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }
    };
}

pub(crate) use deref_str;
