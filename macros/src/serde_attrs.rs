//! What the struct's `#[serde(...)]` and `#[derive(...)]` attributes say, as far as
//! validation cares: serde's field names, `flatten`, `deny_unknown_fields`, and which
//! traits the user already derives.
//!
//! Malformed serde attributes are left for serde itself to report.

use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Attribute, LitStr, Path, Token};

use crate::names::RenameRule;

/// The container-level serde attributes that matter here.
#[derive(Default)]
pub(crate) struct SerdeContainer {
    /// The `rename_all` rule for deserialized field names.
    pub(crate) rename_all: Option<RenameRule>,
    /// Whether `#[serde(deny_unknown_fields)]` is present.
    pub(crate) deny_unknown_fields: bool,
    /// Whether `#[serde(crate = "...")]` is present.
    pub(crate) has_crate: bool,
}

/// The field-level serde attributes that matter here.
#[derive(Default)]
pub(crate) struct SerdeField {
    /// The deserialized name given with `rename`.
    pub(crate) rename: Option<String>,
    /// Where `flatten` is written, if it is.
    pub(crate) flatten: Option<Span>,
}

/// Reads the serde attributes of a struct.
pub(crate) fn container(attrs: &[Attribute]) -> SerdeContainer {
    let mut found = SerdeContainer::default();
    for attr in serde_attrs(attrs) {
        let _left_to_serde = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let name = deserialize_name(&meta)?;
                found.rename_all = name.and_then(|name| RenameRule::from_serde_name(&name));
            } else if meta.path.is_ident("deny_unknown_fields") {
                found.deny_unknown_fields = true;
            } else if meta.path.is_ident("crate") {
                found.has_crate = true;
                skip_value(&meta)?;
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    found
}

/// Reads the serde attributes of a field.
pub(crate) fn field(attrs: &[Attribute]) -> SerdeField {
    let mut found = SerdeField::default();
    for attr in serde_attrs(attrs) {
        let _left_to_serde = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                found.rename = deserialize_name(&meta)?;
            } else if meta.path.is_ident("flatten") {
                found.flatten = Some(meta.path.segments[0].ident.span());
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    found
}

/// The trait paths listed in the item's `#[derive(...)]` attributes.
pub(crate) fn derived_traits(attrs: &[Attribute]) -> Vec<Path> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// Whether a derive path names the trait `name` (by its last segment).
pub(crate) fn names_trait(path: &Path, name: &str) -> bool {
    path.segments
        .last()
        .is_some_and(|segment| segment.ident == name)
}

fn serde_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("serde"))
}

/// The deserialize side of `key = "x"` or `key(serialize = "a", deserialize = "b")`.
fn deserialize_name(meta: &ParseNestedMeta) -> syn::Result<Option<String>> {
    if meta.input.peek(Token![=]) {
        let name: LitStr = meta.value()?.parse()?;
        return Ok(Some(name.value()));
    }
    let mut name = None;
    meta.parse_nested_meta(|inner| {
        let value: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("deserialize") {
            name = Some(value.value());
        }
        Ok(())
    })?;
    Ok(name)
}

/// Steps over the value of a key this module does not read.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<TokenTree>()?;
    }
    Ok(())
}
