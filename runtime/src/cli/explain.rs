//! Plain-language explanations of a refused payload, for the `validate` command.
//!
//! They are built from the rejection alone (reason, JSON error kind and position, field
//! paths and rule codes), so they never repeat a value from the input.

use crate::json::{JsonError, JsonErrorKind};
use crate::reason::{Reason, Rejection};

/// Lines that say what is wrong with a payload of `task_type` and how to find the fix.
pub(super) fn explain(rejection: &Rejection, task_type: &str) -> Vec<String> {
    match (rejection.reason, &rejection.json) {
        (Reason::DecodeError, Some(json)) => vec![
            format!(
                "{} (line {}, column {})",
                json_problem(json),
                json.line(),
                json.column()
            ),
            format!("run the `schema {task_type}` command to see the fields it expects"),
        ],
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
            "a value is outside what its field's type accepts (a negative number for an \
             unsigned field, or text a safe field type refuses)"
        }
        Some("bad_length") => "an array has the wrong number of items",
        Some("out_of_range") => "a number is out of range for its field",
        _ => "the JSON does not fit the task's fields",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_rejection(input: &str) -> Rejection {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Order {
            amount: u32,
        }
        let error = crate::json::decode::<Order>(input.as_bytes()).unwrap_err();
        Rejection::new(Reason::DecodeError).with_json(error)
    }

    #[test]
    fn a_decode_error_names_the_problem_and_its_position_but_no_input() {
        let lines = explain(&decode_rejection(r#"{"amount":1,"secret":2}"#), "order");
        assert_eq!(
            lines,
            [
                "a field the task does not have; unknown fields are refused (line 1, column 20)",
                "run the `schema order` command to see the fields it expects",
            ]
        );
    }

    #[test]
    fn every_json_problem_has_its_own_words() {
        let cases = [
            ("{}", "missing"),
            (r#"{"amount":"1"}"#, "wrong JSON type"),
            (r#"{"amount":-1}"#, "outside"),
            (r#"{"amount":1e400}"#, "too large"),
            (r#"{"amount":1"#, "ends in the middle"),
            ("{,", "not valid JSON"),
        ];
        for (input, words) in cases {
            let first = explain(&decode_rejection(input), "order").remove(0);
            assert!(first.contains(words), "{input}: {first}");
        }
    }

    #[test]
    fn a_validation_error_lists_each_field_and_rule() {
        let mut rejection = Rejection::new(Reason::ValidationError);
        rejection.fields = vec![("email".into(), "email"), ("tags[0]".into(), "length")];
        assert_eq!(
            explain(&rejection, "signup"),
            [
                "`email` breaks its `email` rule",
                "`tags[0]` breaks its `length` rule"
            ]
        );
    }
}
