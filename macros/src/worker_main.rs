//! `vetted::main! { handlers: [a, b], setup: setup }`: a worker `main` that registers
//! each handler with the command line in `vetted::cli`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, Path, Token, bracketed, parse_quote};

use crate::errors::{Errors, with_errors};
use crate::symbol::{self, main as key};

/// The input of `main!` after parsing.
struct MainInput {
    handlers: Vec<Path>,
    setup: Option<Path>,
    krate: Option<Path>,
}

/// Expands `vetted::main! { ... }`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let mut errors = Errors::new();
    let parsed = (|stream: ParseStream| parse_input(stream, &mut errors)).parse2(input);
    let output = match errors.take(parsed) {
        Some(input) if errors.is_empty() => main_fn(&input),
        _ => quote!(
            fn main() {}
        ),
    };
    with_errors(output, errors.finish())
}

/// Parses `key: value` pairs separated by commas; checks keys as it goes.
fn parse_input(input: ParseStream, errors: &mut Errors) -> syn::Result<MainInput> {
    let mut parsed = MainInput {
        handlers: Vec::new(),
        setup: None,
        krate: None,
    };
    let mut seen: Vec<String> = Vec::new();
    let mut handlers_key = None;
    while !input.is_empty() {
        let name = input.call(Ident::parse_any)?;
        input.parse::<Token![:]>()?;
        let text = name.to_string();
        if seen.contains(&text) {
            errors.spanned(&name, format!("duplicate `{text}` key; give it once"));
        }
        match text.as_str() {
            key::HANDLERS => {
                let content;
                bracketed!(content in input);
                parsed.handlers = Punctuated::<Path, Token![,]>::parse_terminated(&content)?
                    .into_iter()
                    .collect();
                handlers_key = Some(name.clone());
            }
            key::SETUP => parsed.setup = Some(input.parse()?),
            key::CRATE => parsed.krate = Some(input.parse()?),
            _ => {
                let expected = symbol::one_of(symbol::main::ALL);
                errors.spanned(
                    &name,
                    format!("unknown `main!` key `{text}`; expected {expected}"),
                );
                input.parse::<syn::Expr>()?;
            }
        }
        seen.push(text);
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    check_handlers(&parsed, handlers_key, input, errors);
    Ok(parsed)
}

fn check_handlers(
    parsed: &MainInput,
    handlers_key: Option<Ident>,
    input: ParseStream,
    errors: &mut Errors,
) {
    match handlers_key {
        None => errors.push(input.error(
            "`vetted::main!` needs `handlers: [...]`; list the `#[vetted::handler]` functions",
        )),
        Some(key) if parsed.handlers.is_empty() => errors.spanned(
            key,
            "`handlers` is empty; list at least one `#[vetted::handler]` function",
        ),
        Some(_) => {}
    }
}

/// `fn main`, with a constant check that no two handlers share a task type name.
fn main_fn(input: &MainInput) -> TokenStream {
    let krate: Path = input
        .krate
        .clone()
        .unwrap_or_else(|| parse_quote!(::vetted));
    let handlers = &input.handlers;
    let setup = input.setup.as_ref().map(|setup| quote!(.setup(#setup)));
    let unique_names = unique_name_checks(handlers, &krate);
    quote! {
        fn main() -> ::std::process::ExitCode {
            #(#unique_names)*
            #krate::cli::App::new(::core::env!("CARGO_PKG_NAME"))
                #(.handler::<#handlers>())*
                #setup
                .run()
        }
    }
}

/// One constant assertion per pair of handlers, spanned at the later handler: the
/// worker routes by task type name, so two handlers for one name cannot both run.
fn unique_name_checks(handlers: &[Path], krate: &Path) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    for (index, later) in handlers.iter().enumerate() {
        for earlier in &handlers[..index] {
            checks.push(unique_name_check(earlier, later, krate));
        }
    }
    checks
}

fn unique_name_check(earlier: &Path, later: &Path, krate: &Path) -> TokenStream {
    let name = |path: &Path| path.to_token_stream().to_string().replace(' ', "");
    let message = format!(
        "handlers `{}` and `{}` run the same task type name; a worker routes each task type \
         to one handler, remove one of them",
        name(earlier),
        name(later),
    );
    let task_name = |path: &Path| {
        quote! {
            <<#path as #krate::handler::Handler>::Task as #krate::Task>::NAME
        }
    };
    let (earlier_name, later_name) = (task_name(earlier), task_name(later));
    let span = later
        .segments
        .last()
        .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
    quote_spanned! {span=>
        const _: () = ::core::assert!(
            !#krate::__private::str_eq(#earlier_name, #later_name),
            #message
        );
    }
}
