//! A task with every rule, nested and recursive structs: their schema field by field,
//! and payloads breaking each rule.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};
use vetted::Task;
use vetted::validate::RuleError;

use crate::cases::{Expect, case, check_cases, with};

static SKU: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Z]{3}-[0-9]{4}$").unwrap());

fn not_reserved(name: &str) -> Result<(), RuleError> {
    if name == "admin" {
        Err(RuleError::new("reserved_name"))
    } else {
        Ok(())
    }
}

/// Where an order goes.
#[derive(serde::Serialize, serde::Deserialize, vetted::Validate)]
#[serde(deny_unknown_fields)]
struct Address {
    #[validate(length(min = 1))]
    city: String,
    #[validate(length(equal = 2))]
    country: String,
}

/// An order that uses every rule.
///
/// Second paragraph.
#[vetted::task(name = "schema:every_rule", queue = "schemas", version = 3)]
#[serde(rename_all = "camelCase")]
struct EveryRule {
    /// Where the receipt goes.
    #[validate(email)]
    email: String,
    #[validate(url)]
    homepage: Option<String>,
    #[validate(url(schemes("ftp")))]
    mirror: String,
    #[validate(length(min = 2, max = 5))]
    nickname: String,
    #[validate(length(equal = 2))]
    lines: Vec<u8>,
    #[validate(range(min = 1, max = 100))]
    quantity: u32,
    #[validate(range(exclusive_min = 0.0, exclusive_max = 1.0))]
    discount: f64,
    #[validate(range(min = -5))]
    offset: i8,
    #[validate(regex(path = SKU))]
    sku: String,
    #[validate(contains(pattern = "a.b"))]
    handle: String,
    #[validate(does_not_contain(pattern = "<"))]
    note: String,
    password: String,
    #[validate(must_match(other = "password"))]
    password_again: String,
    #[validate(custom(function = not_reserved))]
    username: String,
    #[validate(required)]
    coupon: Option<String>,
    #[validate(non_control_character, length(max = 20))]
    comment: String,
    #[serde(rename = "shipTo")]
    ship_to: Address,
    #[validate(length(max = 2))]
    history: Option<Vec<Address>>,
    #[validate(length(max = 3))]
    tags: BTreeMap<String, Vec<String>>,
    count: u16,
    #[serde(default)]
    gift: bool,
    #[serde(skip)]
    cached: u8,
}

/// A node of a tree; recursive types end in a `$ref`.
#[derive(serde::Serialize, serde::Deserialize, vetted::Validate)]
#[serde(deny_unknown_fields)]
struct Node {
    #[validate(length(max = 8))]
    label: String,
    children: Vec<Node>,
}

/// A tree of labels.
#[vetted::task(name = "schema:tree")]
struct Tree {
    root: Node,
}

