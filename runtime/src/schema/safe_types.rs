//! [`SchemaType`] for the [safe field types](crate::types).
//!
//! Their byte limits are stated as `maxLength`, which counts characters: a looser
//! bound, as a character is at least one byte. Checks that a pattern cannot state
//! simply are named in `x-vetted-rules`.

use serde_json::{Value, json};

use super::keywords::VETTED_RULES;
use super::{Definitions, SchemaType};
use crate::types::{
    CmdArg, FiniteF64, HostPolicy, HttpUrl, HttpsUrl, NonEmpty, RelativePath, SingleLine,
};

/// No control character, line or paragraph separator, or bidirectional control.
const SINGLE_LINE_PATTERN: &str =
    r"^[^\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]*$";

/// No control character, and no `-` first.
const CMD_ARG_PATTERN: &str = r"^[^\-\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$";

/// Plain components separated by single `/`: no leading or trailing `/`, no empty
/// component, no `\`, no control character. `.`, `..` and drive prefixes are left to
/// the worker.
const RELATIVE_PATH_PATTERN: &str =
    r"^[^/\\\u0000-\u001F\u007F-\u009F]+(?:/[^/\\\u0000-\u001F\u007F-\u009F]+)*$";

/// At least one character that is not white space.
const NON_BLANK_PATTERN: &str = r"\S";

impl<const MAX: usize> SchemaType for SingleLine<MAX> {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "string", "maxLength": MAX, "pattern": SINGLE_LINE_PATTERN })
    }
}

impl SchemaType for CmdArg {
    fn schema(_: &mut Definitions) -> Value {
        json!({
            "type": "string",
            "minLength": 1,
            "maxLength": CmdArg::MAX_BYTES,
            "pattern": CMD_ARG_PATTERN,
        })
    }
}

impl SchemaType for RelativePath {
    fn schema(_: &mut Definitions) -> Value {
        json!({
            "type": "string",
            "maxLength": RelativePath::MAX_BYTES,
            "pattern": RELATIVE_PATH_PATTERN,
            VETTED_RULES: ["relative_path"],
        })
    }
}

/// Only white space is refused here; text made of invisible characters is refused
/// by the worker.
impl SchemaType for NonEmpty {
    fn schema(_: &mut Definitions) -> Value {
        json!({
            "type": "string",
            "minLength": 1,
            "maxLength": NonEmpty::MAX_BYTES,
            "pattern": NON_BLANK_PATTERN,
            VETTED_RULES: ["non_empty"],
        })
    }
}

impl SchemaType for FiniteF64 {
    fn schema(_: &mut Definitions) -> Value {
        json!({ "type": "number" })
    }
}

/// An `http` or `https` URL with no white space or control character.
const HTTP_URL_PATTERN: &str = r"^[hH][tT][tT][pP][sS]?:[^\s\u0000-\u001F\u007F-\u009F]*$";

/// An `https` URL with no white space or control character.
const HTTPS_URL_PATTERN: &str = r"^[hH][tT][tT][pP][sS]:[^\s\u0000-\u001F\u007F-\u009F]*$";

/// The schema of a URL text type matching `pattern`; the host allow-list and the
/// other checks stay with the worker.
fn url_schema(pattern: &str, max_bytes: usize) -> Value {
    json!({
        "type": "string",
        "format": "uri",
        "maxLength": max_bytes,
        "pattern": pattern,
        VETTED_RULES: ["allowed_host"],
    })
}

impl<P: HostPolicy> SchemaType for HttpUrl<P> {
    fn schema(_: &mut Definitions) -> Value {
        url_schema(HTTP_URL_PATTERN, HttpUrl::<P>::MAX_BYTES)
    }
}

impl<P: HostPolicy> SchemaType for HttpsUrl<P> {
    fn schema(_: &mut Definitions) -> Value {
        url_schema(HTTPS_URL_PATTERN, HttpsUrl::<P>::MAX_BYTES)
    }
}
