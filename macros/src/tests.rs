//! Unit tests of whole expansions, on token streams.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

/// Every identifier in `tokens`, groups included.
fn idents(tokens: TokenStream) -> Vec<String> {
    let mut found = Vec::new();
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => found.push(ident.to_string()),
            TokenTree::Group(group) => found.extend(idents(group.stream())),
            _ => {}
        }
    }
    found
}

/// Asserts that an expansion names the crate only through the override.
fn assert_uses_only_renamed(output: TokenStream) {
    let text = output.to_string();
    assert!(!text.contains("compile_error"), "unexpected errors: {text}");
    let idents = idents(output);
    assert!(
        idents.iter().any(|ident| ident == "renamed"),
        "override unused: {text}"
    );
    assert!(
        !idents.iter().any(|ident| ident == "vetted"),
        "default crate path used: {text}"
    );
}

#[test]
fn task_crate_override_reaches_every_path() {
    let item = quote! {
        struct Signup {
            #[validate(email, length(max = 5), custom(function = check))]
            email: String,
            ratio: f64,
        }
    };
    assert_uses_only_renamed(crate::task::expand(quote!(crate = ::renamed), item));
}

#[test]
fn task_fn_crate_override_reaches_every_path() {
    let item = quote! {
        async fn send(
            #[validate(each(length(max = 3, unit = "bytes")), custom(function = f, use_context))]
            parts: Vec<String>,
            ctx: TaskContext,
            db: State<Db>,
        ) -> Result<(), E> {
            Ok(())
        }
    };
    assert_uses_only_renamed(crate::task::expand(quote!(crate = ::renamed), item));
}

#[test]
fn task_fn_errors_are_all_reported_and_the_function_is_kept() {
    let item = quote! {
        fn send((a, b): (u8, u8), name: &str, #[validate(email)] ctx: TaskContext) -> Result<(), E> {
            Ok(())
        }
    };
    let output = crate::task::expand(TokenStream::new(), item).to_string();
    assert_eq!(output.matches("compile_error").count(), 4, "{output}");
    assert!(output.contains("fn send"), "{output}");
    assert!(output.contains("struct Send"), "{output}");
}

#[test]
fn derive_crate_override_reaches_every_path() {
    let item = quote! {
        #[serde(deny_unknown_fields)]
        #[validate(crate = ::renamed)]
        struct Address {
            #[validate(range(min = 1))]
            number: u32,
        }
    };
    assert_uses_only_renamed(crate::validate_derive::expand(item));
}

#[test]
fn handler_crate_override_reaches_every_path() {
    let item = quote! {
        async fn run(task: Verified<Job>, db: State<Db>, ctx: TaskContext) -> Result<(), E> {
            Ok(())
        }
    };
    assert_uses_only_renamed(crate::handler::expand(quote!(crate = ::renamed), item));
}

#[test]
fn main_crate_override_reaches_every_path() {
    let input = quote!(handlers: [a, b::c], setup: init, crate: ::renamed);
    assert_uses_only_renamed(crate::worker_main::expand(input));
}

#[test]
fn handler_errors_are_all_reported_and_the_function_is_kept() {
    let item = quote! {
        unsafe fn run<T>(&self, a: Verified<A>, b: Verified<B>) -> u32 { 0 }
    };
    let output = crate::handler::expand(TokenStream::new(), item).to_string();
    assert_eq!(output.matches("compile_error").count(), 6, "{output}");
    assert!(output.contains("fn run"), "{output}");
}

#[test]
fn one_time_is_a_flag_or_a_bool_and_needs_max_age() {
    let item = || {
        quote!(
            struct Capture {
                order: String,
            }
        )
    };
    let expand = |args: TokenStream| crate::task::expand(args, item()).to_string();
    for args in [
        quote!(one_time, max_age = "1h"),
        quote!(max_age = "1h", one_time = true),
    ] {
        let output = expand(args);
        assert!(!output.contains("compile_error"), "{output}");
        assert!(output.contains("one_time : true"), "{output}");
    }
    let off = expand(quote!(one_time = false));
    assert!(
        !off.contains("compile_error") && !off.contains("one_time"),
        "{off}"
    );
    let errors = [
        (quote!(one_time), "`one_time` needs `max_age`"),
        (
            quote!(one_time = "yes", max_age = "1h"),
            "expects `true` or `false`",
        ),
        (
            quote!(one_time, one_time = true, max_age = "1h"),
            "duplicate `one_time`",
        ),
    ];
    for (args, message) in errors {
        let output = expand(args);
        assert!(output.contains(message), "{output}");
    }
}
