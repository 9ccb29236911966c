//! `#[vetted::handler]`: check an async fn's signature, then generate its `Handler`.

mod check;
mod expand;
mod params;

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprPath, ItemFn, Meta, Path, Token, parse_quote};

use crate::errors::{Errors, with_errors};

pub(crate) use expand::fallback;
pub(crate) use params::last_segment;

/// Expands `#[handler(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::new();
    let krate = crate_path(args, &mut errors);
    let Some(func) = errors.take(syn::parse2::<ItemFn>(item.clone())) else {
        return with_errors(item, errors.finish());
    };
    let output = expand_fn(func, krate, &mut errors);
    with_errors(output, errors.finish())
}

/// Checks `func` as a handler and generates its `Handler`; with errors, the function
/// and its name only. `errors` must hold no earlier error.
pub(crate) fn expand_fn(func: ItemFn, krate: Path, errors: &mut Errors) -> TokenStream {
    match check::check(func.clone(), krate, errors) {
        Some(handler) if errors.is_empty() => expand::expand(&handler),
        _ => expand::fallback(&func),
    }
}

/// The crate path from `#[handler(crate = path)]`, or `::vetted`.
fn crate_path(args: TokenStream, errors: &mut Errors) -> Path {
    let parser = Punctuated::<Meta, Token![,]>::parse_terminated;
    let mut krate = None;
    for meta in errors.take(parser.parse2(args)).into_iter().flatten() {
        match &meta {
            Meta::NameValue(pair) if pair.path.is_ident("crate") => match &pair.value {
                Expr::Path(ExprPath {
                    path, qself: None, ..
                }) => krate = Some(path.clone()),
                other => errors.spanned(other, "`crate` expects a path such as `::vetted`"),
            },
            other => errors.spanned(
                other,
                "unknown `#[handler]` argument; the only argument is `crate = path`",
            ),
        }
    }
    krate.unwrap_or_else(|| parse_quote!(::vetted))
}
