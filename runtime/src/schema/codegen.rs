//! The pieces of the `SchemaType` impls that `#[vetted::task]` and
//! `#[derive(vetted::Validate)]` generate. Not a public API: reached through
//! `vetted::__private::schema`.
//!
//! A struct's schema is an [`ObjectSchema`] with one [`FieldSchema`] per field. A field
//! starts from its type's [`SchemaType`], found through [`Probe`] so that a type
//! without one still compiles (its schema is then `{}`); its rules then add keywords.

use std::marker::PhantomData;

use serde_json::{Map, Number, Value, json};

use super::keywords::{
    Side, add_constraint, add_vetted_rule, literal_pattern, primary_type, refuse_null,
    scheme_pattern, tighten,
};
use super::{Definitions, NON_CONTROL_PATTERN, SchemaType};

/// Stands for the field type `T` in method calls that pick [`ViaSchemaType`] when `T`
/// has a `SchemaType`, and [`ViaFallback`] when it has not: the first takes `&Probe`,
/// the second `&&Probe`, and method lookup tries the shorter receiver first.
pub struct Probe<T: ?Sized>(PhantomData<fn() -> Box<T>>);

impl<T: ?Sized> Probe<T> {
    /// The probe of `T`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: ?Sized> Default for Probe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The schema of a field whose type has a `SchemaType`.
pub trait ViaSchemaType {
    /// The field's schema before its rules.
    fn field_schema(&self, defs: &mut Definitions) -> FieldSchema;
}

impl<T: SchemaType + ?Sized> ViaSchemaType for Probe<T> {
    fn field_schema(&self, defs: &mut Definitions) -> FieldSchema {
        FieldSchema::new(T::schema(defs), T::NULLABLE)
    }
}

/// The schema of a field whose type has no `SchemaType`.
pub trait ViaFallback {
    /// `{}`, naming the Rust type.
    fn field_schema(&self, defs: &mut Definitions) -> FieldSchema;
}

impl<T: ?Sized> ViaFallback for &Probe<T> {
    fn field_schema(&self, _: &mut Definitions) -> FieldSchema {
        FieldSchema::opaque(std::any::type_name::<T>())
    }
}

/// A bound of `range(...)`, as a JSON number.
pub trait RangeBound {
    /// The bound; `None` when it is not a finite number.
    fn to_number(self) -> Option<Number>;
}

/// Implements `RangeBound` for types that `Number` holds exactly.
macro_rules! exact_bounds {
    ($($ty:ty),*) => {
        $(
            impl RangeBound for $ty {
                fn to_number(self) -> Option<Number> {
                    Some(Number::from(self))
                }
            }
        )*
    };
}

exact_bounds!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl RangeBound for i128 {
    fn to_number(self) -> Option<Number> {
        let exact = i64::try_from(self)
            .map(Number::from)
            .or_else(|_| u64::try_from(self).map(Number::from));
        exact.ok().or_else(|| Number::from_f64(self as f64))
    }
}

impl RangeBound for u128 {
    fn to_number(self) -> Option<Number> {
        u64::try_from(self)
            .map(Number::from)
            .ok()
            .or_else(|| Number::from_f64(self as f64))
    }
}

impl RangeBound for f64 {
    fn to_number(self) -> Option<Number> {
        Number::from_f64(self)
    }
}

impl RangeBound for f32 {
    fn to_number(self) -> Option<Number> {
        Number::from_f64(f64::from(self))
    }
}

/// `value` as a JSON number, for a bound written as an expression.
pub fn bound<B: RangeBound>(value: B) -> Option<Number> {
    value.to_number()
}

/// The source of the regex of a `regex(path = ...)` rule.
pub fn regex_source(regex: &regex::Regex) -> &str {
    regex.as_str()
}

/// One field's schema while its rules are applied.
#[derive(Debug)]
pub struct FieldSchema {
    schema: Map<String, Value>,
    nullable: bool,
    required: bool,
}

impl FieldSchema {
    /// A field of a type with schema `schema`; `nullable` when serde may leave it out.
    pub fn new(schema: Value, nullable: bool) -> Self {
        Self {
            schema: into_object(schema),
            nullable,
            required: false,
        }
    }

    /// A field of a type without a schema, or whose JSON form is not its type's (with
    /// `#[serde(deserialize_with = ...)]`): anything, as far as the schema can tell.
    pub fn opaque(rust_type: &str) -> Self {
        Self::new(json!({ "x-vetted-rust-type": rust_type }), false)
    }

    /// Whether the schema describes the JSON type `name` (besides `null`).
    fn is(&self, name: &str) -> bool {
        primary_type(&self.schema) == Some(name)
    }

