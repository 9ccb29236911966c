//! `#[derive(vetted::Validate)]` for structs nested inside task payloads.

use proc_macro2::TokenStream;
use syn::{Attribute, Data, DeriveInput, Fields, Path, parse_quote};

use crate::errors::{Errors, with_errors};
use crate::rules;
use crate::schema;
use crate::serde_attrs;

/// Expands the derive on `input`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let mut errors = Errors::new();
    let Some(input) = errors.take(syn::parse2::<DeriveInput>(input)) else {
        return with_errors(TokenStream::new(), errors.finish());
    };
    let krate = crate_path(&input.attrs, &mut errors);
    let Some(named) = named_fields(&input, &mut errors) else {
        return with_errors(TokenStream::new(), errors.finish());
    };
    let serde = serde_attrs::container(&input.attrs);
    if !serde.deny_unknown_fields {
        errors.spanned(
            &input.ident,
            "`#[derive(Validate)]` requires `#[serde(deny_unknown_fields)]` on the struct; \
             add it so that unknown fields are rejected on decode",
        );
    }
    let fields = rules::read_fields(&named.named, &serde, &mut errors);
    let fields = rules::check_fields(fields, &mut errors);
    let root = rules::PathRoot::Caller;
    let mut output = rules::validate_impl(&input.ident, &input.generics, &fields, &krate, root);
    let (ident, generics, attrs) = (&input.ident, &input.generics, &input.attrs);
    output.extend(schema::schema_impl(
        ident,
        generics,
        attrs,
        &named.named,
        &fields,
        &krate,
    ));
    with_errors(output, errors.finish())
}

/// The struct's named fields; other shapes are refused.
fn named_fields<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<&'a syn::FieldsNamed> {
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => return Some(fields),
            _ => errors.spanned(&input.ident, NAMED_ONLY),
        },
        _ => errors.spanned(&input.ident, NAMED_ONLY),
    }
    None
}

const NAMED_ONLY: &str = "`#[derive(Validate)]` supports structs with named fields; \
                          implement `vetted::validate::Validate` by hand for other types";

/// The crate path from `#[validate(crate = path)]`, or `::vetted`.
fn crate_path(attrs: &[Attribute], errors: &mut Errors) -> Path {
    let mut krate = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("validate")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                krate = Some(meta.value()?.parse::<Path>()?);
                Ok(())
            } else {
                Err(meta.error("unknown struct-level `validate` argument; expected `crate = path`"))
            }
        });
        errors.take(result);
    }
    krate.unwrap_or_else(|| parse_quote!(::vetted))
}
