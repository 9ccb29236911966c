//! Sorting a handler's parameters into payload, context and state.
//!
//! The sorting reads only the last path segment (`TaskContext`, `State<_>`); whether a
//! parameter really is `Verified<T>`, `vetted::TaskContext` or `vetted::State<S>` is
//! then proven by trait bounds in the generated code, at the user's type.

use syn::{FnArg, GenericArgument, PathArguments, Type, TypePath};

use crate::errors::Errors;

/// What a parameter gives the handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamKind {
    /// The task payload, `Verified<T>`.
    Payload,
    /// The task context, `TaskContext`.
    Context,
    /// Shared state, `State<S>`.
    State,
}

/// One parameter of the handler, in declaration order.
pub(crate) struct Param {
    pub(crate) kind: ParamKind,
    pub(crate) ty: Type,
}

/// Sorts the typed parameters; reports receivers, extra payloads and unknown types.
pub(crate) fn classify<'a>(
    inputs: impl IntoIterator<Item = &'a FnArg>,
    errors: &mut Errors,
) -> Vec<Param> {
    let mut params = Vec::new();
    let mut candidates = Vec::new();
    for input in inputs {
        let ty = match input {
            FnArg::Receiver(receiver) => {
                errors.spanned(
                    receiver.self_token,
                    "a handler cannot take `self`; make it a free function",
                );
                continue;
            }
            FnArg::Typed(typed) => (*typed.ty).clone(),
        };
        let kind = match last_segment(&ty).as_deref() {
            Some("TaskContext") => ParamKind::Context,
            Some("State") => ParamKind::State,
            _ => {
                candidates.push(params.len());
                ParamKind::Payload
            }
        };
        params.push(Param { kind, ty });
    }
    check_contexts(&params, errors);
    let payload = choose_payload(&params, &candidates);
    for index in candidates
        .into_iter()
        .filter(|index| Some(*index) != payload)
    {
        report_extra(&params[index].ty, errors);
    }
    params
        .into_iter()
        .enumerate()
        .filter(|(index, param)| param.kind != ParamKind::Payload || Some(*index) == payload)
        .map(|(_, param)| param)
        .collect()
}

/// The payload among the candidates: the first spelled `Verified`, else the first.
fn choose_payload(params: &[Param], candidates: &[usize]) -> Option<usize> {
    let verified = candidates
        .iter()
        .copied()
        .find(|index| last_segment(&params[*index].ty).as_deref() == Some("Verified"));
    verified.or_else(|| candidates.first().copied())
}

/// A candidate that is not the payload: a second payload, or a type of no known kind.
fn report_extra(ty: &Type, errors: &mut Errors) {
    let message = if last_segment(ty).as_deref() == Some("Verified") {
        "a handler takes exactly one payload parameter; this is a second `Verified<_>`"
    } else {
        "unexpected handler parameter type; a handler takes one `Verified<T>`, \
         at most one `TaskContext` and any number of `State<S>`"
    };
    errors.spanned(ty, message);
}

/// At most one `TaskContext`.
fn check_contexts(params: &[Param], errors: &mut Errors) {
    let contexts = params
        .iter()
        .filter(|param| param.kind == ParamKind::Context);
    for extra in contexts.skip(1) {
        errors.spanned(
            &extra.ty,
            "duplicate `TaskContext` parameter; a handler takes at most one",
        );
    }
}

/// The last path segment of a plain path type.
pub(crate) fn last_segment(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(TypePath {
            qself: None, path, ..
        }) => path
            .segments
            .last()
            .map(|segment| segment.ident.to_string()),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

/// Reports a borrow or a trait object in the payload type: the worker owns the payload
/// and hands it over whole, so the type can hold no reference and no lifetime, and it
/// decodes the payload into one known shape, which a `dyn Trait` does not have.
pub(crate) fn check_owned_payload(ty: &Type, errors: &mut Errors) {
    match ty {
        Type::Reference(reference) => errors.spanned(
            reference.and_token,
            "a handler's payload cannot be borrowed; take `Verified<T>` by value",
        ),
        Type::Path(path) => {
            let arguments = path.path.segments.iter().map(|segment| &segment.arguments);
            for arguments in arguments {
                if let PathArguments::AngleBracketed(generic) = arguments {
                    generic
                        .args
                        .iter()
                        .for_each(|arg| check_owned_argument(arg, errors));
                }
            }
        }
        Type::Tuple(tuple) => tuple
            .elems
            .iter()
            .for_each(|elem| check_owned_payload(elem, errors)),
        Type::Array(array) => check_owned_payload(&array.elem, errors),
        Type::Slice(slice) => check_owned_payload(&slice.elem, errors),
        Type::Paren(paren) => check_owned_payload(&paren.elem, errors),
        Type::Group(group) => check_owned_payload(&group.elem, errors),
        Type::ImplTrait(impl_trait) => errors.spanned(
            impl_trait.impl_token,
            "a handler's payload cannot be `impl Trait`; name the task type in `Verified<T>`",
        ),
        Type::TraitObject(object) => errors.spanned(
            object,
            "a handler's payload cannot be a trait object, which has no shape to decode; \
             take `Verified<T>` where `T` is a `#[vetted::task]` type",
        ),
        _ => {}
    }
}

fn check_owned_argument(arg: &GenericArgument, errors: &mut Errors) {
    match arg {
        GenericArgument::Lifetime(lifetime) => errors.spanned(
            lifetime,
            "a handler's payload cannot have a lifetime; payloads are owned `'static` values",
        ),
        GenericArgument::Type(ty) => check_owned_payload(ty, errors),
        _ => {}
    }
}
