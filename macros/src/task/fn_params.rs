//! Sorting the parameters of a `#[task]` fn into payload fields and handler parameters.
//!
//! A parameter whose type is spelled `TaskContext` or `State<...>` stays a parameter of
//! the handler; every other one becomes a field of the payload struct, taking its
//! attributes along. Whether a kept parameter really is vetted's type is then proven by
//! the handler's trait bounds, at the user's type.

use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{
    Attribute, FnArg, GenericArgument, Ident, Pat, PathArguments, Token, Type, TypePath, Visibility,
};

use crate::errors::Errors;
use crate::handler::last_segment;

/// One payload parameter, which becomes one field.
pub(crate) struct FieldParam {
    /// Its attributes: rules, serde attributes, docs and `cfg`.
    attrs: Vec<Attribute>,
    /// `mut`, kept on the handler's binding.
    mutability: Option<Token![mut]>,
    /// The name, which is the field's name and the binding's.
    ident: Ident,
    ty: Type,
}

/// The parameters of a `#[task]` fn, sorted.
pub(crate) struct SplitParams {
    /// The payload fields, in declaration order.
    pub(crate) fields: Vec<FieldParam>,
    /// The parameters the handler keeps (context, state, and any receiver for the
    /// handler checks to report).
    pub(crate) kept: Vec<FnArg>,
    /// Where among `kept` the payload parameter goes: where the first field was.
    pub(crate) payload_at: usize,
    /// Whether a parameter is a `Verified<T>`: the function was meant for
    /// `#[vetted::handler]`, and no payload struct should be made of it.
    pub(crate) takes_verified: bool,
}

/// Sorts the parameters; reports those that cannot become fields.
pub(crate) fn split(inputs: &Punctuated<FnArg, Token![,]>, errors: &mut Errors) -> SplitParams {
    let mut split = SplitParams {
        fields: Vec::new(),
        kept: Vec::new(),
        payload_at: 0,
        takes_verified: false,
    };
    for input in inputs {
        let typed = match input {
            FnArg::Typed(typed) if !is_handler_param(&typed.ty) => typed,
            FnArg::Typed(typed) => {
                let mut typed = typed.clone();
                check_context_attrs(&mut typed.attrs, errors);
                split.kept.push(FnArg::Typed(typed));
                continue;
            }
            receiver => {
                split.kept.push(receiver.clone());
                continue;
            }
        };
        if split.fields.is_empty() {
            split.payload_at = split.kept.len();
        }
        let ty = (*typed.ty).clone();
        split.takes_verified |= last_segment(&ty).as_deref() == Some("Verified");
        let binding = binding(&typed.pat, errors);
        if let Some((mutability, ident)) = binding.filter(|_| check_field_type(&ty, errors)) {
            split.fields.push(FieldParam {
                attrs: typed.attrs.clone(),
                mutability,
                ident,
                ty,
            });
        }
    }
    split
}

impl FieldParam {
    /// The struct field: `attrs vis ident: ty`, documented if the user did not.
    pub(crate) fn field(&self, vis: &Visibility, fn_name: &Ident) -> TokenStream {
        let FieldParam {
            attrs, ident, ty, ..
        } = self;
        let documented = attrs.iter().any(|attr| attr.path().is_ident("doc"));
        let doc = (!documented).then(|| {
            let doc = format!(" The `{ident}` parameter of `{fn_name}`.");
            quote!(#[doc = #doc])
        });
        quote! {
            #(#attrs)*
            #doc
            #vis #ident: #ty
        }
    }

    /// The handler's binding of the field in the destructuring pattern, under the
    /// field's `cfg` attributes.
    pub(crate) fn binding(&self) -> TokenStream {
        let cfg = self.attrs.iter().filter(|attr| attr.path().is_ident("cfg"));
        let (mutability, ident) = (&self.mutability, &self.ident);
        quote!(#(#cfg)* #mutability #ident)
    }
}

/// `TaskContext` and `State<S>` are the handler's; a bare `State` is some other type.
fn is_handler_param(ty: &Type) -> bool {
    match last_segment(ty).as_deref() {
        Some("TaskContext") => true,
        Some("State") => has_type_argument(ty),
        _ => false,
    }
}

fn has_type_argument(ty: &Type) -> bool {
    match ty {
        Type::Path(TypePath { path, .. }) => path.segments.last().is_some_and(|segment| {
            matches!(&segment.arguments, PathArguments::AngleBracketed(generic)
                if generic.args.iter().any(|arg| matches!(arg, GenericArgument::Type(_))))
        }),
        Type::Group(group) => has_type_argument(&group.elem),
        Type::Paren(paren) => has_type_argument(&paren.elem),
        _ => false,
    }
}

/// Rules and serde attributes describe payload fields; on a context parameter they
/// would be silently ignored, so they are reported and taken off.
fn check_context_attrs(attrs: &mut Vec<Attribute>, errors: &mut Errors) {
    for attr in attrs.iter() {
        for name in ["validate", "serde"] {
            if attr.path().is_ident(name) {
                errors.spanned(
                    attr.path(),
                    format!(
                        "`#[{name}]` has no effect on a `TaskContext` or `State` parameter; \
                         it belongs on a payload parameter"
                    ),
                );
            }
        }
    }
    attrs.retain(|attr| !attr.path().is_ident("validate") && !attr.path().is_ident("serde"));
}

/// The name a parameter binds, which becomes a field name: `name` or `mut name`.
fn binding(pat: &Pat, errors: &mut Errors) -> Option<(Option<Token![mut]>, Ident)> {
    match pat {
        Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => {
            Some((pat.mutability, pat.ident.clone()))
        }
        other => {
            errors.spanned(
                other,
                "a `#[task]` parameter becomes a payload field, so it needs a plain name; \
                 write `name: Type` and destructure in the body",
            );
            None
        }
    }
}

/// Whether `ty` can be the type of a payload field; reports why not.
fn check_field_type(ty: &Type, errors: &mut Errors) -> bool {
    if last_segment(ty).as_deref() == Some("Verified") {
        errors.spanned(
            ty,
            "`#[task]` on a fn builds the payload from its parameters, so it takes no \
             `Verified<T>`; take the fields as parameters, or use `#[vetted::handler]` \
             for a separate task struct",
        );
        return false;
    }
    match find_borrow(ty) {
        Some(borrow) => {
            errors.push(syn::Error::new_spanned(
                borrow,
                "a `#[task]` parameter becomes a field of an owned payload, so it cannot \
                 borrow; take an owned type such as `String` or `Vec<T>`",
            ));
            false
        }
        None => true,
    }
}

/// The first reference, lifetime or `impl Trait` inside a type.
fn find_borrow(ty: &Type) -> Option<TokenStream> {
    match ty {
        Type::Reference(reference) => Some(quote!(#reference)),
        Type::ImplTrait(impl_trait) => Some(quote!(#impl_trait)),
        Type::Path(path) => path.path.segments.iter().find_map(|segment| {
            let PathArguments::AngleBracketed(generic) = &segment.arguments else {
                return None;
            };
            generic.args.iter().find_map(|arg| match arg {
                GenericArgument::Lifetime(lifetime) => Some(quote!(#lifetime)),
                GenericArgument::Type(ty) => find_borrow(ty),
                _ => None,
            })
        }),
        Type::Tuple(tuple) => tuple.elems.iter().find_map(find_borrow),
        Type::Array(array) => find_borrow(&array.elem),
        Type::Slice(slice) => find_borrow(&slice.elem),
        Type::Paren(paren) => find_borrow(&paren.elem),
        Type::Group(group) => find_borrow(&group.elem),
        _ => None,
    }
}
