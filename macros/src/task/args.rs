//! Parsing the arguments of `#[vetted::task(...)]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Expr, ExprLit, ExprPath, Ident, Lit, LitInt, Meta, MetaNameValue, Path, Token};

use crate::duration;
use crate::errors::Errors;
use crate::symbol::{self, task as key};

/// A string argument with the span of its literal, for later checks.
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// The arguments as written; absent ones take the defaults of `TaskOptions`.
#[derive(Default)]
pub(crate) struct TaskArgs {
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) queue: Option<Spanned<String>>,
    pub(crate) max_retry: Option<u32>,
    pub(crate) timeout_millis: Option<Spanned<u64>>,
    pub(crate) retention_millis: Option<u64>,
    pub(crate) version: Option<u32>,
    pub(crate) max_payload_bytes: Option<Spanned<u64>>,
    pub(crate) max_age_millis: Option<Spanned<u64>>,
    pub(crate) one_time: Option<Spanned<bool>>,
    pub(crate) krate: Option<Path>,
    /// The name of the payload struct of a `#[task]` fn, spanned at the `struct` key.
    pub(crate) struct_name: Option<Spanned<Ident>>,
}

/// Parses `key = value, ...`, reporting every bad argument and keeping the good ones.
pub(crate) fn parse_args(tokens: TokenStream, errors: &mut Errors) -> TaskArgs {
    let mut args = TaskArgs::default();
    let parser =
        |input: ParseStream| Punctuated::<Meta, Token![,]>::parse_terminated_with(input, parse_arg);
    let Some(metas) = errors.take(parser.parse2(tokens)) else {
        return args;
    };
    let mut seen: Vec<String> = Vec::new();
    for meta in &metas {
        let Some(name) = meta.path().get_ident().map(ToString::to_string) else {
            errors.spanned(meta.path(), unknown_key_message(meta.path()));
            continue;
        };
        if !symbol::task::ALL.contains(&name.as_str()) {
            errors.spanned(meta.path(), unknown_key_message(meta.path()));
            continue;
        }
        if let Some(first) = seen.iter().find(|seen| option_of(seen) == option_of(&name)) {
            errors.spanned(meta.path(), duplicate_message(first, &name));
            continue;
        }
        seen.push(name.clone());
        if let (Meta::Path(path), key::ONE_TIME) = (meta, name.as_str()) {
            args.one_time = Some(Spanned {
                value: true,
                span: path.span(),
            });
            continue;
        }
        let Meta::NameValue(pair) = meta else {
            errors.spanned(meta, format!("expected `{name} = ...`"));
            continue;
        };
        args.read(&name, pair, errors);
    }
    args
}

/// One `key = value`; `struct` is a keyword, which `Meta` does not take as a key.
fn parse_arg(input: ParseStream) -> syn::Result<Meta> {
    if !input.peek(Token![struct]) {
        return input.parse();
    }
    let key: Token![struct] = input.parse()?;
    Ok(Meta::NameValue(MetaNameValue {
        path: Ident::new(key::STRUCT, key.span).into(),
        eq_token: input.parse()?,
        value: input.parse()?,
    }))
}

impl TaskArgs {
    /// Stores the value of one key.
    fn read(&mut self, name: &str, pair: &MetaNameValue, errors: &mut Errors) {
        let value = &pair.value;
        match name {
            key::NAME => self.name = string(value, name, errors),
            key::QUEUE => self.queue = string(value, name, errors),
            key::MAX_RETRY => self.max_retry = integer(value, name, errors),
            key::TIMEOUT => self.timeout_millis = duration_millis(value, name, errors),
            key::TIMEOUT_SECS => {
                self.timeout_millis = integer::<u64>(value, name, errors).and_then(|secs| {
                    let millis = secs.checked_mul(1000);
                    if millis.is_none() {
                        errors.spanned(value, "`timeout_secs` is too large");
                    }
                    Some(Spanned {
                        value: millis?,
                        span: value.span(),
                    })
                });
            }
            key::RETENTION => {
                self.retention_millis = duration_millis(value, name, errors).map(|d| d.value);
            }
            key::VERSION => self.version = integer(value, name, errors),
            key::MAX_PAYLOAD_BYTES => {
                self.max_payload_bytes = integer(value, name, errors).map(|bytes| Spanned {
                    value: bytes,
                    span: value.span(),
                });
            }
            key::MAX_AGE => self.max_age_millis = duration_millis(value, name, errors),
            key::ONE_TIME => self.one_time = boolean(value, name, errors),
            key::STRUCT => {
                self.struct_name = struct_ident(value, errors).map(|ident| Spanned {
                    value: ident,
                    span: pair.path.span(),
                });
            }
            _ => self.krate = crate_path(value, errors),
        }
    }
}