    /// `length(min, max, equal)`: characters of text, items of arrays, members of
    /// objects.
    pub fn length(&mut self, min: Option<usize>, max: Option<usize>, equal: Option<usize>) {
        let (min_key, max_key) = match primary_type(&self.schema) {
            Some("string") => ("minLength", "maxLength"),
            Some("array") => ("minItems", "maxItems"),
            Some("object") => ("minProperties", "maxProperties"),
            _ => return add_vetted_rule(&mut self.schema, "length"),
        };
        let object = &mut self.schema;
        if let Some(min) = min.or(equal) {
            tighten(object, min_key, min.into(), Side::Lower);
        }
        if let Some(max) = max.or(equal) {
            tighten(object, max_key, max.into(), Side::Upper);
        }
    }

    /// `range(min, max, exclusive_min, exclusive_max)`.
    pub fn range(
        &mut self,
        min: Option<Number>,
        max: Option<Number>,
        exclusive_min: Option<Number>,
        exclusive_max: Option<Number>,
    ) {
        if !self.is("integer") && !self.is("number") {
            return add_vetted_rule(&mut self.schema, "range");
        }
        let object = &mut self.schema;
        let bounds = [
            ("minimum", min, Side::Lower),
            ("maximum", max, Side::Upper),
            ("exclusiveMinimum", exclusive_min, Side::Lower),
            ("exclusiveMaximum", exclusive_max, Side::Upper),
        ];
        for (key, bound, side) in bounds {
            if let Some(bound) = bound {
                tighten(object, key, bound, side);
            }
        }
    }

    /// A text rule stated as a keyword; listed in `x-vetted-rules` on a non-text type.
    fn text_constraint(&mut self, rule: &str, key: &str, value: Value) {
        if self.is("string") {
            add_constraint(&mut self.schema, key, value);
        } else {
            add_vetted_rule(&mut self.schema, rule);
        }
    }

    /// `email`: `format: email`.
    pub fn email(&mut self) {
        self.text_constraint("email", "format", "email".into());
    }

    /// `url(schemes(...))`: `format: uri` and a pattern for the schemes.
    pub fn url(&mut self, schemes: &[&str]) {
        self.text_constraint("url", "format", "uri".into());
        self.text_constraint("url", "pattern", scheme_pattern(schemes).into());
    }

    /// `regex(path = ...)`: the regex's source as a pattern.
    pub fn regex(&mut self, source: &str) {
        self.text_constraint("regex", "pattern", source.into());
    }

    /// `contains(pattern = ...)`: the escaped text as a pattern.
    pub fn contains(&mut self, text: &str) {
        self.text_constraint("contains", "pattern", literal_pattern(text).into());
    }

    /// `non_control_character`: a pattern refusing every control character.
    pub fn non_control_character(&mut self) {
        self.text_constraint(
            "non_control_character",
            "pattern",
            NON_CONTROL_PATTERN.into(),
        );
    }

    /// `required`: the field must be present and not `null`.
    pub fn required(&mut self) {
        refuse_null(&mut self.schema);
        self.required = true;
    }

    /// A rule the schema cannot state, listed in `x-vetted-rules`.
    pub fn unstated(&mut self, rule: &str) {
        add_vetted_rule(&mut self.schema, rule);
    }
}

/// `schema` as an object schema: `true` is `{}`, and `false` goes under `allOf`.
fn into_object(schema: Value) -> Map<String, Value> {
    match schema {
        Value::Object(object) => object,
        Value::Bool(true) | Value::Null => Map::new(),
        other => {
            let mut object = Map::new();
            object.insert("allOf".into(), json!([other]));
            object
        }
    }
}

/// A struct's schema while its fields are added.
#[derive(Debug)]
pub struct ObjectSchema {
    title: String,
    description: Option<String>,
    properties: Map<String, Value>,
    required: Vec<Value>,
}

impl ObjectSchema {
    /// The schema of struct `title`, with its doc comment as `description`.
    pub fn new(title: &str, description: Option<&str>) -> Self {
        Self {
            title: title.to_owned(),
            description: description.map(str::to_owned),
            properties: Map::new(),
            required: Vec::new(),
        }
    }

    /// Adds the field serde calls `name`. It is required unless its type is nullable
    /// or it has a serde default, and always with the `required` rule.
    pub fn property(
        &mut self,
        name: &str,
        mut field: FieldSchema,
        has_default: bool,
        description: Option<&str>,
    ) {
        if let Some(description) = description {
            field
                .schema
                .insert("description".into(), description.into());
        }
        if field.required || !(field.nullable || has_default) {
            self.required.push(name.into());
        }
        self.properties
            .insert(name.to_owned(), Value::Object(field.schema));
    }

    /// The finished schema: an object with exactly these properties.
    pub fn finish(self) -> Value {
        let mut object = Map::new();
        object.insert("type".into(), "object".into());
        object.insert("title".into(), self.title.into());
        if let Some(description) = self.description {
            object.insert("description".into(), description.into());
        }
        object.insert("properties".into(), Value::Object(self.properties));
        object.insert("required".into(), Value::Array(self.required));
        object.insert("additionalProperties".into(), false.into());
        Value::Object(object)
    }
}
