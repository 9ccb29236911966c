//! JSON Schema (draft 2020-12) of task payloads, for producers in other languages.
//!
//! Every `#[vetted::task]` type has [`Task::json_schema`], and the CLI that
//! `vetted::main!` generates prints it with `schema [<type>]`. A producer that checks a
//! payload against it before enqueueing learns about most mistakes without a round
//! trip through the worker.
//!
//! # What the schema says
//!
//! - The payload is an object with serde's (renamed) field names as `properties`,
//!   `additionalProperties: false` (unknown fields are refused), and every field that
//!   serde cannot leave out in `required` (not an `Option`, no `#[serde(default)]`).
//! - Each field's shape comes from its type through [`SchemaType`]: integers carry the
//!   bounds of their Rust type, `Option<T>` allows `null`, a nested
//!   `#[derive(vetted::Validate)]` struct is a `$ref` into `$defs`.
//! - Rules become keywords: `length` is `minLength`/`maxLength` on text (counted in
//!   characters, like the rule) and `minItems`/`maxItems` on collections; `range` is
//!   `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`; `email` is
//!   `format: email`; `url` is `format: uri` with a `pattern` for the allowed schemes;
//!   `regex` is a `pattern` holding the regex's source; `contains` is a `pattern`
//!   holding the escaped text; `non_control_character` is a `pattern` of
//!   [`NON_CONTROL_PATTERN`]; `required` puts an `Option` field in `required` and drops
//!   its `null`. A field with several patterns gets the extra ones under `allOf`.
//! - Rules that a schema cannot state (`custom`, `must_match`, `does_not_contain`, and
//!   checks of the safe field types beyond their shape) are listed by name in the
//!   field's `x-vetted-rules`, so a producer knows the worker checks more.
//! - The root also has `title` (the task type name), `description` (the struct's doc
//!   comment), `x-vetted-queue` and `x-vetted-schema-version`.
//!
//! For the rules it states, the schema and the worker agree on ordinary payloads. The
//! known edges: a `regex` pattern is the Rust source, whose syntax can differ from the
//! validator's dialect (ECMA-262 for most); `format` checks differ between validators
//! (the worker checks email syntax as HTML forms do, and URLs with the `url` crate,
//! which also trims leading spaces that the scheme pattern refuses); the text types'
//! byte limits are stated as character limits, which are looser. A payload that the
//! schema accepts can still be refused for a rule in `x-vetted-rules`.
//!
//! # Example
//!
//! ```
//! use vetted::Task;
//!
//! /// Resizes an image.
//! #[vetted::task(name = "image:resize")]
//! struct Resize {
//!     #[validate(range(min = 16, max = 4096))]
//!     width: u32,
//!     label: Option<String>,
//! }
//!
//! let schema = Resize::json_schema();
//! assert_eq!(schema["title"], "image:resize");
//! assert_eq!(schema["description"], "Resizes an image.");
//! assert_eq!(schema["required"], serde_json::json!(["width"]));
//! assert_eq!(schema["properties"]["width"]["maximum"], 4096);
//! assert_eq!(schema["properties"]["label"]["type"], serde_json::json!(["string", "null"]));
//! ```

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use crate::task::Task;

pub(crate) mod codegen;
mod keywords;
mod safe_types;
mod std_impls;
#[cfg(test)]
mod tests;

pub use keywords::NON_CONTROL_PATTERN;

/// The `$schema` of every exported schema: JSON Schema draft 2020-12.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// A type whose JSON form has a JSON Schema.
///
/// Implemented for the standard leaves and collections that [`Validate`] covers, for
/// the [safe field types](crate::types), for task structs by `#[vetted::task]`, and for
/// nested structs by `#[derive(vetted::Validate)]`. A field whose type has no
/// `SchemaType` still compiles: its schema is `{}` (anything), marked with
/// `x-vetted-rust-type`.
///
/// [`Validate`]: crate::validate::Validate
///
/// # Example
///
/// An enum that serde writes as a string, described by hand:
///
/// ```
/// use serde_json::{Value, json};
/// use vetted::schema::{Definitions, SchemaType};
///
/// #[derive(serde::Deserialize)]
/// #[serde(rename_all = "lowercase")]
/// enum Size {
///     Small,
///     Large,
/// }
///
/// impl SchemaType for Size {
///     fn schema(_: &mut Definitions) -> Value {
///         json!({ "type": "string", "enum": ["small", "large"] })
///     }
/// }
///
/// let schema = <Option<Size>>::schema(&mut Definitions::default());
/// assert_eq!(schema["anyOf"][1], json!({ "type": "null" }));
/// ```
pub trait SchemaType {
    /// Whether the value may be `null`, so that serde also accepts its field missing:
    /// true for `Option<T>`.
    const NULLABLE: bool = false;