#[test]
fn every_rule_has_its_keywords() {
    let schema = EveryRule::json_schema();
    assert_eq!(schema["title"], "schema:every_rule");
    assert_eq!(
        schema["description"],
        "An order that uses every rule.\n\nSecond paragraph."
    );
    assert_eq!(schema["x-vetted-queue"], "schemas");
    assert_eq!(schema["x-vetted-schema-version"], 3);
    assert_eq!(schema["additionalProperties"], json!(false));
    let field = |name: &str| schema["properties"][name].clone();
    assert_eq!(
        field("email"),
        json!({ "type": "string", "format": "email", "description": "Where the receipt goes." })
    );
    assert_eq!(
        field("homepage"),
        json!({
            "type": ["string", "null"],
            "format": "uri",
            "pattern": "^(?:[hH][tT][tT][pP]|[hH][tT][tT][pP][sS]):",
        })
    );
    assert_eq!(field("mirror")["pattern"], "^(?:[fF][tT][pP]):");
    assert_eq!(
        field("nickname"),
        json!({ "type": "string", "minLength": 2, "maxLength": 5 })
    );
    let lines = field("lines");
    assert_eq!(
        (&lines["minItems"], &lines["maxItems"]),
        (&json!(2), &json!(2))
    );
    assert_eq!(
        lines["items"],
        json!({ "type": "integer", "minimum": 0, "maximum": 255 })
    );
    assert_eq!(
        field("quantity"),
        json!({ "type": "integer", "minimum": 1, "maximum": 100 })
    );
    assert_eq!(
        field("discount"),
        json!({ "type": "number", "exclusiveMinimum": 0.0, "exclusiveMaximum": 1.0 })
    );
    assert_eq!(
        field("offset"),
        json!({ "type": "integer", "minimum": -5, "maximum": 127 })
    );
    assert_eq!(field("sku")["pattern"], SKU.as_str());
    assert_eq!(field("handle")["pattern"], r"a\.b");
    assert_eq!(
        field("comment"),
        json!({
            "type": "string",
            "pattern": r"^[^\u0000-\u001F\u007F-\u009F]*$",
            "maxLength": 20,
        })
    );
    assert_eq!(field("coupon"), json!({ "type": "string" }));
    for (name, rule) in [
        ("note", "does_not_contain"),
        ("passwordAgain", "must_match"),
        ("username", "custom"),
    ] {
        assert_eq!(field(name)["x-vetted-rules"], json!([rule]), "{name}");
    }
    assert_eq!(field("shipTo"), json!({ "$ref": "#/$defs/Address" }));
    assert_eq!(
        field("history"),
        json!({
            "type": ["array", "null"],
            "items": { "$ref": "#/$defs/Address" },
            "maxItems": 2,
        })
    );
    assert_eq!(field("tags")["maxProperties"], 3);
    assert_eq!(field("tags")["additionalProperties"]["type"], "array");
    assert_eq!(field("count")["maximum"], 65535);
    assert_eq!(field("gift"), json!({ "type": "boolean" }));
    assert_eq!(
        field("cached"),
        Value::Null,
        "skipped fields are not in the schema"
    );
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    for name in ["email", "coupon", "shipTo", "passwordAgain", "count"] {
        assert!(required.contains(&name), "{name} is required");
    }
    for name in ["homepage", "history", "gift"] {
        assert!(!required.contains(&name), "{name} is optional");
    }
    assert_eq!(
        schema["$defs"]["Address"],
        json!({
            "type": "object",
            "title": "Address",
            "description": "Where an order goes.",
            "properties": {
                "city": { "type": "string", "minLength": 1 },
                "country": { "type": "string", "minLength": 2, "maxLength": 2 },
            },
            "required": ["city", "country"],
            "additionalProperties": false,
        })
    );
}

#[test]
fn recursive_types_refer_to_their_definition() {
    let schema = Tree::json_schema();
    assert_eq!(
        schema["properties"]["root"],
        json!({ "$ref": "#/$defs/Node" })
    );
    assert_eq!(
        schema["$defs"]["Node"]["properties"]["children"]["items"],
        json!({ "$ref": "#/$defs/Node" })
    );
}

fn every_rule_payload() -> Value {
    json!({
        "email": "ann@example.com",
        "homepage": "https://example.com/ann",
        "mirror": "ftp://files.example.com/x",
        "nickname": "ann",
        "lines": [1, 2],
        "quantity": 10,
        "discount": 0.25,
        "offset": -5,
        "sku": "ABC-1234",
        "handle": "xa.by",
        "note": "hello",
        "password": "pw",
        "passwordAgain": "pw",
        "username": "ann",
        "coupon": "SAVE10",
        "comment": "leave at the door",
        "shipTo": { "city": "Oslo", "country": "NO" },
        "history": null,
        "tags": { "color": ["red"] },
        "count": 7,
    })
}

