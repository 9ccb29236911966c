//! `impl SchemaType` for a `#[vetted::task]` struct or a `#[derive(vetted::Validate)]`
//! struct: a JSON Schema object built from the fields' types, their serde attributes,
//! their doc comments and their rules.
//!
//! The generated code only assembles runtime pieces (`vetted::__private::schema`). A
//! field type without `SchemaType` is not an error: the probe falls back to `{}`.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{
    Attribute, Expr, ExprLit, ExprUnary, Field, Generics, Ident, Lit, Path, Token, UnOp,
    parse_quote,
};

use crate::rules::{Bounds, CheckedFields, FieldModel, LengthUnit, Rule, RuleKind};

/// `impl SchemaType for #ident`, given the struct as written (after `#[validate]`
/// attributes are taken off) and its checked fields.
pub(crate) fn schema_impl<'a>(
    ident: &Ident,
    generics: &Generics,
    attrs: &[Attribute],
    fields: impl IntoIterator<Item = &'a Field>,
    checked: &CheckedFields,
    krate: &Path,
) -> TokenStream {
    let codegen = quote!(#krate::__private::schema);
    let container_default = serde_flags(attrs).default;
    let properties = fields.into_iter().filter_map(|field| {
        let model = checked
            .iter()
            .find(|model| Some(&model.ident) == field.ident.as_ref())?;
        property(field, model, container_default, &codegen)
    });
    let title = ident.unraw().to_string();
    let description = optional_str(doc_text(attrs));
    let generics = with_schema_bounds(generics, krate);
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::schema::SchemaType for #ident #type_generics #where_clause {
            fn schema(
                __vetted_defs: &mut #krate::schema::Definitions,
            ) -> #krate::__private::serde_json::Value {
                #[allow(unused_imports)]
                use #codegen::{ViaFallback as _, ViaSchemaType as _};
                __vetted_defs.reference::<Self>(#title, |__vetted_defs| {
                    #[allow(unused_mut)]
                    let mut __vetted_object = #codegen::ObjectSchema::new(#title, #description);
                    #(#properties)*
                    __vetted_object.finish()
                })
            }
        }
    }
}

