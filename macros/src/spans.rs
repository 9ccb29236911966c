//! Span tools for generated code.
//!
//! rustc reports a failed bound at the span of the generated expression or item that
//! states it. Giving the generated tokens the spans of the user's tokens (the first
//! token of a type for the opening tokens, its last for the closing ones) makes that
//! span cover exactly the user's type, and makes every report of one failed bound
//! identical, so rustc shows it once.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::{ToTokens, quote};

/// The spans of a type's first and last tokens.
pub(crate) fn type_spans(ty: &syn::Type) -> (Span, Span) {
    let mut tokens = ty.to_token_stream().into_iter().map(|token| token.span());
    let first = tokens.next().unwrap_or_else(Span::call_site);
    let last = tokens.last().unwrap_or(first);
    (first, last)
}

/// `tokens` with every span set to `span`.
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}

/// `start middle end`, with `start` at the first span and `end` at the last.
pub(crate) fn spread(
    start: TokenStream,
    middle: Option<TokenStream>,
    end: TokenStream,
    (first, last): (Span, Span),
) -> TokenStream {
    let start = respan(start, first);
    let end = respan(end, last);
    quote!(#start #middle #end)
}

/// `(tokens)` with its delimiters at `span`.
pub(crate) fn parenthesized(tokens: TokenStream, span: Span) -> TokenStream {
    let mut group = Group::new(Delimiter::Parenthesis, tokens);
    group.set_span(span);
    group.into_token_stream()
}

/// `{ tokens }` with its delimiters at `span`.
pub(crate) fn braced(tokens: TokenStream, span: Span) -> TokenStream {
    let mut group = Group::new(Delimiter::Brace, tokens);
    group.set_span(span);
    group.into_token_stream()
}
