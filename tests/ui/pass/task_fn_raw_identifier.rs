//! Raw identifiers as parameter names and as the function name.

use vetted::validate::validate;
use vetted::Task;

#[vetted::task]
async fn r#match(
    #[validate(length(min = 1))] r#type: String,
    #[validate(must_match(other = "type"))] r#ref: String,
) -> Result<(), vetted::HandlerError> {
    let _ = (r#type, r#ref);
    Ok(())
}

fn main() {
    assert_eq!(Match::NAME, "match");
    let task = Match { r#type: String::new(), r#ref: "x".into() };
    let errors = validate(&task).unwrap_err();
    let paths: Vec<&str> = errors.errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["type", "ref"]);
    let json = serde_json::to_string(&Match { r#type: "a".into(), r#ref: "a".into() }).unwrap();
    assert_eq!(json, r#"{"type":"a","ref":"a"}"#);
}
