//! `each(...)`, `length(..., unit = ...)` and `custom(..., use_context)` accepted on
//! every type they fit.

use std::collections::{BTreeSet, HashMap, VecDeque};

use vetted::validate::{RuleContext, RuleError, validate};

fn known(code: &str, context: &RuleContext<'_>) -> Result<(), RuleError> {
    let _ = (context.task_name(), context.path().to_string());
    if code.is_empty() { Err(RuleError::new("unknown")) } else { Ok(()) }
}

fn positive(value: &i64, _: &RuleContext<'_>) -> Result<(), RuleError> {
    if *value > 0 { Ok(()) } else { Err(RuleError::new("positive")) }
}

#[vetted::task]
struct Catalog {
    #[validate(length(max = 10), each(length(min = 1, max = 20), non_control_character))]
    tags: Vec<String>,
    #[validate(each(email))]
    backup_email: Option<String>,
    #[validate(each(range(min = 0, max = 100)))]
    scores: HashMap<String, u8>,
    #[validate(each(url))]
    mirrors: [String; 2],
    #[validate(each(length(max = 64, unit = "bytes")))]
    queue: VecDeque<String>,
    #[validate(each(each(length(max = 3))))]
    grid: Vec<Vec<String>>,
    #[validate(each(custom(function = known, use_context)))]
    codes: BTreeSet<String>,
    #[validate(each(required))]
    slots: Vec<Option<u8>>,
    #[validate(length(min = 1, max = 255, unit = "bytes"))]
    title: String,
    #[validate(length(max = 20, unit = "chars"))]
    subtitle: Option<String>,
    #[validate(custom(function = positive, use_context))]
    price: i64,
    #[validate(custom(function = known, use_context, code = "sku"))]
    sku: Option<String>,
}

#[vetted::task]
async fn tag_all(
    #[validate(each(length(max = 3)))] tags: Box<[String]>,
) -> Result<(), vetted::HandlerError> {
    let _ = tags;
    Ok(())
}

fn main() {
    let catalog = Catalog {
        tags: vec!["a".into(), String::new()],
        backup_email: Some("nope".into()),
        scores: HashMap::from([("x".into(), 101)]),
        mirrors: ["https://a.example".into(), "javascript:x".into()],
        queue: VecDeque::new(),
        grid: vec![vec![], vec!["abcd".into()]],
        codes: BTreeSet::from([String::new()]),
        slots: vec![Some(1), None],
        title: "é".repeat(128),
        subtitle: None,
        price: 0,
        sku: Some(String::new()),
    };
    let found: Vec<(String, &str)> = validate(&catalog)
        .unwrap_err()
        .errors()
        .iter()
        .map(|e| (e.path.clone(), e.code))
        .collect();
    let expected = [
        ("tags[1]", "length"),
        ("backup_email", "email"),
        ("scores[*]", "range"),
        ("mirrors[1]", "url"),
        ("grid[1][0]", "length"),
        ("codes[*]", "unknown"),
        ("slots[1]", "required"),
        ("title", "length"),
        ("price", "positive"),
        ("sku", "sku"),
    ];
    let expected: Vec<(String, &str)> = expected.iter().map(|(p, c)| (p.to_string(), *c)).collect();
    assert_eq!(found, expected);
}
