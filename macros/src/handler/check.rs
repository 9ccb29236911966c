//! Shape checks on a `#[handler]` function, producing a [`CheckedHandler`].

use syn::{ItemFn, Path, ReturnType, Safety, Type, TypePath};

use super::params::{self, Param, ParamKind};
use crate::errors::Errors;

/// A handler function after the shape checks; the input of code generation.
pub(crate) struct CheckedHandler {
    /// The user's function, emitted unchanged.
    pub(crate) func: ItemFn,
    /// Path of the vetted crate.
    pub(crate) krate: Path,
    /// The parameters, in declaration order, exactly one of them the payload.
    pub(crate) params: Vec<Param>,
    /// The declared return type.
    pub(crate) output: Type,
}

/// Checks the function's signature; every problem goes to `errors`.
pub(crate) fn check(func: ItemFn, krate: Path, errors: &mut Errors) -> Option<CheckedHandler> {
    check_qualifiers(&func, errors);
    check_generics(&func, errors);
    let params = params::classify(&func.sig.inputs, errors);
    let payload = params.iter().find(|param| param.kind == ParamKind::Payload);
    match payload {
        Some(payload) => params::check_owned_payload(&payload.ty, errors),
        None => errors.push(syn::Error::new(
            func.sig.paren_token.span.join(),
            "a handler needs a payload parameter; add `task: Verified<T>` where `T` is a \
             `#[vetted::task]` type",
        )),
    }
    let output = check_output(&func, errors)?;
    Some(CheckedHandler {
        func,
        krate,
        params,
        output,
    })
}

/// The worker awaits the handler on its runtime: it must be a plain `async fn`.
fn check_qualifiers(func: &ItemFn, errors: &mut Errors) {
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        errors.spanned(
            sig.fn_token,
            "handler must be an `async fn`; add `async` before `fn`",
        );
    }
    if let Safety::Unsafe(unsafe_token) = &sig.safety {
        errors.spanned(
            unsafe_token,
            "handler cannot be an `unsafe fn`; remove `unsafe`",
        );
    }
    if let Some(constness) = &sig.constness {
        errors.spanned(constness, "handler cannot be a `const fn`; remove `const`");
    }
    if let Some(abi) = &sig.abi {
        errors.spanned(abi, "handler cannot have an `extern` ABI; remove it");
    }
}

/// One handler runs one task type, so there is nothing to be generic over.
fn check_generics(func: &ItemFn, errors: &mut Errors) {
    let generics = &func.sig.generics;
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        errors.spanned(
            generics,
            "handler cannot be generic; name the concrete task type in `Verified<T>`",
        );
    }
}

/// The return type, which must be spelled as a `Result`; that it is a
/// `Result<(), E: Into<HandlerError>>` is left to a trait bound.
fn check_output(func: &ItemFn, errors: &mut Errors) -> Option<Type> {
    let message = "handler must return `Result<(), E>` where `E: Into<vetted::HandlerError>`";
    match &func.sig.output {
        ReturnType::Type(_, ty) if is_result(ty) => Some((**ty).clone()),
        ReturnType::Type(_, ty) => {
            errors.spanned(ty, format!("{message}; change the return type"));
            None
        }
        ReturnType::Default => {
            let span = func.sig.paren_token.span.close();
            errors.push(syn::Error::new(
                span,
                format!("{message}; add `-> Result<(), E>`"),
            ));
            None
        }
    }
}

fn is_result(ty: &Type) -> bool {
    match ty {
        Type::Path(TypePath {
            qself: None, path, ..
        }) => path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Result"),
        Type::Paren(paren) => is_result(&paren.elem),
        Type::Group(group) => is_result(&group.elem),
        _ => false,
    }
}
