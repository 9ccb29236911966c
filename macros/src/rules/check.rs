//! Checks on fields and rules that need more than one rule or field to decide.

use syn::ext::IdentExt;
use syn::{Expr, ExprLit, ExprUnary, Lit, UnOp};

use super::{Bounds, FieldModel, Rule, RuleKind};
use crate::errors::Errors;

/// Fields whose rules all passed the checks; only [`check_fields`] builds one.
pub(crate) struct CheckedFields {
    fields: Vec<FieldModel>,
}

impl CheckedFields {
    /// The fields, in declaration order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &FieldModel> {
        self.fields.iter()
    }
}

/// Checks every field, reporting problems and dropping the rules that have them.
pub(crate) fn check_fields(mut fields: Vec<FieldModel>, errors: &mut Errors) -> CheckedFields {
    let names: Vec<String> = fields
        .iter()
        .map(|field| field.ident.unraw().to_string())
        .collect();
    for field in &mut fields {
        check_flatten(field, errors);
        let rules = std::mem::take(&mut field.rules);
        let own_name = field.ident.unraw().to_string();
        let names = FieldNames {
            own: &own_name,
            all: &names,
        };
        field.rules = check_rules(rules, "on this field", &names, errors);
    }
    CheckedFields { fields }
}

/// The names a rule may refer to: its own field's and every field's.
struct FieldNames<'a> {
    own: &'a str,
    all: &'a [String],
}

/// The sound rules of one list (a field's, or one `each(...)`'s), in order; a rule
/// written twice in one list is reported, as the second would only repeat the first.
fn check_rules(
    rules: Vec<Rule>,
    place: &str,
    names: &FieldNames,
    errors: &mut Errors,
) -> Vec<Rule> {
    let mut kept: Vec<Rule> = Vec::new();
    for rule in rules {
        let duplicate = kept.iter().any(|seen| seen.keyword == rule.keyword);
        if duplicate {
            let message = format!("duplicate `{}` rule {place}; write it once", rule.keyword);
            errors.spanned(&rule.keyword, message);
        } else if let Some(rule) = check_rule(rule, names, errors) {
            kept.push(rule);
        }
    }
    kept
}

/// `flatten` lets serde accept fields that the struct does not declare, which defeats
/// the unknown-field rejection every payload relies on.
fn check_flatten(field: &FieldModel, errors: &mut Errors) {
    if let Some(span) = field.flatten {
        errors.push(syn::Error::new(
            span,
            "`#[serde(flatten)]` is not allowed in a vetted payload; it disables the \
             rejection of unknown fields, declare the fields directly instead",
        ));
    }
}

/// The rule if it is sound; reports why not.
fn check_rule(mut rule: Rule, names: &FieldNames, errors: &mut Errors) -> Option<Rule> {
    let sound = match &mut rule.kind {
        RuleKind::MustMatch { other } => check_must_match(other, names, errors),
        RuleKind::Length(bounds) | RuleKind::TextLength { bounds, .. } => {
            check_length(bounds, errors) && check_order(bounds, errors)
        }
        RuleKind::Range(bounds) => check_order(bounds, errors),
        RuleKind::Each(inner) => {
            let rules = std::mem::take(inner);
            *inner = check_rules(rules, "in this `each`", names, errors);
            !inner.is_empty()
        }
        _ => true,
    };
    sound.then_some(rule)
}

/// `must_match` names another field of the same struct by its Rust name.
fn check_must_match(other: &syn::LitStr, names: &FieldNames, errors: &mut Errors) -> bool {
    let target = other.value();
    if target == names.own {
        errors.spanned(
            other,
            "`must_match` compares a field with itself; name another field",
        );
        return false;
    }
    if !names.all.contains(&target) {
        errors.spanned(
            other,
            format!(
                "no field `{target}` in this struct; `other` names a field \
                                       by its Rust name"
            ),
        );
        return false;
    }
    true
}

/// `equal` fixes the length, so `min` and `max` beside it would be contradictory.
fn check_length(bounds: &Bounds, errors: &mut Errors) -> bool {
    let Some((equal, _)) = bounds.args.iter().find(|(key, _)| key == "equal") else {
        return true;
    };
    if bounds.args.len() > 1 {
        errors.spanned(
            equal,
            "`equal` cannot be combined with `min` or `max`; keep one form",
        );
        return false;
    }
    true
}

/// A literal lower bound above a literal upper bound can never pass.
fn check_order(bounds: &Bounds, errors: &mut Errors) -> bool {
    let literal = |name| bounds.get(name).and_then(literal_number);
    let (Some(min), Some(max)) = (literal("min"), literal("max")) else {
        return true;
    };
    if min > max {
        if let Some(expr) = bounds.get("min") {
            errors.spanned(
                expr,
                "`min` is greater than `max`; no value can pass this rule",
            );
        }
        return false;
    }
    true
}

/// The value of a numeric literal, possibly negated.
fn literal_number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse::<f64>().ok(),
        Expr::Lit(ExprLit {
            lit: Lit::Float(float),
            ..
        }) => float.base10_parse::<f64>().ok(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => literal_number(expr).map(|v| -v),
        _ => None,
    }
}
