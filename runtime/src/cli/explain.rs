//! Plain-language explanations of a refused payload, for the `validate` command.
//!
//! They are built from the rejection (reason, JSON error kind and position, field paths
//! and rule codes) and from [`InputFacts`]: whether the input is empty, and which
//! top-level field names it lacks or adds compared with the task's schema. The input is
//! the operator's own, so naming its field names here is fine; values are never
//! repeated. None of this reaches the rejection itself, which is what other systems see.

use serde_json::Value;

use crate::json::{JsonError, JsonErrorKind};
use crate::reason::{Reason, Rejection};

/// What the `validate` command can tell about its input beyond the rejection.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct InputFacts {
    /// The input holds nothing but JSON whitespace.
    empty: bool,
    /// Required top-level fields of the schema that the input object lacks.
    missing: Vec<String>,
    /// Top-level fields of the input object that the schema does not have.
    unknown: Vec<String>,
}

impl InputFacts {
    /// Compares `input` with the task's JSON `schema`.
    pub(super) fn read(input: &[u8], schema: &Value) -> Self {
        let empty = input.iter().all(|b| b" \t\r\n".contains(b));
        let Ok(Value::Object(given)) = serde_json::from_slice::<Value>(input) else {
            return Self {
                empty,
                ..Self::default()
            };
        };
        let names = |key: &str| -> Vec<&str> {
            match schema.get(key) {
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                Some(Value::Object(map)) => map.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            }
        };
        let known = names("properties");
        let missing = names("required")
            .into_iter()
            .filter(|name| !given.contains_key(*name))
            .map(str::to_owned)
            .collect();
        let unknown = given
            .keys()
            .filter(|name| !known.contains(&name.as_str()))
            .cloned()
            .collect();
        Self {
            empty,
            missing,
            unknown,
        }
    }
}

/// Lines that say what is wrong with a payload of `task_type` and how to find the fix.
pub(super) fn explain(rejection: &Rejection, task_type: &str, input: &InputFacts) -> Vec<String> {
    match (rejection.reason, &rejection.json) {
        (Reason::DecodeError, Some(json)) => {
            let mut lines = vec![problem_line(json, input)];
            lines.extend(field_names(json, input));
            lines.push(format!(
                "run the `schema {task_type}` command to see the fields it expects"
            ));
            lines
        }
        (Reason::ValidationError, _) => rejection
            .fields
            .iter()
            .map(|(path, rule)| format!("`{path}` breaks its `{rule}` rule"))
            .collect(),
        (Reason::Oversize, _) => vec![format!(
            "the payload is larger than the `max_payload_bytes` of `{task_type}`"
        )],
        _ => Vec::new(),
    }
}

/// What is wrong and where, or only that the input is empty.
fn problem_line(json: &JsonError, input: &InputFacts) -> String {
    if json.kind() == JsonErrorKind::Eof && input.empty {
        return "the input is empty; a JSON object is expected".to_owned();
    }
    format!(
        "{} (line {}, column {})",
        json_problem(json),
        json.line(),
        json.column()
    )
}

/// The missing or unknown top-level field names, when the problem is one of those.
fn field_names(json: &JsonError, input: &InputFacts) -> Option<String> {
    let (intro, names) = match json.detail() {
        Some("missing_field") => ("missing", &input.missing),
        Some("unknown_field") => ("not in the task", &input.unknown),
        _ => return None,
    };
    if names.is_empty() {
        return None;
    }
    let quoted: Vec<String> = names
        .iter()
        .map(|name| format!("`{}`", name.escape_debug()))
        .collect();
    Some(format!("{intro}: {}", quoted.join(", ")))
}

fn json_problem(json: &JsonError) -> &'static str {
    match json.kind() {
        JsonErrorKind::Syntax if json.detail() == Some("out_of_range") => {
            "a number is too large for any field"
        }
        JsonErrorKind::Syntax => "the input is not valid JSON (or has something after the value)",
        JsonErrorKind::Eof => "the JSON ends in the middle of a value",
        JsonErrorKind::Depth => "the JSON nests 128 levels deep or more",
        _ => data_problem(json.detail()),
    }
}

fn data_problem(detail: Option<&str>) -> &'static str {
    match detail {
        Some("unknown_field") => "a field the task does not have; unknown fields are refused",
        Some("missing_field") => "a required field is missing",
        Some("duplicate_field") => "a field appears twice",
        Some("unknown_variant") => "a value is not one of the variants its field allows",
        Some("wrong_type") => "a value has the wrong JSON type for its field",
        Some("bad_value") => {
            "a value is outside what its field's type accepts (a number beyond the range of \
             its type, such as a negative or too large one, or text a safe field type \
             refuses)"
        }
        Some("bad_length") => "an array has the wrong number of items",
        Some("out_of_range") => "a number is out of range for its field",
        _ => "the JSON does not fit the task's fields",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Order {
        amount: u32,
        note: Option<String>,
    }

    fn schema() -> Value {
        serde_json::json!({
            "properties": { "amount": {}, "note": {} },
            "required": ["amount"],
        })
    }

    /// The explanation `validate order` gives for `input`.
    fn explain_input(input: &str) -> Vec<String> {
        let error = crate::json::decode::<Order>(input.as_bytes()).unwrap_err();
        let rejection = Rejection::new(Reason::DecodeError).with_json(error);
        let facts = InputFacts::read(input.as_bytes(), &schema());
        explain(&rejection, "order", &facts)
    }

    #[test]
    fn an_unknown_field_is_named_with_its_position_but_not_its_value() {
        let lines = explain_input(r#"{"amount":1,"secret":"s3cret"}"#);
        assert_eq!(
            lines,
            [
                "a field the task does not have; unknown fields are refused (line 1, column 20)",
                "not in the task: `secret`",
                "run the `schema order` command to see the fields it expects",
            ]
        );
    }

    #[test]
    fn a_missing_field_is_named_from_the_schema() {
        let lines = explain_input(r#"{"note":"x"}"#);
        assert_eq!(lines[0], "a required field is missing (line 1, column 12)");
        assert_eq!(lines[1], "missing: `amount`");
    }

    #[test]
    fn empty_input_is_called_empty_rather_than_given_a_column() {
        for input in ["", " \n\t"] {
            let lines = explain_input(input);
            assert_eq!(lines[0], "the input is empty; a JSON object is expected");
            assert_eq!(lines.len(), 2, "{lines:?}");
        }
    }

    #[test]
    fn every_json_problem_has_its_own_words() {
        let cases = [
            ("{}", "missing"),
            (r#"{"amount":"1"}"#, "wrong JSON type"),
            (r#"{"amount":-1}"#, "outside"),
            (r#"{"amount":99999999999}"#, "beyond the range of its type"),
            (r#"{"amount":1e400}"#, "too large"),
            (r#"{"amount":1"#, "ends in the middle"),
            ("{,", "not valid JSON"),
        ];
        for (input, words) in cases {
            let first = explain_input(input).remove(0);
            assert!(first.contains(words), "{input}: {first}");
        }
    }

    #[test]
    fn a_validation_error_lists_each_field_and_rule() {
        let mut rejection = Rejection::new(Reason::ValidationError);
        rejection.fields = vec![("email".into(), "email"), ("tags[0]".into(), "length")];
        assert_eq!(
            explain(&rejection, "signup", &InputFacts::default()),
            [
                "`email` breaks its `email` rule",
                "`tags[0]` breaks its `length` rule"
            ]
        );
    }
}
