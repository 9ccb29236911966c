//! The JSON stage: strict decoding of payload bytes whose signature has already been
//! checked.
//!
//! [`decode`] is the only place where the worker hands payload bytes to a JSON parser.
//! It uses `serde_json` as shipped, with these rules:
//!
//! - the input must be UTF-8 throughout (RFC 8259 §8.1), even in parts the target type
//!   ignores, and must not start with a byte order mark;
//! - it must hold exactly one JSON value, with nothing but whitespace after it;
//! - values decoded into a type nest fewer than 128 levels (serde_json's recursion
//!   limit; its `unbounded_depth` feature must stay off); parts the type ignores are
//!   skipped by a loop, not by recursion, so no input can exhaust the stack;
//! - numbers never keep their text (`arbitrary_precision` must stay off), so a value out
//!   of range for its field is an error rather than a silent loss.
//!
//! Unknown and duplicate fields are refused by the derive that `#[vetted::task]`
//! generates, not here.
//!
//! Every call counts towards [`parse_calls`], which lets tests prove that no payload
//! reaches the parser before its MAC has been checked.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;

/// Calls of [`decode`] since the process started.
static PARSE_CALLS: AtomicU64 = AtomicU64::new(0);

/// The UTF-8 encoding of U+FEFF, which some editors write before a document.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The start of `serde_json`'s message for input nested past its limit. The message is
/// not a public API; `tests/json_suite.rs` pins that deep input still maps to
/// [`JsonErrorKind::Depth`].
const DEPTH_MESSAGE: &str = "recursion limit exceeded";

/// What kind of problem the payload has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// Not JSON: a bad token, bytes that are not UTF-8, a byte order mark, or data after
    /// the value.
    Syntax,
    /// Arrays and objects nested 128 levels or deeper in the decoded value.
    Depth,
    /// The input ended inside a value.
    Eof,
    /// Valid JSON that does not fit the target type: wrong type, out-of-range number,
    /// unknown, missing or duplicate field.
    Data,
}

impl JsonErrorKind {
    /// A short lowercase name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonErrorKind::Syntax => "syntax",
            JsonErrorKind::Depth => "depth",
            JsonErrorKind::Eof => "eof",
            JsonErrorKind::Data => "data",
        }
    }
}

/// A payload that [`decode`] refused.
///
/// It holds the kind of problem and where it was found, never any byte of the input:
/// `serde_json`'s own messages may quote field names and values, so they are dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonError {
    kind: JsonErrorKind,
    detail: Option<&'static str>,
    line: u32,
    column: u32,
}

impl JsonError {
    /// What kind of problem the payload has.
    pub fn kind(&self) -> JsonErrorKind {
        self.kind
    }

    /// What the value got wrong, as a short `snake_case` word, when it is known:
    /// `unknown_field`, `missing_field`, `duplicate_field`, `unknown_variant`,
    /// `wrong_type`, `bad_value`, `bad_length` or `out_of_range`.
    pub fn detail(&self) -> Option<&'static str> {
        self.detail
    }

    /// The 1-based line where the problem was found (0 when unknown).
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// The 1-based column where the problem was found (0 when unknown).
    pub fn column(&self) -> usize {
        self.column as usize
    }

    /// A syntax error at byte `offset` of `payload`, which is valid UTF-8 before it.
    fn syntax_at(payload: &[u8], offset: usize) -> Self {
        let before = &payload[..offset];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        Self {
            kind: JsonErrorKind::Syntax,
            detail: None,
            line: position(line),
            column: position(column),
        }
    }

    fn from_serde(err: &serde_json::Error) -> Self {
        let kind = match err.classify() {
            serde_json::error::Category::Data => JsonErrorKind::Data,
            serde_json::error::Category::Eof => JsonErrorKind::Eof,
            serde_json::error::Category::Syntax if is_depth_error(err) => JsonErrorKind::Depth,
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                JsonErrorKind::Syntax
            }
        };
        Self {
            kind,
            detail: detail_of(err),
            line: position(err.line()),
            column: position(err.column()),
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid json ({}", self.kind.as_str())?;
        if let Some(detail) = self.detail {
            write!(f, ": {detail}")?;
        }
        write!(f, ") at line {} column {}", self.line, self.column)
    }
}

impl std::error::Error for JsonError {}

/// The start of each `serde` and `serde_json` message that names a known problem, and
/// the word [`JsonError::detail`] gives for it. Only these fixed prefixes are read; the
/// rest of the message, which may quote the input, is dropped.
const DETAILS: [(&str, &str); 8] = [
    ("unknown field", "unknown_field"),
    ("missing field", "missing_field"),
    ("duplicate field", "duplicate_field"),
    ("unknown variant", "unknown_variant"),
    ("invalid type", "wrong_type"),
    ("invalid value", "bad_value"),
    ("invalid length", "bad_length"),
    ("number out of range", "out_of_range"),
];

