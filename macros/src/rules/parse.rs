//! Reading struct fields and their `#[validate(...)]` rules.

use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, ExprPath, Field, Ident, Lit, LitStr, Meta, Path, Token};

use super::{Bounds, FieldModel, LengthUnit, Rule, RuleKind};
use crate::errors::Errors;
use crate::serde_attrs::{self, SerdeContainer};
use crate::symbol::{self, rule, unit};

/// Reads every named field with its serde name and rules; problems go to `errors`.
pub(crate) fn read_fields<'a>(
    fields: impl IntoIterator<Item = &'a Field>,
    container: &SerdeContainer,
    errors: &mut Errors,
) -> Vec<FieldModel> {
    fields
        .into_iter()
        .filter_map(|field| read_field(field, container, errors))
        .collect()
}

fn read_field(
    field: &Field,
    container: &SerdeContainer,
    errors: &mut Errors,
) -> Option<FieldModel> {
    let ident = field.ident.clone()?;
    let serde = serde_attrs::field(&field.attrs);
    let rust_name = ident.unraw().to_string();
    let serde_name = serde.rename.unwrap_or_else(|| match container.rename_all {
        Some(rule) => rule.apply_to_field(&rust_name),
        None => rust_name,
    });
    let rules = field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("validate"))
        .flat_map(|attr| read_rules(attr, errors))
        .collect();
    let cfg = field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .cloned()
        .collect();
    Some(FieldModel {
        ident,
        ty: field.ty.clone(),
        serde_name,
        rules,
        flatten: serde.flatten,
        cfg,
    })
}

/// The rules of one `#[validate(...)]` attribute.
fn read_rules(attr: &Attribute, errors: &mut Errors) -> Vec<Rule> {
    let metas = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated);
    let Some(metas) = errors.take(metas) else {
        return Vec::new();
    };
    metas
        .iter()
        .filter_map(|meta| read_rule(meta, errors))
        .collect()
}

fn read_rule(meta: &Meta, errors: &mut Errors) -> Option<Rule> {
    let Some(keyword) = meta.path().get_ident().cloned() else {
        errors.spanned(meta.path(), unknown_rule_message(meta.path()));
        return None;
    };
    let name = keyword.to_string();
    if !symbol::rule::ALL.contains(&name.as_str()) {
        errors.spanned(&keyword, unknown_rule_message(meta.path()));
        return None;
    }
    if name == rule::EACH {
        return read_each(meta, keyword, errors);
    }
    let args = RuleArgs::read(meta, &name, errors)?;
    let kind = rule_kind(&name, &args, errors)?;
    Some(Rule {
        keyword,
        code: args.code(errors),
        kind,
    })
}

/// `each(rule, ...)`: the rules inside, read like the rules of a field.
fn read_each(meta: &Meta, keyword: Ident, errors: &mut Errors) -> Option<Rule> {
    const EXAMPLE: &str = "write `each(length(max = 20))`";
    let Meta::List(list) = meta else {
        let message = format!("`each` takes the rules to apply to every element; {EXAMPLE}");
        errors.spanned(meta, message);
        return None;
    };
    let metas =
        errors.take(list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated))?;
    if metas.is_empty() {
        errors.spanned(
            &keyword,
            format!("`each` needs at least one rule; {EXAMPLE}"),
        );
        return None;
    }
    let rules = metas
        .iter()
        .filter_map(|meta| read_rule(meta, errors))
        .collect();
    Some(Rule {
        keyword,
        code: None,
        kind: RuleKind::Each(rules),
    })
}

fn unknown_rule_message(path: &Path) -> String {
    let name = quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "");
    format!(
        "unknown validation rule `{name}`; expected {}",
        symbol::one_of(rule::ALL)
    )
}

