//! The `each(...)` rule: other rules applied to every element of a collection.
//!
//! Elements of sequences are checked under their index (`tags[3]`), values of maps and
//! members of sets under `[*]` (keys are data and set order may be random), and the
//! value inside an `Option` under the option's own path.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use super::FieldPath;

/// A value whose elements `each(...)` checks.
#[diagnostic::on_unimplemented(
    message = "the `each` rule does not apply to `{Self}`",
    label = "`each` needs a collection or an `Option` here",
    note = "`each(...)` checks the elements of `Vec`, `VecDeque`, arrays, slices and sets, \
            the values of maps, and the value inside an `Option`; put rules for the value \
            itself directly in `#[validate(...)]`"
)]
pub trait EachRule {
    /// The type of one element.
    type Item: ?Sized;

    /// Calls `visit` with every element and its path below `path`.
    fn visit_items(&self, path: &FieldPath<'_>, visit: &mut dyn FnMut(&Self::Item, &FieldPath<'_>));
}

/// Applies `check` to every element of `value`, with the element's path.
pub fn check_each<C, F>(value: &C, path: &FieldPath<'_>, mut check: F)
where
    C: EachRule + ?Sized,
    F: FnMut(&C::Item, &FieldPath<'_>),
{
    value.visit_items(path, &mut check);
}

/// Visits each element of a sequence under its index.
fn visit_sequence<'a, T: 'a>(
    items: impl IntoIterator<Item = &'a T>,
    path: &FieldPath<'_>,
    visit: &mut dyn FnMut(&T, &FieldPath<'_>),
) {
    for (index, item) in items.into_iter().enumerate() {
        visit(item, &path.index(index));
    }
}

/// Visits each value of a map or member of a set under `[*]`.
fn visit_members<'a, T: 'a>(
    items: impl IntoIterator<Item = &'a T>,
    path: &FieldPath<'_>,
    visit: &mut dyn FnMut(&T, &FieldPath<'_>),
) {
    let member = path.map_value();
    for item in items {
        visit(item, &member);
    }
}

/// Implements `EachRule` for collection types through one of the visitors above.
macro_rules! each_by {
    ($visitor:ident: $($ty:ty => $item:ident, [$($generics:tt)*], $items:ident;)*) => {
        $(
            impl<$($generics)*> EachRule for $ty {
                type Item = $item;

                fn visit_items(
                    &self,
                    path: &FieldPath<'_>,
                    visit: &mut dyn FnMut(&$item, &FieldPath<'_>),
                ) {
                    $visitor(self.$items(), path, visit);
                }
            }
        )*
    };
}

each_by! { visit_sequence:
    [T] => T, [T], iter;
    [T; N] => T, [T, const N: usize], iter;
    Vec<T> => T, [T], iter;
    VecDeque<T> => T, [T], iter;
}

each_by! { visit_members:
    HashMap<K, V, S> => V, [K, V, S], values;
    BTreeMap<K, V> => V, [K, V], values;
    HashSet<T, S> => T, [T, S], iter;
    BTreeSet<T> => T, [T], iter;
}

impl<T> EachRule for Option<T> {
    type Item = T;

    fn visit_items(&self, path: &FieldPath<'_>, visit: &mut dyn FnMut(&T, &FieldPath<'_>)) {
        if let Some(value) = self {
            visit(value, path);
        }
    }
}

impl<C: EachRule + ?Sized> EachRule for Box<C> {
    type Item = C::Item;

    fn visit_items(&self, path: &FieldPath<'_>, visit: &mut dyn FnMut(&C::Item, &FieldPath<'_>)) {
        (**self).visit_items(path, visit);
    }
}