/// The generics with `T: SchemaType` added for each type parameter.
fn with_schema_bounds(generics: &Generics, krate: &Path) -> Generics {
    let mut generics = generics.clone();
    for param in generics.type_params_mut() {
        param.bounds.push(parse_quote!(#krate::schema::SchemaType));
    }
    generics
}

/// The statement adding one field to the object, under the field's own `cfg`s; `None`
/// for a field serde never reads.
fn property(
    field: &Field,
    model: &FieldModel,
    container_default: bool,
    codegen: &TokenStream,
) -> Option<TokenStream> {
    let flags = serde_flags(&field.attrs);
    if flags.skipped {
        return None;
    }
    let ty = &field.ty;
    let start = if flags.custom_format {
        quote!(#codegen::FieldSchema::opaque(::core::any::type_name::<#ty>()))
    } else {
        quote!((&#codegen::Probe::<#ty>::new()).field_schema(__vetted_defs))
    };
    let rules = model
        .rules
        .iter()
        .filter_map(|rule| rule_call(rule, codegen));
    let cfgs = field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"));
    let name = &model.serde_name;
    let has_default = container_default || flags.default;
    let description = optional_str(doc_text(&field.attrs));
    Some(quote! {
        #(#cfgs)*
        {
            #[allow(unused_mut)]
            let mut __vetted_field = #start;
            #(#rules)*
            __vetted_object.property(#name, __vetted_field, #has_default, #description);
        }
    })
}

/// The call that states one rule on `__vetted_field`; `None` for `nested`, which the
/// field's type already states.
fn rule_call(rule: &Rule, codegen: &TokenStream) -> Option<TokenStream> {
    let call = match &rule.kind {
        RuleKind::Email => quote!(email()),
        RuleKind::Url { schemes } => quote!(url(&[#(#schemes),*])),
        RuleKind::Length(bounds)
        | RuleKind::TextLength {
            bounds,
            unit: LengthUnit::Chars,
        } => {
            let [min, max, equal] = ["min", "max", "equal"].map(|name| {
                let bound = bounds
                    .get(name)
                    .map(|expr| quote!(::core::option::Option::Some(#expr)));
                bound.unwrap_or_else(|| quote!(::core::option::Option::None))
            });
            quote!(length(#min, #max, #equal))
        }
        RuleKind::Range(bounds) => range_call(bounds, codegen),
        RuleKind::Regex { regex } => quote!(regex(#codegen::regex_source(&#regex))),
        RuleKind::Contains { pattern } => quote!(contains(#pattern)),
        RuleKind::NonControlCharacter => quote!(non_control_character()),
        RuleKind::Required => quote!(required()),
        RuleKind::DoesNotContain { .. } => quote!(unstated("does_not_contain")),
        RuleKind::MustMatch { .. } => quote!(unstated("must_match")),
        RuleKind::Custom { .. } => quote!(unstated("custom")),
        RuleKind::TextLength { .. } => quote!(unstated("length_bytes")),
        RuleKind::Each(_) => quote!(unstated("each")),
        RuleKind::Nested => return None,
    };
    Some(quote!(__vetted_field.#call;))
}

fn range_call(bounds: &Bounds, codegen: &TokenStream) -> TokenStream {
    let [min, max, exclusive_min, exclusive_max] = ["min", "max", "exclusive_min", "exclusive_max"]
        .map(|name| match bounds.get(name) {
            Some(expr) => {
                let value = number_literal(expr).unwrap_or_else(|| expr.to_token_stream());
                quote!(#codegen::bound(#value))
            }
            None => quote!(::core::option::Option::None),
        });
    quote!(range(#min, #max, #exclusive_min, #exclusive_max))
}

/// A numeric literal bound as a suffixed literal (`16i128`, `-5i128`, `0.5f64`), so
/// that it needs no type inference; `None` for any other expression, which keeps its
/// own type. syn reads `-5` as one negative literal or as a negation, depending on
/// where it comes from: both are handled.
fn number_literal(expr: &Expr) -> Option<TokenStream> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => literal_tokens(lit, false),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match expr.as_ref() {
            Expr::Lit(ExprLit { lit, .. }) => literal_tokens(lit, true),
            _ => None,
        },
        _ => None,
    }
}

/// An integer literal from `i64::MIN` to `u64::MAX` as `i128` (exact in JSON), any
/// other number literal as `f64`; negated when `negate`.
fn literal_tokens(lit: &Lit, negate: bool) -> Option<TokenStream> {
    let sign = |negative: bool| negative.then(<Token![-]>::default);
    match lit {
        Lit::Int(int) => {
            let value = int
                .base10_parse::<i128>()
                .ok()
                .map(|v| if negate { -v } else { v });
            match value {
                Some(value) if (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(&value) => {
                    let (minus, magnitude) = (sign(value < 0), Literal::i128_suffixed(value.abs()));
                    Some(quote!(#minus #magnitude))
                }
                _ => float_tokens(int.base10_parse::<f64>().ok()?, negate),
            }
        }
        Lit::Float(float) => float_tokens(float.base10_parse::<f64>().ok()?, negate),
        _ => None,
    }
}

/// A finite float as `f64` tokens, negated when `negate`.
fn float_tokens(value: f64, negate: bool) -> Option<TokenStream> {
    let value = if negate { -value } else { value };
    if !value.is_finite() {
        return None;
    }
    let minus = (value < 0.0).then(<Token![-]>::default);
    let magnitude = Literal::f64_suffixed(value.abs());
    Some(quote!(#minus #magnitude))
}

/// The serde attributes of a field or struct that change its schema.
#[derive(Default)]
struct SerdeFlags {
    /// `default` or `default = "path"`: serde fills the field in when it is missing.
    default: bool,
    /// `skip` or `skip_deserializing`: serde never reads the field.
    skipped: bool,
    /// `with` or `deserialize_with`: the JSON form is not the type's.
    custom_format: bool,
}

/// Reads the flags; malformed serde attributes are left for serde to report.
fn serde_flags(attrs: &[Attribute]) -> SerdeFlags {
    let mut flags = SerdeFlags::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _left_to_serde = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string);
            match key.as_deref() {
                Some("default") => flags.default = true,
                Some("skip" | "skip_deserializing") => flags.skipped = true,
                Some("with" | "deserialize_with") => flags.custom_format = true,
                _ => {}
            }
            if meta.input.peek(Token![=]) {
                meta.value()?.parse::<Expr>()?;
            } else if meta.input.peek(syn::token::Paren) {
                meta.input.parse::<proc_macro2::TokenTree>()?;
            }
            Ok(())
        });
    }
    flags
}

/// The text of the `///` comments: one leading space off each line, trimmed.
fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta.require_name_value().ok()?.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(text),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .collect();
    let text = lines
        .iter()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `Some("text")` or `None`, as tokens.
fn optional_str(text: Option<String>) -> TokenStream {
    match text {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}
