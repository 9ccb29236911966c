use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};

use super::codegen::{FieldSchema, ObjectSchema, Probe, ViaFallback as _, ViaSchemaType as _};
use super::keywords::{literal_pattern, scheme_pattern};
use super::{Definitions, SchemaType};
use crate::types::{CmdArg, HostPolicy, HttpsUrl, SingleLine};

struct Hooks;

impl HostPolicy for Hooks {
    const HOSTS: &'static [&'static str] = &["hooks.example.com"];
}

fn schema_of<T: SchemaType + ?Sized>() -> Value {
    T::schema(&mut Definitions::default())
}

#[test]
fn integers_carry_the_bounds_of_their_type() {
    assert_eq!(
        schema_of::<u8>(),
        json!({ "type": "integer", "minimum": 0, "maximum": 255 })
    );
    assert_eq!(schema_of::<i64>()["minimum"], json!(i64::MIN));
    assert_eq!(schema_of::<u64>()["maximum"], json!(u64::MAX));
    assert_eq!(
        schema_of::<u128>(),
        json!({ "type": "integer", "minimum": 0 })
    );
}

#[test]
fn options_allow_null_and_may_be_left_out() {
    assert_eq!(
        schema_of::<Option<String>>(),
        json!({ "type": ["string", "null"] })
    );
    const { assert!(<Option<u8>>::NULLABLE && !u8::NULLABLE) };
    const { assert!(<Box<Option<u8>>>::NULLABLE) };
    assert_eq!(
        schema_of::<Option<Option<bool>>>(),
        json!({ "type": ["boolean", "null"] })
    );
}

#[test]
fn null_goes_beside_keywords_that_would_refuse_it() {
    struct Size;
    impl SchemaType for Size {
        fn schema(_: &mut Definitions) -> Value {
            json!({ "type": "string", "enum": ["s", "l"] })
        }
    }
    let schema = schema_of::<Option<Size>>();
    assert_eq!(schema["anyOf"][1], json!({ "type": "null" }));
    assert_eq!(schema["anyOf"][0]["enum"], json!(["s", "l"]));
    let url = schema_of::<Option<HttpsUrl<Hooks>>>();
    assert_eq!(url["type"], json!(["string", "null"]));
}

#[test]
fn collections_describe_their_items() {
    assert_eq!(
        schema_of::<Vec<bool>>(),
        json!({ "type": "array", "items": { "type": "boolean" } })
    );
    assert_eq!(schema_of::<HashSet<String>>()["items"]["type"], "string");
    assert_eq!(
        schema_of::<BTreeMap<String, f64>>(),
        json!({ "type": "object", "additionalProperties": { "type": "number" } })
    );
    let array = schema_of::<[u8; 3]>();
    assert_eq!(
        (array["minItems"].clone(), array["maxItems"].clone()),
        (json!(3), json!(3))
    );
    let pair = schema_of::<(bool, String)>();
    assert_eq!(pair["prefixItems"][1]["type"], "string");
    assert_eq!(pair["items"], json!(false));
}

#[test]
fn safe_text_types_state_their_limits() {
    let line = schema_of::<SingleLine<80>>();
    assert_eq!(line["maxLength"], 80);
    assert!(line["pattern"].as_str().unwrap().contains(r"\u2028"));
    assert_eq!(schema_of::<CmdArg>()["minLength"], 1);
}

#[test]
#[allow(
    clippy::needless_borrow,
    reason = "the borrow is how the probe picks its method"
)]
fn a_type_without_schema_falls_back_to_anything() {
    struct Opaque;
    let mut defs = Definitions::default();
    let known = (&Probe::<u8>::new()).field_schema(&mut defs);
    let unknown = (&Probe::<Opaque>::new()).field_schema(&mut defs);
    let mut object = ObjectSchema::new("T", None);
    object.property("known", known, false, None);
    object.property("unknown", unknown, false, None);
    let schema = object.finish();
    assert_eq!(schema["properties"]["known"]["type"], "integer");
    let rust_type = &schema["properties"]["unknown"]["x-vetted-rust-type"];
    assert!(rust_type.as_str().unwrap().ends_with("Opaque"));
}