/// Both timeout keys set the same option.
fn option_of(key_name: &str) -> &str {
    if key_name == key::TIMEOUT_SECS {
        key::TIMEOUT
    } else {
        key_name
    }
}

fn unknown_key_message(path: &Path) -> String {
    let name = quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "");
    format!(
        "unknown `#[task]` key `{name}`; expected {}",
        symbol::one_of(symbol::task::ALL)
    )
}

fn duplicate_message(first: &str, name: &str) -> String {
    if first == name {
        format!("duplicate `{name}` key; give it once")
    } else {
        format!("`{first}` and `{name}` set the same option; keep one")
    }
}

fn string(value: &Expr, name: &str, errors: &mut Errors) -> Option<Spanned<String>> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => Some(Spanned {
            value: text.value(),
            span: text.span(),
        }),
        other => {
            errors.spanned(other, format!("`{name}` expects a string literal"));
            None
        }
    }
}

fn boolean(value: &Expr, name: &str, errors: &mut Errors) -> Option<Spanned<bool>> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(flag),
            ..
        }) => Some(Spanned {
            value: flag.value,
            span: flag.span,
        }),
        other => {
            errors.spanned(
                other,
                format!("`{name}` expects `true` or `false`, or write `{name}` alone"),
            );
            None
        }
    }
}

fn integer<N>(value: &Expr, name: &str, errors: &mut Errors) -> Option<N>
where
    N: std::str::FromStr,
    N::Err: std::fmt::Display,
{
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => errors.take(int_value(int, name)),
        other => {
            errors.spanned(other, format!("`{name}` expects an integer literal"));
            None
        }
    }
}

fn int_value<N>(int: &LitInt, name: &str) -> syn::Result<N>
where
    N: std::str::FromStr,
    N::Err: std::fmt::Display,
{
    if !int.suffix().is_empty() {
        return Err(syn::Error::new(
            int.span(),
            format!("`{name}` expects an unsuffixed integer"),
        ));
    }
    int.base10_parse::<N>()
        .map_err(|_| syn::Error::new(int.span(), format!("`{name}` is out of range")))
}

fn duration_millis(value: &Expr, name: &str, errors: &mut Errors) -> Option<Spanned<u64>> {
    let Expr::Lit(ExprLit {
        lit: Lit::Str(text),
        ..
    }) = value
    else {
        let hint = if name == key::TIMEOUT {
            "; or use `timeout_secs = 30`"
        } else {
            ""
        };
        errors.spanned(
            value,
            format!("`{name}` expects a duration string such as \"30s\"{hint}"),
        );
        return None;
    };
    match duration::parse_millis(&text.value()) {
        Ok(millis) => Some(Spanned {
            value: millis,
            span: text.span(),
        }),
        Err(message) => {
            errors.push(syn::Error::new(text.span(), message));
            None
        }
    }
}

fn crate_path(value: &Expr, errors: &mut Errors) -> Option<Path> {
    match value {
        Expr::Path(ExprPath {
            path, qself: None, ..
        }) => Some(path.clone()),
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => errors.take(text.parse::<Path>()),
        other => {
            errors.spanned(other, "`crate` expects a path such as `::vetted`");
            None
        }
    }
}

fn struct_ident(value: &Expr, errors: &mut Errors) -> Option<Ident> {
    let ident = match value {
        Expr::Path(ExprPath {
            path, qself: None, ..
        }) => path.get_ident(),
        _ => None,
    };
    if ident.is_none() {
        errors.spanned(value, "`struct` expects a type name such as `SendEmail`");
    }
    ident.cloned()
}
