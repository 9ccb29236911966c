//! Edits of a schema value: allowing or refusing `null`, adding patterns and bounds.
//!
//! These work on plain `serde_json::Value`s so that hand-written [`SchemaType`] impls
//! compose with generated ones.
//!
//! [`SchemaType`]: super::SchemaType

use serde_json::{Map, Number, Value, json};

/// The `pattern` of `non_control_character` and of the text types that refuse control
/// characters: no character of Unicode category `Cc` (U+0000–U+001F, U+007F–U+009F).
///
/// In ECMA-262, which JSON Schema patterns follow, `$` matches only at the end of the
/// text. Python's `re` (and so Python's `jsonschema`) also matches it before one final
/// newline, so there a single trailing `\n` gets through; the worker still refuses it.
pub const NON_CONTROL_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F]*$";

/// The extension keyword that lists the rules a schema does not state.
pub(crate) const VETTED_RULES: &str = "x-vetted-rules";

/// Keywords that can refuse `null` whatever `type` says.
const NULL_SENSITIVE: &[&str] = &[
    "enum",
    "const",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "$ref",
    "$dynamicRef",
];

/// `schema`, also accepting `null`.
///
/// A single `type` becomes `[type, "null"]`, so that keywords added later still apply;
/// a schema without `type` (a `$ref`, say) or with a keyword that could refuse `null`
/// (`enum`, `allOf`, ...) becomes `{"anyOf": [schema, {"type": "null"}]}`; `{}`
/// already accepts `null`.
pub(crate) fn allow_null(schema: Value) -> Value {
    let Value::Object(mut object) = schema else {
        return schema;
    };
    if object.is_empty() {
        return Value::Object(object);
    }
    if NULL_SENSITIVE.iter().any(|key| object.contains_key(*key)) {
        return json!({ "anyOf": [object, { "type": "null" }] });
    }
    match object.get_mut("type") {
        Some(Value::String(name)) => {
            let name = std::mem::take(name);
            object.insert("type".into(), json!([name, "null"]));
        }
        Some(Value::Array(names)) => {
            if !names.iter().any(|name| name == "null") {
                names.push("null".into());
            }
        }
        _ => return json!({ "anyOf": [object, { "type": "null" }] }),
    }
    Value::Object(object)
}

/// `schema` without the `null` that [`allow_null`] added, for the `required` rule.
pub(crate) fn refuse_null(object: &mut Map<String, Value>) {
    if let Some(Value::Array(names)) = object.get_mut("type") {
        names.retain(|name| name != "null");
        if let [only] = names.as_slice() {
            let only = only.clone();
            object.insert("type".into(), only);
        }
        return;
    }
    let Some(Value::Array(branches)) = object.get_mut("anyOf") else {
        return;
    };
    branches.retain(|branch| *branch != json!({ "type": "null" }));
    if let [Value::Object(only)] = branches.as_slice() {
        let only = only.clone();
        object.remove("anyOf");
        for (key, value) in only {
            object.entry(key).or_insert(value);
        }
    }
}

/// The JSON type the schema describes, leaving `null` aside: `"string"` for both
/// `{"type": "string"}` and `{"type": ["string", "null"]}`.
pub(crate) fn primary_type(schema: &Map<String, Value>) -> Option<&str> {
    match schema.get("type")? {
        Value::String(name) => Some(name),
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .find(|n| *n != "null"),
        _ => None,
    }
}

/// Adds a keyword that may occur once per schema object (`pattern`, `format`): set
/// here if free, else added as `{key: value}` under `allOf`.
pub(crate) fn add_constraint(object: &mut Map<String, Value>, key: &str, value: Value) {
    if !object.contains_key(key) {
        object.insert(key.into(), value);
        return;
    }
    if object.get(key) == Some(&value) {
        return;
    }
    let all_of = object.entry("allOf").or_insert_with(|| json!([]));
    if let Value::Array(all_of) = all_of {
        all_of.push(json!({ key: value }));
    }
}

/// Which bound a keyword is: a lower bound keeps the larger value, an upper bound the
/// smaller.
#[derive(Clone, Copy)]
pub(crate) enum Side {
    Lower,
    Upper,
}

/// Sets `key` to `bound`, unless the schema already has a tighter one.
pub(crate) fn tighten(object: &mut Map<String, Value>, key: &str, bound: Number, side: Side) {
    let current = object.get(key).and_then(Value::as_f64);
    let new = bound.as_f64();
    let keep_current = match (current, new, side) {
        (Some(current), Some(new), Side::Lower) => current > new,
        (Some(current), Some(new), Side::Upper) => current < new,
        _ => false,
    };
    if !keep_current {
        object.insert(key.into(), Value::Number(bound));
    }
}

/// Adds `rule` to the schema's `x-vetted-rules`, once.
pub(crate) fn add_vetted_rule(object: &mut Map<String, Value>, rule: &str) {
    let rules = object.entry(VETTED_RULES).or_insert_with(|| json!([]));
    if let Value::Array(rules) = rules
        && !rules.iter().any(|seen| seen == rule)
    {
        rules.push(rule.into());
    }
}

/// A pattern that matches wherever `text` occurs: the text with every ECMA-262 syntax
/// character escaped (only those, as the `u` flag refuses other escapes).
pub(crate) fn literal_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len());
    for c in text.chars() {
        if "^$\\.*+?()[]{}|/".contains(c) {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

/// A pattern for URLs with one of `schemes`, matched without regard to letter case as
/// the URL parser lowercases schemes: `^(?:[hH][tT][tT][pP][sS]):` for `https`.
pub(crate) fn scheme_pattern(schemes: &[&str]) -> String {
    let alternatives: Vec<String> = schemes.iter().map(|s| caseless(s)).collect();
    format!("^(?:{}):", alternatives.join("|"))
}

/// `text` as a pattern matching it in any letter case.
fn caseless(text: &str) -> String {
    text.chars()
        .map(|c| {
            let (lower, upper) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
            if lower == upper {
                literal_pattern(&c.to_string())
            } else {
                format!("[{lower}{upper}]")
            }
        })
        .collect()
}
