//! Generating `Validate` from checked fields.
//!
//! Each rule becomes a call of its `check_*` function in `vetted::validate::rules`,
//! spanned at the rule's name, so rustc reports a rule on a type it does not fit (say
//! `email` on a `u32`) at that name. Every field is then validated through its own
//! `Validate` impl, spanned at its type, which is how nested structs, collections and
//! floats are covered without any `nested` marker.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Expr, Generics, Ident, Path, parse_quote};

use super::{Bounds, CheckedFields, FieldModel, LengthUnit, PathRoot, Rule, RuleKind};
use crate::spans::{respan, spread, type_spans};

/// `impl Validate for #ident`, checking every rule of every field.
pub(crate) fn validate_impl(
    ident: &Ident,
    generics: &Generics,
    fields: &CheckedFields,
    krate: &Path,
    root: PathRoot,
) -> TokenStream {
    let generics = with_validate_bounds(generics, krate);
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    let field_checks = fields.iter().map(|field| field_checks(field, krate));
    let task_root = (root == PathRoot::Task).then(|| {
        quote! {
            let __vetted_path =
                &__vetted_path.within_task(<Self as #krate::Task>::NAME);
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::validate::Validate for #ident #type_generics #where_clause {
            fn validate_into(
                &self,
                __vetted_path: &#krate::validate::FieldPath<'_>,
                __vetted_errors: &mut #krate::validate::ValidationErrors,
            ) {
                #task_root
                #(#field_checks)*
            }
        }
    }
}

/// The generics with `T: Validate` added for each type parameter.
fn with_validate_bounds(generics: &Generics, krate: &Path) -> Generics {
    let mut generics = generics.clone();
    for param in generics.type_params_mut() {
        param.bounds.push(parse_quote!(#krate::validate::Validate));
    }
    generics
}

/// The checks of one field: its rules, then its type's own validation.
fn field_checks(field: &FieldModel, krate: &Path) -> TokenStream {
    let cfg = &field.cfg;
    let ident = &field.ident;
    let ty = &field.ty;
    let serde_name = &field.serde_name;
    let rules = field.rules.iter().map(|rule| rule_check(rule, krate));
    let (first, last) = type_spans(ty);
    let validate_into = spread(
        quote!(<),
        Some(ty.to_token_stream()),
        quote!(as #krate::validate::Validate>::validate_into),
        (first, last),
    );
    let nested = quote_spanned! {last=>
        #validate_into(__vetted_value, &__vetted_field_path, __vetted_errors);
    };
    quote! {
        #(#cfg)*
        {
            let __vetted_value = &self.#ident;
            let __vetted_field_path = __vetted_path.field(#serde_name);
            #(#rules)*
            #nested
        }
    }
}

/// The check of one rule, spanned at its name.
fn rule_check(rule: &Rule, krate: &Path) -> TokenStream {
    let span = rule.keyword.span();
    let rules = respan(quote!(#krate::validate::rules), span);
    let code = match &rule.code {
        Some(code) => quote!(#code),
        None => {
            let name = rule.keyword.to_string();
            quote!(#name)
        }
    };
    let failed = quote!(__vetted_errors.add(&__vetted_field_path, #code););
    let passes = match &rule.kind {
        RuleKind::Email => quote_spanned!(span=> #rules::check_email(__vetted_value)),
        RuleKind::Url { schemes } => {
            quote_spanned!(span=> #rules::check_url(__vetted_value, &[#(#schemes),*]))
        }
        RuleKind::Length(bounds) => length_call(&rules, "check_length", bounds, span),
        RuleKind::TextLength { bounds, unit } => {
            let function = match unit {
                LengthUnit::Chars => "check_length_chars",
                LengthUnit::Bytes => "check_length_bytes",
            };
            length_call(&rules, function, bounds, span)
        }
        RuleKind::Range(bounds) => range_call(&rules, bounds, span),
        RuleKind::Regex { regex } => {
            quote_spanned!(span=> #rules::check_regex(__vetted_value, &#regex))
        }
        RuleKind::Contains { pattern } => {
            quote_spanned!(span=> #rules::check_contains(__vetted_value, #pattern))
        }
        RuleKind::DoesNotContain { pattern } => {
            quote_spanned!(span=> #rules::check_does_not_contain(__vetted_value, #pattern))
        }
        RuleKind::MustMatch { other } => {
            let other = field_ident(&other.value(), span);
            quote_spanned!(span=> #rules::check_must_match(__vetted_value, &self.#other))
        }
        RuleKind::Required => quote_spanned!(span=> #rules::check_required(__vetted_value)),
        RuleKind::NonControlCharacter => {
            quote_spanned!(span=> #rules::check_non_control_character(__vetted_value))
        }
        RuleKind::Custom {
            function,
            use_context,
        } => return custom_check(&rules, function, *use_context, rule, krate),
        RuleKind::Nested => return TokenStream::new(),
        RuleKind::Each(inner) => return each_check(&rules, inner, span, krate),
    };
    quote_spanned! {span=>
        if !#passes {
            #failed
        }
    }
}

/// `each(...)`: the inner rules' checks in a closure that `check_each` calls with
/// every element and its path, under the same names as a field's value and path.
fn each_check(rules: &TokenStream, inner: &[Rule], span: Span, krate: &Path) -> TokenStream {
    let checks = inner.iter().map(|rule| rule_check(rule, krate));
    quote_spanned! {span=>
        #rules::check_each(
            __vetted_value,
            &__vetted_field_path,
            |__vetted_value, __vetted_field_path| {
                #(#checks)*
            },
        );
    }
}

/// A `custom` rule records the function's own code unless `code = "..."` overrides it.
/// With `use_context`, the function also gets the `RuleContext` of the value.
fn custom_check(
    rules: &TokenStream,
    function: &Path,
    use_context: bool,
    rule: &Rule,
    krate: &Path,
) -> TokenStream {
    let span = rule.keyword.span();
    let code = match &rule.code {
        Some(code) => quote!(#code),
        None => quote!(__vetted_rule_error.code()),
    };
    let call = if use_context {
        let context = respan(quote!(#krate::validate::RuleContext), span);
        quote_spanned! {span=>
            #rules::check_custom_with_context(
                __vetted_value,
                &#context::new(&__vetted_field_path),
                #function,
            )
        }
    } else {
        quote_spanned!(span=> #rules::check_custom(__vetted_value, #function))
    };
    quote_spanned! {span=>
        if let ::core::result::Result::Err(__vetted_rule_error) = #call {
            __vetted_errors.add(&__vetted_field_path, #code);
        }
    }
}

fn length_call(rules: &TokenStream, function: &str, bounds: &Bounds, span: Span) -> TokenStream {
    let function = Ident::new(function, span);
    let [min, max, equal] = ["min", "max", "equal"].map(|name| optional(bounds.get(name), span));
    quote_spanned!(span=> #rules::#function(__vetted_value, #min, #max, #equal))
}

fn range_call(rules: &TokenStream, bounds: &Bounds, span: Span) -> TokenStream {
    let [min, max, exclusive_min, exclusive_max] = ["min", "max", "exclusive_min", "exclusive_max"]
        .map(|name| optional(bounds.get(name), span));
    quote_spanned! {span=>
        #rules::check_range(__vetted_value, #rules::RangeBounds {
            min: #min,
            max: #max,
            exclusive_min: #exclusive_min,
            exclusive_max: #exclusive_max,
        })
    }
}

/// `Some(expr)` or `None`, with absolute paths.
fn optional(expr: Option<&Expr>, span: Span) -> TokenStream {
    match expr {
        Some(expr) => quote_spanned!(span=> ::core::option::Option::Some(#expr)),
        None => quote_spanned!(span=> ::core::option::Option::None),
    }
}

/// The identifier of the field called `name`, raw if `name` is a keyword.
fn field_ident(name: &str, span: Span) -> Ident {
    match syn::parse_str::<Ident>(name) {
        Ok(mut ident) => {
            ident.set_span(span);
            ident
        }
        Err(_) => Ident::new_raw(name, span),
    }
}