#[test]
fn every_rule_payloads_get_the_same_verdict_from_jsonschema_and_vetted() {
    use Expect::*;
    let base = every_rule_payload();
    let set = |key: &str, value: Value| with(&base, key, Some(value));
    let address = json!({ "city": "Bergen", "country": "NO" });
    check_cases::<EveryRule>(&[
        case("valid", base.clone(), Valid),
        case("no homepage", with(&base, "homepage", None), Valid),
        case("null homepage", set("homepage", Value::Null), Valid),
        case(
            "upper-case scheme",
            set("homepage", json!("HTTPS://example.com")),
            Valid,
        ),
        case("gift given", set("gift", json!(true)), Valid),
        case(
            "two past orders",
            set("history", json!([address, address])),
            Valid,
        ),
        case(
            "nickname of wide characters",
            set("nickname", json!("ééé")),
            Valid,
        ),
        case(
            "not an email",
            set("email", json!("ann.example.com")),
            Refused,
        ),
        case(
            "homepage scheme",
            set("homepage", json!("ftp://example.com")),
            Refused,
        ),
        case(
            "mirror scheme",
            set("mirror", json!("https://example.com")),
            Refused,
        ),
        case("nickname too short", set("nickname", json!("a")), Refused),
        case(
            "nickname too long",
            set("nickname", json!("abcdef")),
            Refused,
        ),
        case("one line", set("lines", json!([1])), Refused),
        case("line over u8", set("lines", json!([1, 256])), Refused),
        case("quantity zero", set("quantity", json!(0)), Refused),
        case("quantity over max", set("quantity", json!(101)), Refused),
        case(
            "discount at exclusive min",
            set("discount", json!(0.0)),
            Refused,
        ),
        case(
            "discount at exclusive max",
            set("discount", json!(1.0)),
            Refused,
        ),
        case("offset under min", set("offset", json!(-6)), Refused),
        case("offset over i8", set("offset", json!(128)), Refused),
        case("sku regex", set("sku", json!("abc-1234")), Refused),
        case("contains is literal", set("handle", json!("axb")), Refused),
        case(
            "bell in comment",
            set("comment", json!("ring\u{7}bell")),
            Refused,
        ),
        case(
            "comment too long",
            set("comment", json!("c".repeat(21))),
            Refused,
        ),
        case("null coupon", set("coupon", Value::Null), Refused),
        case("missing coupon", with(&base, "coupon", None), Refused),
        case("missing email", with(&base, "email", None), Refused),
        case("unknown field", set("extra", json!(1)), Refused),
        case("quantity as text", set("quantity", json!("10")), Refused),
        case("empty city", set("shipTo/city", json!("")), Refused),
        case("long country", set("shipTo/country", json!("NOR")), Refused),
        case(
            "unknown nested field",
            set("shipTo/zip", json!("0150")),
            Refused,
        ),
        case(
            "three past orders",
            set("history", json!([address, address, address])),
            Refused,
        ),
        case(
            "bad past order",
            set("history", json!([{ "city": "" , "country": "NO" }])),
            Refused,
        ),
        case(
            "four tags",
            set("tags", json!({ "a": [], "b": [], "c": [], "d": [] })),
            Refused,
        ),
        case(
            "tag not a list",
            set("tags", json!({ "a": "red" })),
            Refused,
        ),
        case("count over u16", set("count", json!(65536)), Refused),
        case("skipped field sent", set("cached", json!(1)), Refused),
        case(
            "does_not_contain",
            set("note", json!("<b>")),
            RefusedByWorkerOnly,
        ),
        case(
            "must_match",
            set("passwordAgain", json!("other")),
            RefusedByWorkerOnly,
        ),
        case(
            "custom",
            set("username", json!("admin")),
            RefusedByWorkerOnly,
        ),
    ]);
}

#[test]
fn recursive_payloads_are_checked_at_every_depth() {
    use Expect::*;
    let leaf = json!({ "label": "leaf", "children": [] });
    let tree = json!({ "root": { "label": "top", "children": [leaf, { "label": "mid", "children": [leaf] }] } });
    let deep_bad = with(
        &tree,
        "root/children",
        Some(
            json!([{ "label": "mid", "children": [{ "label": "far too long", "children": [] }] }]),
        ),
    );
    check_cases::<Tree>(&[
        case("valid", tree, Valid),
        case("long label deep down", deep_bad, Refused),
    ]);
}

fn number_from_text<'de, D: serde::Deserializer<'de>>(input: D) -> Result<u32, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(input)?;
    text.parse().map_err(serde::de::Error::custom)
}

/// Serde attributes that change the schema.
#[vetted::task(name = "schema:serde_attrs")]
#[derive(Default)]
#[serde(default)]
struct SerdeAttrs {
    #[serde(deserialize_with = "number_from_text")]
    count: u32,
    label: String,
}

#[test]
fn serde_attributes_shape_the_schema() {
    let schema = SerdeAttrs::json_schema();
    assert_eq!(
        schema["properties"]["count"],
        json!({ "x-vetted-rust-type": "u32" }),
        "a field read with deserialize_with has no known shape"
    );
    assert_eq!(schema["properties"]["label"], json!({ "type": "string" }));
    assert_eq!(
        schema["required"],
        json!([]),
        "a container default fills every field"
    );
    check_cases::<SerdeAttrs>(&[
        case("count as text", json!({ "count": "7" }), Expect::Valid),
        case("nothing", json!({}), Expect::Valid),
    ]);
}