#[test]
fn length_counts_what_the_type_holds() {
    let mut text = FieldSchema::new(json!({ "type": ["string", "null"] }), true);
    text.length(Some(2), None, None);
    let mut list = FieldSchema::new(schema_of::<Vec<u8>>(), false);
    list.length(None, None, Some(4));
    let mut number = FieldSchema::new(schema_of::<u8>(), false);
    number.length(Some(1), None, None);
    let schema = finish([("text", text), ("list", list), ("number", number)]);
    assert_eq!(schema["text"]["minLength"], 2);
    assert_eq!(
        (
            schema["list"]["minItems"].clone(),
            schema["list"]["maxItems"].clone()
        ),
        (json!(4), json!(4))
    );
    assert_eq!(schema["number"]["x-vetted-rules"], json!(["length"]));
}

#[test]
fn range_tightens_the_type_bounds() {
    let mut field = FieldSchema::new(schema_of::<u8>(), false);
    field.range(Some(10.into()), None, None, Some(200.into()));
    let schema = finish([("f", field)]);
    assert_eq!(
        schema["f"],
        json!({
            "type": "integer",
            "minimum": 10,
            "maximum": 255,
            "exclusiveMaximum": 200,
        })
    );
}

#[test]
fn second_pattern_goes_under_all_of() {
    let mut field = FieldSchema::new(schema_of::<String>(), false);
    field.contains("a.b");
    field.non_control_character();
    let schema = finish([("f", field)]);
    assert_eq!(schema["f"]["pattern"], r"a\.b");
    assert_eq!(
        schema["f"]["allOf"],
        json!([{ "pattern": super::NON_CONTROL_PATTERN }])
    );
}

#[test]
fn required_drops_null_and_requires_the_field() {
    let mut plain = FieldSchema::new(schema_of::<Option<String>>(), true);
    plain.required();
    let optional = FieldSchema::new(schema_of::<Option<String>>(), true);
    let mut object = ObjectSchema::new("T", Some("doc"));
    object.property("plain", plain, false, None);
    object.property("optional", optional, false, None);
    object.property("defaulted", FieldSchema::new(json!({}), false), true, None);
    let schema = object.finish();
    assert_eq!(schema["properties"]["plain"]["type"], "string");
    assert_eq!(schema["required"], json!(["plain"]));
    assert_eq!(schema["additionalProperties"], json!(false));
}

#[test]
fn nested_structs_are_defined_once_and_referred_to() {
    struct Inner;
    let mut defs = Definitions::default();
    let first = defs.reference::<Inner>("Inner", |_| json!({ "type": "object" }));
    let again = defs.reference::<Inner>("Inner", |_| unreachable!("built once"));
    let other = defs.reference::<u8>("Inner", |_| json!({ "type": "object" }));
    assert_eq!(first, json!({ "$ref": "#/$defs/Inner" }));
    assert_eq!(first, again);
    assert_eq!(other, json!({ "$ref": "#/$defs/Inner_2" }));
    assert_eq!(defs.into_defs().len(), 2);
}

#[test]
fn the_root_refers_to_itself_as_hash() {
    struct Node;
    let mut defs = Definitions::rooted_at::<Node>();
    let root = defs.reference::<Node>(
        "Node",
        |defs| json!({ "items": defs.reference::<Node>("Node", |_| json!({})) }),
    );
    assert_eq!(root, json!({ "items": { "$ref": "#" } }));
    assert!(defs.into_defs().is_empty());
}

#[test]
fn patterns_escape_literals_and_ignore_scheme_case() {
    assert_eq!(literal_pattern("a+b(c)/d-e"), r"a\+b\(c\)\/d-e");
    assert_eq!(
        scheme_pattern(&["https", "svn+ssh"]),
        r"^(?:[hH][tT][tT][pP][sS]|[sS][vV][nN]\+[sS][sS][hH]):"
    );
}

fn finish<const N: usize>(fields: [(&str, FieldSchema); N]) -> Value {
    let mut object = ObjectSchema::new("T", None);
    for (name, field) in fields {
        object.property(name, field, false, None);
    }
    object.finish()["properties"].clone()
}