    /// The schema of the type's JSON form. Named struct types go into `defs` and
    /// return a `$ref` to it.
    fn schema(defs: &mut Definitions) -> Value;
}

/// The `$defs` of one schema being built: the struct types met so far, by name.
///
/// A struct is described once and referred to with `{"$ref": "#/$defs/Name"}`
/// everywhere it occurs, which also ends the recursion of recursive types. The task
/// struct itself is the schema's root: references to it are `{"$ref": "#"}`.
#[derive(Debug, Default)]
pub struct Definitions {
    /// The `$defs` key of each type, by `std::any::type_name`.
    keys: HashMap<&'static str, String>,
    /// The schemas, by key; `Null` while one is being built.
    schemas: BTreeMap<String, Value>,
    /// The root type, described inline rather than in `$defs`.
    root: Option<&'static str>,
    /// Whether the root's schema has been started.
    root_started: bool,
}

impl Definitions {
    /// A collector whose root is the struct `T`.
    pub fn rooted_at<T: ?Sized>() -> Self {
        Self {
            root: Some(std::any::type_name::<T>()),
            ..Self::default()
        }
    }

    /// The schema of struct `T` called `name`: built with `build` the first time, then
    /// referred to. Called by the generated `SchemaType` of structs.
    pub fn reference<T: ?Sized>(
        &mut self,
        name: &str,
        build: impl FnOnce(&mut Self) -> Value,
    ) -> Value {
        let type_name = std::any::type_name::<T>();
        if self.root == Some(type_name) {
            if self.root_started {
                return json!({ "$ref": "#" });
            }
            self.root_started = true;
            return build(self);
        }
        if let Some(key) = self.keys.get(type_name) {
            return reference_to(key);
        }
        let key = self.free_key(name);
        self.keys.insert(type_name, key.clone());
        self.schemas.insert(key.clone(), Value::Null);
        let schema = build(self);
        self.schemas.insert(key.clone(), schema);
        reference_to(&key)
    }

    /// `name`, or `name_2`, `name_3`, ... if another type already has it.
    fn free_key(&self, name: &str) -> String {
        let taken = |key: &String| self.schemas.contains_key(key);
        let mut key = name.to_owned();
        let mut suffix = 2;
        while taken(&key) {
            key = format!("{name}_{suffix}");
            suffix += 1;
        }
        key
    }

    /// The collected schemas, as the value of `$defs`.
    pub fn into_defs(self) -> Map<String, Value> {
        self.schemas.into_iter().collect()
    }
}

fn reference_to(key: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{key}") })
}

/// The full schema of task `T`: its struct inline at the root, `$defs` for nested
/// structs, and the task's name, queue and schema version.
///
/// This is what [`Task::json_schema`] returns.
pub fn task_schema<T: Task>() -> Value {
    let mut defs = Definitions::rooted_at::<T>();
    let mut root = T::schema(&mut defs);
    let defs = defs.into_defs();
    if let Value::Object(object) = &mut root {
        object.insert("$schema".into(), DIALECT.into());
        object.insert("title".into(), T::NAME.into());
        object.insert("x-vetted-queue".into(), T::OPTIONS.queue.into());
        let version = T::OPTIONS.schema_version;
        object.insert("x-vetted-schema-version".into(), version.into());
        if !defs.is_empty() {
            object.insert("$defs".into(), Value::Object(defs));
        }
    }
    root
}
