//! Code generation for `#[task]`: the struct with its serde derives, `impl Task` and
//! `impl Validate`.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

use super::check::{CheckedTask, Options};
use crate::rules;

/// The full expansion of a task that passed every check.
pub(crate) fn expand(task: &CheckedTask) -> TokenStream {
    let item = annotated_struct(task);
    let task_impl = task_impl(task);
    let item_struct = &task.item;
    let validate_impl = rules::validate_impl(
        &item_struct.ident,
        &item_struct.generics,
        &task.fields,
        &task.krate,
        rules::PathRoot::Task,
    );
    let schema_impl = crate::schema::schema_impl(
        &item_struct.ident,
        &item_struct.generics,
        &item_struct.attrs,
        &item_struct.fields,
        &task.fields,
        &task.krate,
    );
    quote! {
        #item
        const _: () = {
            #task_impl
            #validate_impl
            #schema_impl
        };
    }
}

/// What to emit next to errors: the full expansion when its impls still fit the
/// struct, so that code using the task does not fail as well; the bare struct if not.
pub(crate) fn fallback(task: &CheckedTask) -> TokenStream {
    if task.stubs_fit {
        expand(task)
    } else {
        task.item.to_token_stream()
    }
}

/// The struct with `Serialize`, `Deserialize` and strict decoding added.
fn annotated_struct(task: &CheckedTask) -> TokenStream {
    let krate = &task.krate;
    let serde = quote!(#krate::__private::serde);
    let crate_attr = (!task.serde.has_crate).then(|| {
        let path = serde.to_string();
        quote!(#[serde(crate = #path)])
    });
    let deny_attr =
        (!task.serde.deny_unknown_fields).then(|| quote!(#[serde(deny_unknown_fields)]));
    let item = &task.item;
    quote! {
        #[derive(#serde::Serialize, #serde::Deserialize)]
        #crate_attr
        #deny_attr
        #item
    }
}

/// `impl Task`: the type name and the options.
fn task_impl(task: &CheckedTask) -> TokenStream {
    let krate = &task.krate;
    let ident = &task.item.ident;
    let name = &task.name;
    let options = option_fields(&task.options);
    quote! {
        #[automatically_derived]
        impl #krate::Task for #ident {
            const NAME: &'static str = #name;
            const OPTIONS: #krate::TaskOptions = #krate::TaskOptions {
                #(#options,)*
                ..#krate::TaskOptions::DEFAULT
            };
        }
    }
}

/// The `field: value` initializers of the options that were set.
fn option_fields(options: &Options) -> Vec<TokenStream> {
    let duration = |millis: u64| {
        let millis = Literal::u64_unsuffixed(millis);
        quote!(::core::time::Duration::from_millis(#millis))
    };
    let some = |value: TokenStream| quote!(::core::option::Option::Some(#value));
    let number = |value: u64| Literal::u64_unsuffixed(value).into_token_stream();
    let mut fields = Vec::new();
    if let Some(queue) = &options.queue {
        fields.push(quote!(queue: #queue));
    }
    if let Some(retries) = options.max_retry {
        let retries = number(retries.into());
        fields.push(quote!(max_retry: #retries));
    }
    if let Some(millis) = options.timeout_millis {
        let value = some(duration(millis));
        fields.push(quote!(timeout: #value));
    }
    if let Some(millis) = options.retention_millis {
        let value = duration(millis);
        fields.push(quote!(retention: #value));
    }
    if let Some(version) = options.version {
        let version = number(version.into());
        fields.push(quote!(schema_version: #version));
    }
    if let Some(bytes) = options.max_payload_bytes {
        let bytes = number(bytes);
        fields.push(quote!(max_payload_bytes: #bytes));
    }
    if let Some(millis) = options.max_age_millis {
        let value = some(duration(millis));
        fields.push(quote!(max_age: #value));
    }
    if options.one_time {
        fields.push(quote!(one_time: true));
    }
    fields
}
