//! `#[vetted::task]`: parse the arguments and the struct, check them, expand.

mod args;
mod check;
mod expand;

use proc_macro2::{Span, TokenStream};
use syn::Item;

use crate::errors::{Errors, with_errors};

/// Expands `#[task(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::new();
    let item_struct = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Struct(item_struct)) => item_struct,
        Ok(other) => {
            errors.push(syn::Error::new(item_span(&other), NOT_A_STRUCT));
            return with_errors(item, errors.finish());
        }
        Err(error) => {
            errors.push(error);
            return with_errors(item, errors.finish());
        }
    };
    let args = args::parse_args(args, &mut errors);
    let task = check::check(args, item_struct, &mut errors);
    let output = if errors.is_empty() {
        expand::expand(&task)
    } else {
        expand::fallback(&task)
    };
    with_errors(output, errors.finish())
}

const NOT_A_STRUCT: &str = "`#[task]` goes on a struct with named fields; \
                            the struct is the task's payload";

/// Where to report that an item is not a struct: its keyword or name.
fn item_span(item: &Item) -> Span {
    match item {
        Item::Enum(item) => item.enum_token.span,
        Item::Fn(item) => item.sig.fn_token.span,
        Item::Union(item) => item.union_token.span,
        Item::Type(item) => item.type_token.span,
        _ => Span::call_site(),
    }
}
