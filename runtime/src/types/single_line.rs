//! [`SingleLine`]: text that stays on one line wherever it is written or shown.

use super::chars::{is_bidi_control, is_control, is_line_separator};
use super::text::{deref_str, text_type};

/// One line of text, at most `MAX` bytes (1024 unless given).
///
/// Refused: every control character (so CR, LF, NUL, ESC, DEL, NEL), U+2028 LINE
/// SEPARATOR and U+2029 PARAGRAPH SEPARATOR, and the bidirectional embedding, override
/// and isolate controls U+202A–U+202E and U+2066–U+2069. Such a value cannot forge
/// an extra line in a log or an email header, move a terminal cursor, or show its
/// characters in a different order than they are stored. The empty string is a valid
/// line; use [`NonEmpty`](super::NonEmpty) when a value is required.
///
/// The bound is in bytes, not characters: `"😀"` is 4 bytes.
///
/// # Example
///
/// ```
/// use vetted::types::SingleLine;
///
/// let subject: SingleLine = SingleLine::try_new("Your order has shipped")?;
/// assert_eq!(subject, "Your order has shipped");
///
/// assert!(SingleLine::<1024>::try_new("hi\r\nBcc: victim@example.com").is_err());
/// assert!(SingleLine::<1024>::try_new("invoice\u{202E}fdp.exe").is_err());
/// assert!(SingleLine::<4>::try_new("12345").is_err());
/// # Ok::<(), vetted::types::SingleLineError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SingleLine<const MAX: usize = 1024>(String);

/// Why a text is not a [`SingleLine`]. The message names the rule, never the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SingleLineError {
    /// The text is longer than the type's byte limit.
    #[error("single line is longer than {max} bytes")]
    TooLong {
        /// The limit, in bytes.
        max: usize,
    },
    /// The text has a control character (CR, LF, NUL, ESC, ...).
    #[error("single line contains a control character")]
    ControlCharacter,
    /// The text has U+2028 or U+2029.
    #[error("single line contains a Unicode line or paragraph separator")]
    LineSeparator,
    /// The text has a bidirectional embedding, override or isolate control.
    #[error("single line contains a bidirectional control character")]
    BidiControl,
}

impl<const MAX: usize> SingleLine<MAX> {
    /// The longest text accepted, in bytes.
    pub const MAX_BYTES: usize = MAX;

    /// Checks `text` and copies it into a `SingleLine`.
    pub fn try_new(text: &str) -> Result<Self, SingleLineError> {
        check(text, MAX)?;
        Ok(Self(text.to_owned()))
    }

    /// The line as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The line as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

text_type!(impl[const MAX: usize] SingleLine<MAX>, SingleLineError, "a single line of text");
deref_str!(impl[const MAX: usize] SingleLine<MAX>);

/// Applies the rules in the order of the type docs.
fn check(text: &str, max: usize) -> Result<(), SingleLineError> {
    if text.len() > max {
        return Err(SingleLineError::TooLong { max });
    }
    for c in text.chars() {
        if is_control(c) {
            return Err(SingleLineError::ControlCharacter);
        }
        if is_line_separator(c) {
            return Err(SingleLineError::LineSeparator);
        }
        if is_bidi_control(c) {
            return Err(SingleLineError::BidiControl);
        }
    }
    Ok(())
}
