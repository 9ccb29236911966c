//! [`NonEmpty`]: required text that has something visible in it.

use super::chars::{is_blank, is_default_ignorable, is_variation_selector};
use super::text::{deref_str, text_type};

/// Trimmed text with at least one visible character, at most [`NonEmpty::MAX_BYTES`]
/// bytes before trimming.
///
/// Refused: text made only of white space, default-ignorable code points (U+200B ZERO
/// WIDTH SPACE, U+200C, U+200D, U+2060 WORD JOINER, U+FEFF, the soft hyphen, Hangul
/// fillers, variation selectors, tag characters, ...) and U+2800 BRAILLE PATTERN BLANK,
/// which all show as nothing. A `length(min = 1)` rule lets `"\u{200b}"` through; this
/// type does not.
///
/// Kept: the text with white space and default-ignorable code points taken off both
/// ends; only variation selectors at the end stay, as they belong to the character
/// before them (`"❤\u{fe0f}"` keeps its emoji form). Invisible characters inside the
/// text stay too: zero width joiners build emoji sequences such as a family.
///
/// # Example
///
/// ```
/// use vetted::types::NonEmpty;
///
/// let name = NonEmpty::try_new("  \u{200b}Ann Lee\n")?;
/// assert_eq!(name, "Ann Lee");
///
/// for blank in ["", "   ", "\u{200b}\u{200b}", "\u{feff}\u{2060}\t"] {
///     assert!(NonEmpty::try_new(blank).is_err());
/// }
/// # Ok::<(), vetted::types::NonEmptyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NonEmpty(String);

/// Why a text is not a [`NonEmpty`]. The message names the rule, never the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NonEmptyError {
    /// The text is longer than [`NonEmpty::MAX_BYTES`].
    #[error("text is longer than {} bytes", NonEmpty::MAX_BYTES)]
    TooLong,
    /// The text is empty or shows nothing: only white space or invisible characters.
    #[error("text is empty or blank")]
    Blank,
}

impl NonEmpty {
    /// The longest text accepted, in bytes, counted before trimming.
    pub const MAX_BYTES: usize = 4096;

    /// Checks `text` and keeps its trimmed form.
    pub fn try_new(text: &str) -> Result<Self, NonEmptyError> {
        if text.len() > Self::MAX_BYTES {
            return Err(NonEmptyError::TooLong);
        }
        if text.chars().all(is_blank) {
            return Err(NonEmptyError::Blank);
        }
        Ok(Self(trim(text).to_owned()))
    }

    /// The trimmed text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The trimmed text as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

text_type!(impl[] NonEmpty, NonEmptyError, "a non-empty text");
deref_str!(impl[] NonEmpty);

/// `text` without white space and default-ignorable code points at either end;
/// variation selectors stay, as they belong to the character before them.
fn trim(text: &str) -> &str {
    let trimmable = |c: char| c.is_whitespace() || is_default_ignorable(c);
    let start = text.trim_start_matches(trimmable);
    start.trim_end_matches(|c: char| trimmable(c) && !is_variation_selector(c))
}
