use vetted::validate::validate;

#[vetted::task]
struct Notify {
    #[validate(length(min = 1))]
    r#type: String,
    #[validate(must_match(other = "type"))]
    r#match: String,
}

fn main() {
    let task = Notify { r#type: String::new(), r#match: "x".into() };
    let errors = validate(&task).unwrap_err();
    let paths: Vec<&str> = errors.errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["type", "match"]);
}
