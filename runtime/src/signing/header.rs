//! The `vetted-sig` header value: strict parsing and formatting.
//!
//! `v1:<kid>:<iat>:<exp>:<nbf>:<max_retry>:<schema>:<mac>`, at most 256 ASCII bytes. The
//! parser works on borrowed slices of the value and a fixed-size array of fields, so what it
//! allocates never depends on the input.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::key_id;
use super::primitive::TAG_LEN;
use crate::reason::Reason;

/// Longest accepted header value, in bytes.
pub(crate) const MAX_HEADER_LEN: usize = 256;

/// The only scheme version this crate knows.
pub(crate) const VERSION: &str = "v1";

/// Number of `:`-separated fields.
const FIELD_COUNT: usize = 8;

/// Length of a 32-byte tag in unpadded base64url.
const TAG_TEXT_LEN: usize = 43;

/// Largest value of any decimal field (2^63 - 1).
const MAX_DECIMAL: u64 = i64::MAX as u64;

/// Most digits of a decimal field.
const MAX_DIGITS: usize = 19;

/// Largest `max_retry` (2^31 - 1, asynq's `int32` retry count).
const MAX_RETRY: u64 = i32::MAX as u64;

/// The signed fields after the version, exactly as written in the header.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldText<'a> {
    pub(crate) kid: &'a str,
    pub(crate) iat: &'a str,
    pub(crate) exp: &'a str,
    pub(crate) nbf: &'a str,
    pub(crate) max_retry: &'a str,
    pub(crate) schema: &'a str,
}

/// A header value that passed every syntax rule.
#[derive(Debug)]
pub(crate) struct ParsedHeader<'a> {
    pub(crate) text: FieldText<'a>,
    pub(crate) issued_at: u64,
    pub(crate) expires_at: u64,
    pub(crate) not_before: u64,
    pub(crate) max_retry: u32,
    pub(crate) schema_version: u32,
    pub(crate) tag: [u8; TAG_LEN],
}

/// Why a header value was refused, and its key id when that field was well formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HeaderError<'a> {
    pub(crate) reason: Reason,
    pub(crate) key_id: Option<&'a str>,
}

/// Parses a header value, applying steps 2 to 4 of the verification order.
pub(crate) fn parse(value: &str) -> Result<ParsedHeader<'_>, HeaderError<'_>> {
    let malformed = |key_id| HeaderError {
        reason: Reason::MalformedSignature,
        key_id,
    };
    if value.len() > MAX_HEADER_LEN {
        return Err(malformed(None));
    }
    let [version, kid, iat, exp, nbf, max_retry, schema, tag] =
        split_fields(value).ok_or(malformed(None))?;
    if version != VERSION {
        return Err(HeaderError {
            reason: Reason::UnsupportedScheme,
            key_id: None,
        });
    }
    if !key_id::is_valid(kid) {
        return Err(malformed(None));
    }
    let text = FieldText {
        kid,
        iat,
        exp,
        nbf,
        max_retry,
        schema,
    };
    parse_values(text, tag).ok_or(malformed(Some(kid)))
}

/// Formats a header value from the signed fields and the tag.
pub(crate) fn format(text: &FieldText<'_>, tag: &[u8; TAG_LEN]) -> String {
    let FieldText {
        kid,
        iat,
        exp,
        nbf,
        max_retry,
        schema,
    } = text;
    let tag = URL_SAFE_NO_PAD.encode(tag);
    format!("{VERSION}:{kid}:{iat}:{exp}:{nbf}:{max_retry}:{schema}:{tag}")
}

/// Splits into exactly eight fields, or `None`.
fn split_fields(value: &str) -> Option<[&str; FIELD_COUNT]> {
    let mut parts = value.split(':');
    let mut fields = [""; FIELD_COUNT];
    for field in &mut fields {
        *field = parts.next()?;
    }
    parts.next().is_none().then_some(fields)
}

/// Checks the numeric fields, the tag and the rules between fields.
fn parse_values<'a>(text: FieldText<'a>, tag: &str) -> Option<ParsedHeader<'a>> {
    let issued_at = decimal(text.iat).filter(|&iat| iat >= 1)?;
    let expires_at = decimal(text.exp)?;
    let not_before = decimal(text.nbf)?;
    let max_retry = decimal(text.max_retry).filter(|&n| n <= MAX_RETRY)?;
    let schema_version = decimal(text.schema).and_then(|n| u32::try_from(n).ok())?;
    if schema_version == 0 || !times_are_ordered(issued_at, expires_at, not_before) {
        return None;
    }
    Some(ParsedHeader {
        text,
        issued_at,
        expires_at,
        not_before,
        max_retry: u32::try_from(max_retry).ok()?,
        schema_version,
        tag: decode_tag(tag)?,
    })
}

/// `exp` (when set) is not before `iat`, and `nbf` (when both are set) is not after `exp`.
pub(crate) fn times_are_ordered(issued_at: u64, expires_at: u64, not_before: u64) -> bool {
    let exp_ok = expires_at == 0 || expires_at >= issued_at;
    let nbf_ok = not_before == 0 || expires_at == 0 || not_before <= expires_at;
    exp_ok && nbf_ok
}

/// An unsigned decimal: digits only, no leading zero unless the value is `0`, at most 19
/// digits and at most 2^63 - 1.
fn decimal(text: &str) -> Option<u64> {
    let digits = text.as_bytes();
    let shape_ok = match digits {
        [] => false,
        [b'0', _, ..] => false,
        _ => digits.len() <= MAX_DIGITS && digits.iter().all(u8::is_ascii_digit),
    };
    if !shape_ok {
        return None;
    }
    // Nineteen digits always fit in a u64, so only the 2^63 - 1 bound remains.
    text.parse::<u64>()
        .ok()
        .filter(|&value| value <= MAX_DECIMAL)
}

/// A 43-character unpadded base64url tag whose last character encodes zero padding bits.
fn decode_tag(text: &str) -> Option<[u8; TAG_LEN]> {
    if text.len() != TAG_TEXT_LEN {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    // The engine refuses non-zero trailing bits, so every tag has exactly one spelling.
    let written = URL_SAFE_NO_PAD.decode_slice(text, &mut tag).ok()?;
    (written == TAG_LEN).then_some(tag)
}

#[cfg(test)]
#[path = "header_tests.rs"]
mod tests;