/// Builds the rule called `name` from its arguments.
fn rule_kind(name: &str, args: &RuleArgs, errors: &mut Errors) -> Option<RuleKind> {
    Some(match name {
        rule::EMAIL => RuleKind::Email,
        rule::REQUIRED => RuleKind::Required,
        rule::NON_CONTROL_CHARACTER => RuleKind::NonControlCharacter,
        rule::NESTED => RuleKind::Nested,
        rule::URL => RuleKind::Url {
            schemes: args.schemes(errors)?,
        },
        rule::LENGTH => {
            let bounds = args.bounds(&["min", "max", "equal"], errors)?;
            match args.unit(errors) {
                Some(unit) => RuleKind::TextLength { bounds, unit },
                None => RuleKind::Length(bounds),
            }
        }
        rule::RANGE => {
            RuleKind::Range(args.bounds(&["min", "max", "exclusive_min", "exclusive_max"], errors)?)
        }
        rule::REGEX => RuleKind::Regex {
            regex: args.required_expr("path", errors)?,
        },
        rule::CONTAINS => RuleKind::Contains {
            pattern: args.required_str("pattern", errors)?,
        },
        rule::DOES_NOT_CONTAIN => RuleKind::DoesNotContain {
            pattern: args.required_str("pattern", errors)?,
        },
        rule::MUST_MATCH => RuleKind::MustMatch {
            other: args.required_str("other", errors)?,
        },
        _ => RuleKind::Custom {
            function: args.function(errors)?,
            use_context: args.flag("use_context", errors),
        },
    })
}

/// The `key = value` and `key(...)` arguments inside one rule's parentheses.
struct RuleArgs {
    keyword: Ident,
    list: Vec<(Ident, Meta)>,
}

