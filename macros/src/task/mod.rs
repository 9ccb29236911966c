//! `#[vetted::task]`: parse the arguments and the item (a struct, or an `async fn`
//! whose parameters make the struct), check them, expand.

mod args;
mod check;
mod expand;
mod fn_params;
mod func;

use proc_macro2::{Span, TokenStream};
use syn::{Item, ItemStruct};

use crate::errors::{Errors, with_errors};

/// Expands `#[task(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::new();
    let output = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Struct(item_struct)) => {
            let args = args::parse_args(args, &mut errors);
            expand_struct(args, item_struct, &mut errors)
        }
        Ok(Item::Fn(func)) => {
            let args = args::parse_args(args, &mut errors);
            func::expand(args, func, &mut errors)
        }
        Ok(other) => {
            errors.push(syn::Error::new(item_span(&other), NOT_A_TASK));
            item
        }
        Err(error) => {
            errors.push(error);
            item
        }
    };
    with_errors(output, errors.finish())
}

/// The struct form: the struct is the payload.
fn expand_struct(args: args::TaskArgs, item: ItemStruct, errors: &mut Errors) -> TokenStream {
    if let Some(name) = &args.struct_name {
        errors.push(syn::Error::new(
            name.span,
            "`struct` names the payload struct that `#[task]` generates from an `async fn`; \
             on a struct, rename the struct itself",
        ));
    }
    let task = check::check(args, item, errors);
    if errors.is_empty() {
        expand::expand(&task)
    } else {
        expand::fallback(&task)
    }
}

const NOT_A_TASK: &str = "`#[task]` goes on a struct with named fields or on an `async fn`; \
                          the struct, or the function's parameters, make the task's payload";

/// Where to report that an item cannot be a task: its keyword or name.
fn item_span(item: &Item) -> Span {
    match item {
        Item::Enum(item) => item.enum_token.span,
        Item::Union(item) => item.union_token.span,
        Item::Type(item) => item.type_token.span,
        _ => Span::call_site(),
    }
}
