//! [`SchemaType`] for the standard types a payload is made of: the same set that
//! [`Validate`](crate::validate::Validate) covers, with their serde JSON forms.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use serde_json::{Value, json};

use super::keywords::allow_null;
use super::{Definitions, SchemaType};

/// Implements `SchemaType` for integers, with the bounds of the Rust type: serde
/// refuses a number outside them.
macro_rules! integers {
    ($($ty:ty),* $(,)?) => {
        $(
            impl SchemaType for $ty {
                fn schema(_: &mut Definitions) -> Value {
                    json!({ "type": "integer", "minimum": <$ty>::MIN, "maximum": <$ty>::MAX })
                }
            }
        )*
    };
}

integers!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// Bounds of 128-bit integers do not fit a JSON number without loss, so only the sign
/// of `u128` is stated.
impl SchemaType for i128 {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "integer" })
    }
}

impl SchemaType for u128 {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "integer", "minimum": 0 })
    }
}

/// A JSON number above `f32::MAX` decodes to infinity, which validation refuses.
impl SchemaType for f32 {
    fn schema(_: &mut Definitions) -> Value {
        let max = f64::from(f32::MAX);
        json!({ "type": "number", "minimum": -max, "maximum": max })
    }
}

impl SchemaType for f64 {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "number" })
    }
}

impl SchemaType for bool {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "boolean" })
    }
}

impl SchemaType for char {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "string", "minLength": 1, "maxLength": 1 })
    }
}

impl SchemaType for () {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "null" })
    }
}

impl SchemaType for str {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "string" })
    }
}

impl SchemaType for String {
    fn schema(defs: &mut Definitions) -> Value {
        str::schema(defs)
    }
}

impl SchemaType for Cow<'_, str> {
    fn schema(defs: &mut Definitions) -> Value {
        str::schema(defs)
    }
}

impl<T: SchemaType + ?Sized> SchemaType for Box<T> {
    const NULLABLE: bool = T::NULLABLE;

    fn schema(defs: &mut Definitions) -> Value {
        T::schema(defs)
    }
}

impl<T: SchemaType> SchemaType for Option<T> {
    const NULLABLE: bool = true;

    fn schema(defs: &mut Definitions) -> Value {
        allow_null(T::schema(defs))
    }
}

/// The schema of a JSON array of `T`.
fn array_of<T: SchemaType + ?Sized>(defs: &mut Definitions) -> Value {
    json!({ "type": "array", "items": T::schema(defs) })
}

/// The schema of a JSON object whose values are `V`: maps are written as objects,
/// their keys as strings.
fn object_of<V: SchemaType + ?Sized>(defs: &mut Definitions) -> Value {
    json!({ "type": "object", "additionalProperties": V::schema(defs) })
}

impl<T: SchemaType> SchemaType for [T] {
    fn schema(defs: &mut Definitions) -> Value {
        array_of::<T>(defs)
    }
}

impl<T: SchemaType, const N: usize> SchemaType for [T; N] {
    fn schema(defs: &mut Definitions) -> Value {
        json!({
            "type": "array",
            "items": T::schema(defs),
            "minItems": N,
            "maxItems": N,
        })
    }
}

impl<T: SchemaType> SchemaType for Vec<T> {
    fn schema(defs: &mut Definitions) -> Value {
        array_of::<T>(defs)
    }
}

impl<T: SchemaType> SchemaType for VecDeque<T> {
    fn schema(defs: &mut Definitions) -> Value {
        array_of::<T>(defs)
    }
}

/// Sets are arrays; serde keeps one of repeated members rather than refusing them, so
/// no `uniqueItems` is stated.
impl<T: SchemaType, S> SchemaType for HashSet<T, S> {
    fn schema(defs: &mut Definitions) -> Value {
        array_of::<T>(defs)
    }
}

impl<T: SchemaType> SchemaType for BTreeSet<T> {
    fn schema(defs: &mut Definitions) -> Value {
        array_of::<T>(defs)
    }
}

impl<K, V: SchemaType, S> SchemaType for HashMap<K, V, S> {
    fn schema(defs: &mut Definitions) -> Value {
        object_of::<V>(defs)
    }
}

impl<K, V: SchemaType> SchemaType for BTreeMap<K, V> {
    fn schema(defs: &mut Definitions) -> Value {
        object_of::<V>(defs)
    }
}

/// Implements `SchemaType` for tuples, which serde writes as arrays of fixed length.
macro_rules! tuple {
    ($len:literal; $($name:ident),+) => {
        impl<$($name: SchemaType),+> SchemaType for ($($name,)+) {
            fn schema(defs: &mut Definitions) -> Value {
                json!({
                    "type": "array",
                    "prefixItems": [$($name::schema(defs)),+],
                    "items": false,
                    "minItems": $len,
                })
            }
        }
    };
}

tuple!(1; A);
tuple!(2; A, B);
tuple!(3; A, B, C);
tuple!(4; A, B, C, D);