impl RuleArgs {
    /// Reads the arguments, reporting unknown and repeated ones.
    fn read(meta: &Meta, name: &str, errors: &mut Errors) -> Option<Self> {
        let keyword = meta.path().get_ident()?.clone();
        let metas = match meta {
            Meta::Path(_) => Punctuated::new(),
            Meta::List(list) => errors
                .take(list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated))?,
            Meta::NameValue(pair) => {
                let message = format!("expected `{name}` or `{name}(...)`, not `{name} = ...`");
                errors.spanned(pair.eq_token, message);
                return None;
            }
        };
        let allowed = allowed_args(name);
        let mut list: Vec<(Ident, Meta)> = Vec::new();
        for meta in metas {
            let Some(arg) = meta.path().get_ident().cloned() else {
                errors.spanned(meta.path(), format!("unknown argument for `{name}`"));
                continue;
            };
            if arg == "message" {
                errors.spanned(
                    &arg,
                    "`message` is not supported; vetted records rule codes and \
                                      never messages, set `code = \"...\"` instead",
                );
            } else if !allowed.contains(&arg.to_string().as_str()) {
                let expected = symbol::one_of(allowed);
                errors.spanned(
                    &arg,
                    format!("unknown argument `{arg}` for `{name}`; expected {expected}"),
                );
            } else if list.iter().any(|(seen, _)| *seen == arg) {
                errors.spanned(&arg, format!("duplicate argument `{arg}`; give it once"));
            } else {
                list.push((arg, meta));
            }
        }
        Some(Self { keyword, list })
    }

    fn get(&self, name: &str) -> Option<&Meta> {
        self.list
            .iter()
            .find(|(arg, _)| arg == name)
            .map(|(_, meta)| meta)
    }

    /// The `code = "..."` override, checked to be a plain code.
    fn code(&self, errors: &mut Errors) -> Option<LitStr> {
        let code = string_value(self.get("code")?, errors)?;
        let value = code.value();
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        if value.is_empty() || !value.chars().all(plain) {
            errors.spanned(
                &code,
                "rule code must be non-empty ASCII letters, digits, `_`, `-` \
                                   or `.`; it is written into error lists",
            );
            return None;
        }
        Some(code)
    }

    /// The expressions of a bounded rule; at least one bound is required.
    fn bounds(&self, names: &[&str], errors: &mut Errors) -> Option<Bounds> {
        let mut bounds = Bounds::default();
        for (arg, meta) in self
            .list
            .iter()
            .filter(|(arg, _)| names.contains(&&*arg.to_string()))
        {
            bounds.args.push((arg.clone(), expr_value(meta, errors)?));
        }
        if bounds.args.is_empty() {
            let expected = symbol::one_of(names);
            let message = format!(
                "`{}` needs at least one bound; add {expected}",
                self.keyword
            );
            errors.spanned(&self.keyword, message);
            return None;
        }
        Some(bounds)
    }

    fn required_meta(&self, name: &str, errors: &mut Errors) -> Option<&Meta> {
        let meta = self.get(name);
        if meta.is_none() {
            let keyword = &self.keyword;
            errors.spanned(keyword, format!("`{keyword}` needs `{name} = ...`; add it"));
        }
        meta
    }

    fn required_expr(&self, name: &str, errors: &mut Errors) -> Option<Expr> {
        expr_value(self.required_meta(name, errors)?, errors)
    }

    fn required_str(&self, name: &str, errors: &mut Errors) -> Option<LitStr> {
        string_value(self.required_meta(name, errors)?, errors)
    }

    /// The function of `custom(function = path)` or `custom(function = "path")`.
    fn function(&self, errors: &mut Errors) -> Option<Path> {
        match self.required_expr("function", errors)? {
            Expr::Path(ExprPath {
                path, qself: None, ..
            }) => Some(path),
            Expr::Lit(ExprLit {
                lit: Lit::Str(text),
                ..
            }) => errors.take(text.parse::<Path>()),
            other => {
                errors.spanned(other, "expected a function path such as `check_name`");
                None
            }
        }
    }

    /// The unit of `length(..., unit = "...")`; `None` when absent or refused.
    fn unit(&self, errors: &mut Errors) -> Option<LengthUnit> {
        let text = string_value(self.get("unit")?, errors)?;
        match text.value().as_str() {
            unit::CHARS => Some(LengthUnit::Chars),
            unit::BYTES => Some(LengthUnit::Bytes),
            unit::GRAPHEMES => {
                errors.spanned(
                    &text,
                    "`length` cannot count graphemes: that needs Unicode segmentation \
                     tables vetted does not ship; use `unit = \"chars\"` (the default) or \
                     `unit = \"bytes\"`",
                );
                None
            }
            other => {
                let message = format!(
                    "unknown `length` unit `{other}`; expected `\"chars\"` (the default) or \
                     `\"bytes\"`"
                );
                errors.spanned(&text, message);
                None
            }
        }
    }

    /// Whether the bare flag `name` is given, as in `custom(..., use_context)`.
    fn flag(&self, name: &str, errors: &mut Errors) -> bool {
        match self.get(name) {
            None => false,
            Some(Meta::Path(_)) => true,
            Some(other) => {
                errors.spanned(other, format!("write `{name}` alone, without a value"));
                false
            }
        }
    }

    /// The lowercase schemes of `url(schemes("a", "b"))`, or `http` and `https`.
    fn schemes(&self, errors: &mut Errors) -> Option<Vec<String>> {
        let Some(meta) = self.get("schemes") else {
            return Some(vec!["http".into(), "https".into()]);
        };
        let Meta::List(list) = meta else {
            errors.spanned(meta, "expected `schemes(\"https\", ...)`");
            return None;
        };
        let literals =
            errors.take(list.parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated))?;
        let mut schemes = Vec::new();
        for literal in &literals {
            let scheme = literal.value().to_ascii_lowercase();
            if !is_scheme(&scheme) {
                errors.spanned(
                    literal,
                    "invalid URL scheme; a scheme is a letter followed by \
                                         letters, digits, `+`, `-` or `.`",
                );
            }
            schemes.push(scheme);
        }
        if schemes.is_empty() {
            errors.spanned(list, "`schemes(...)` needs at least one scheme");
        }
        Some(schemes)
    }
}

/// Arguments each rule accepts.
fn allowed_args(rule: &str) -> &'static [&'static str] {
    match rule {
        rule::URL => &["schemes", "code"],
        rule::LENGTH => &["min", "max", "equal", "unit", "code"],
        rule::RANGE => &["min", "max", "exclusive_min", "exclusive_max", "code"],
        rule::REGEX => &["path", "code"],
        rule::CONTAINS | rule::DOES_NOT_CONTAIN => &["pattern", "code"],
        rule::MUST_MATCH => &["other", "code"],
        rule::CUSTOM => &["function", "use_context", "code"],
        _ => &["code"],
    }
}

/// Whether `scheme` follows the URL scheme grammar (RFC 3986, section 3.1).
fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn expr_value(meta: &Meta, errors: &mut Errors) -> Option<Expr> {
    match meta {
        Meta::NameValue(pair) => Some(pair.value.clone()),
        other => {
            let name = other
                .path()
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            errors.spanned(other, format!("expected `{name} = ...`"));
            None
        }
    }
}

fn string_value(meta: &Meta, errors: &mut Errors) -> Option<LitStr> {
    match expr_value(meta, errors)? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => Some(text),
        other => {
            errors.spanned(other, "expected a string literal");
            None
        }
    }
}