fn detail_of(err: &serde_json::Error) -> Option<&'static str> {
    let message = err.to_string();
    DETAILS
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix))
        .map(|&(_, word)| word)
}

/// A line or column number as stored; inputs are far below 4 GiB, and a larger number
/// saturates rather than wraps.
fn position(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn is_depth_error(err: &serde_json::Error) -> bool {
    err.to_string().starts_with(DEPTH_MESSAGE)
}

/// Decodes `payload` as exactly one JSON value of type `T`.
///
/// Refused: input that is not UTF-8 or starts with a byte order mark, anything but
/// whitespace after the value, values that nest 128 levels or deeper inside `T`, and
/// whatever `T`'s `Deserialize` refuses. The error never contains input bytes.
pub fn decode<T: DeserializeOwned>(payload: &[u8]) -> Result<T, JsonError> {
    PARSE_CALLS.fetch_add(1, Ordering::Relaxed);
    if payload.starts_with(UTF8_BOM) {
        return Err(JsonError::syntax_at(payload, 0));
    }
    let text = std::str::from_utf8(payload)
        .map_err(|err| JsonError::syntax_at(payload, err.valid_up_to()))?;
    serde_json::from_str(text).map_err(|err| JsonError::from_serde(&err))
}

/// How many times [`decode`] has been called in this process, whatever the outcome.
///
/// For tests that check the order of the worker's stages; not a stable API.
#[doc(hidden)]
pub fn parse_calls() -> u64 {
    PARSE_CALLS.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_a_syntax_error() {
        let err = decode::<serde::de::IgnoredAny>(b"\xEF\xBB\xBF{}").unwrap_err();
        assert_eq!(err.kind(), JsonErrorKind::Syntax);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_a_syntax_error_where_they_start() {
        let err = decode::<serde::de::IgnoredAny>(b"[\"a\",\n \"\xC3\x28\"]").unwrap_err();
        assert_eq!(
            (err.kind(), err.line(), err.column()),
            (JsonErrorKind::Syntax, 2, 3)
        );
    }

    #[test]
    fn trailing_data_is_refused_and_trailing_whitespace_is_not() {
        assert_eq!(
            decode::<u32>(b"1 2").unwrap_err().kind(),
            JsonErrorKind::Syntax
        );
        assert_eq!(decode::<u32>(b" 1 \n\t").unwrap(), 1);
    }

    #[test]
    fn kinds_follow_serde_json_categories() {
        assert_eq!(
            decode::<Vec<u32>>(b"[1").unwrap_err().kind(),
            JsonErrorKind::Eof
        );
        assert_eq!(
            decode::<u32>(b"\"5\"").unwrap_err().kind(),
            JsonErrorKind::Data
        );
        let deep = vec![b'['; 200];
        assert_eq!(
            decode::<serde_json::Value>(&deep).unwrap_err().kind(),
            JsonErrorKind::Depth
        );
    }

    #[test]
    fn the_message_quotes_no_input() {
        let err = decode::<std::collections::BTreeMap<String, u32>>(br#"{"secret-key":"hunter2"}"#)
            .unwrap_err();
        let text = err.to_string();
        assert!(
            !text.contains("secret") && !text.contains("hunter2"),
            "{text}"
        );
        assert_eq!(text, "invalid json (data: wrong_type) at line 1 column 23");
    }

    #[test]
    fn details_name_the_problem_without_quoting_it() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Order {
            amount: u32,
        }
        let detail = |input: &str| decode::<Order>(input.as_bytes()).unwrap_err().detail();
        assert_eq!(
            detail(r#"{"amount":1,"admin":true}"#),
            Some("unknown_field")
        );
        assert_eq!(detail("{}"), Some("missing_field"));
        assert_eq!(detail(r#"{"amount":"1"}"#), Some("wrong_type"));
        assert_eq!(detail(r#"{"amount":-1}"#), Some("bad_value"));
        assert_eq!(detail(r#"{"amount":1e400}"#), Some("out_of_range"));
        assert_eq!(detail(r#"{"amount":1"#), None);
    }

    #[test]
    fn every_call_is_counted() {
        let before = parse_calls();
        let _ = decode::<u32>(b"1");
        let _ = decode::<u32>(b"\xEF\xBB\xBF1");
        assert!(parse_calls() >= before + 2);
    }
}
