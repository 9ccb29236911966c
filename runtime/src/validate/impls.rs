//! [`Validate`] for the standard types a payload is made of.
//!
//! Leaves have no rules of their own except floats, which must be finite. Containers
//! validate each element under its own path: an index for sequences and tuples, `[*]`
//! for map values and set members (keys are data and never enter a path).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use super::{FieldPath, Validate, ValidationErrors};

/// Implements `Validate` as "nothing to check" for leaf types.
macro_rules! always_valid {
    ($($ty:ty),* $(,)?) => {
        $(
            impl Validate for $ty {
                fn validate_into(&self, _: &FieldPath<'_>, _: &mut ValidationErrors) {}
            }
        )*
    };
}

always_valid!(bool, char, String, str, ());
always_valid!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

/// Implements `Validate` for floats: NaN and the infinities fail with code `finite`.
macro_rules! finite_float {
    ($($ty:ty),*) => {
        $(
            impl Validate for $ty {
                fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
                    if !self.is_finite() {
                        errors.add(path, "finite");
                    }
                }
            }
        )*
    };
}

finite_float!(f32, f64);

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        (**self).validate_into(path, errors);
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        if let Some(value) = self {
            value.validate_into(path, errors);
        }
    }
}

/// Validates each element of a sequence under its index.
fn validate_sequence<'a, T, I>(items: I, path: &FieldPath<'_>, errors: &mut ValidationErrors)
where
    T: Validate + 'a,
    I: IntoIterator<Item = &'a T>,
{
    for (index, item) in items.into_iter().enumerate() {
        item.validate_into(&path.index(index), errors);
    }
}

/// Validates each item of a map or set under `[*]`.
fn validate_members<'a, T, I>(items: I, path: &FieldPath<'_>, errors: &mut ValidationErrors)
where
    T: Validate + 'a,
    I: IntoIterator<Item = &'a T>,
{
    let member = path.map_value();
    for item in items {
        item.validate_into(&member, errors);
    }
}

impl<T: Validate> Validate for [T] {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        validate_sequence(self, path, errors);
    }
}

impl<T: Validate, const N: usize> Validate for [T; N] {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        validate_sequence(self, path, errors);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        validate_sequence(self, path, errors);
    }
}

impl<T: Validate> Validate for VecDeque<T> {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        validate_sequence(self, path, errors);
    }
}

impl<K, V: Validate, S> Validate for HashMap<K, V, S> {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        validate_members(self.values(), path, errors);
    }
}

impl<K, V: Validate> Validate for BTreeMap<K, V> {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        validate_members(self.values(), path, errors);
    }
}

impl<T: Validate, S> Validate for HashSet<T, S> {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        validate_members(self, path, errors);
    }
}

impl<T: Validate> Validate for BTreeSet<T> {
    fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        validate_members(self, path, errors);
    }
}

/// Implements `Validate` for tuples, which serde writes as JSON arrays.
macro_rules! tuple {
    ($($name:ident: $index:tt),+) => {
        impl<$($name: Validate),+> Validate for ($($name,)+) {
            fn validate_into(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
                $(self.$index.validate_into(&path.index($index), errors);)+
            }
        }
    };
}

tuple!(A: 0);
tuple!(A: 0, B: 1);
tuple!(A: 0, B: 1, C: 2);
tuple!(A: 0, B: 1, C: 2, D: 3);
