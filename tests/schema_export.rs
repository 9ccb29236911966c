//! JSON Schema export: the schemas of the example tasks, of a task with every rule and
//! of the safe field types, field by field; then payloads judged by an independent
//! validator (Python's `jsonschema`, through `schema_check.py`) against the exported
//! schema, with the same verdict as vetted's own strict decode and rules wherever the
//! rule is expressible; and the example worker's `schema` command.

use std::process::Command;

use serde_json::{Value, json};
use vetted::Task;
use vetted_examples::{Thumbnail, WelcomeEmail};

use cases::{Expect, case, check_cases, with};

#[path = "schema_export/cases.rs"]
mod cases;
#[path = "schema_export/every_rule.rs"]
mod every_rule;
#[path = "schema_export/python.rs"]
mod python;
#[path = "schema_export/safe_types.rs"]
mod safe_types;

#[test]
fn welcome_email_schema_states_its_rules() {
    let expected = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "email:welcome",
        "description": "Sends the welcome email to a new user.",
        "type": "object",
        "properties": {
            "email": {
                "type": "string",
                "description": "Where the email goes.",
                "format": "email",
                "maxLength": 254,
            },
            "name": {
                "type": "string",
                "description": "How to greet the user.",
                "minLength": 1,
                "maxLength": 64,
                "pattern": r"^[^\u0000-\u001F\u007F-\u009F]*$",
            },
        },
        "required": ["email", "name"],
        "additionalProperties": false,
        "x-vetted-queue": "default",
        "x-vetted-schema-version": 1,
    });
    assert_eq!(WelcomeEmail::json_schema(), expected);
}

#[test]
fn thumbnail_schema_lists_its_custom_rule() {
    let schema = Thumbnail::json_schema();
    let properties = &schema["properties"];
    assert_eq!(
        properties["file"],
        json!({
            "type": "string",
            "description": "Name of the uploaded file, relative to the upload directory.",
            "minLength": 1,
            "maxLength": 128,
            "x-vetted-rules": ["custom"],
        })
    );
    for side in ["width", "height"] {
        assert_eq!(properties[side]["type"], "integer");
        assert_eq!(properties[side]["minimum"], 16);
        assert_eq!(properties[side]["maximum"], 4096);
    }
    assert_eq!(schema["required"], json!(["file", "width", "height"]));
    assert_eq!(schema["x-vetted-queue"], "media");
}

#[test]
fn example_payloads_get_the_same_verdict_from_jsonschema_and_vetted() {
    use Expect::*;
    let welcome = json!({ "email": "ada@example.com", "name": "Ada" });
    let long_email = format!("{}@example.com", "a".repeat(250));
    check_cases::<WelcomeEmail>(&[
        case("valid", welcome.clone(), Valid),
        case(
            "not an email",
            with(&welcome, "email", Some(json!("ada"))),
            Refused,
        ),
        case(
            "email too long",
            with(&welcome, "email", Some(json!(long_email))),
            Refused,
        ),
        case(
            "empty name",
            with(&welcome, "name", Some(json!(""))),
            Refused,
        ),
        case(
            "name too long",
            with(&welcome, "name", Some(json!("n".repeat(65)))),
            Refused,
        ),
        case(
            "control character",
            with(&welcome, "name", Some(json!("A\u{1b}[2J"))),
            Refused,
        ),
        case("missing name", with(&welcome, "name", None), Refused),
        case(
            "unknown field",
            with(&welcome, "admin", Some(json!(true))),
            Refused,
        ),
        case(
            "name of 64 characters",
            with(&welcome, "name", Some(json!("é".repeat(64)))),
            Valid,
        ),
    ]);
    let thumbnail = json!({ "file": "cat.png", "width": 64, "height": 4096 });
    check_cases::<Thumbnail>(&[
        case("valid", thumbnail.clone(), Valid),
        case(
            "width too small",
            with(&thumbnail, "width", Some(json!(15))),
            Refused,
        ),
        case(
            "height too large",
            with(&thumbnail, "height", Some(json!(4097))),
            Refused,
        ),
        case(
            "negative width",
            with(&thumbnail, "width", Some(json!(-64))),
            Refused,
        ),
        case(
            "width as text",
            with(&thumbnail, "width", Some(json!("64"))),
            Refused,
        ),
        case(
            "fractional width",
            with(&thumbnail, "width", Some(json!(64.5))),
            Refused,
        ),
        case(
            "empty file",
            with(&thumbnail, "file", Some(json!(""))),
            Refused,
        ),
        case(
            "file too long",
            with(&thumbnail, "file", Some(json!("f".repeat(129)))),
            Refused,
        ),
        case(
            "path in file",
            with(&thumbnail, "file", Some(json!("../x"))),
            RefusedByWorkerOnly,
        ),
    ]);
}

fn run_worker_schema(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_example-worker"))
        .arg("schema")
        .args(args)
        .output()
        .expect("the example worker runs")
}

#[test]
fn example_worker_prints_the_schemas() {
    let output = run_worker_schema(&[]);
    assert!(output.status.success(), "{output:?}");
    let all: Value = serde_json::from_slice(&output.stdout).expect("schema prints JSON");
    let names: Vec<&String> = all.as_object().expect("an object by name").keys().collect();
    assert_eq!(names, ["email:welcome", "image:thumbnail"]);
    assert_eq!(all["email:welcome"], WelcomeEmail::json_schema());
    assert_eq!(all["image:thumbnail"], Thumbnail::json_schema());

    let output = run_worker_schema(&["image:thumbnail"]);
    assert!(output.status.success(), "{output:?}");
    let one: Value = serde_json::from_slice(&output.stdout).expect("schema prints JSON");
    assert_eq!(one, Thumbnail::json_schema());

    let output = run_worker_schema(&["image:nope"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown task type `image:nope`"),
        "{stderr}"
    );
}
