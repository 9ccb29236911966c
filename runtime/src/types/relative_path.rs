//! [`RelativePath`]: a path that stays under whatever directory it is joined to.

use std::path::{Path, PathBuf};

use super::chars::is_control;
use super::text::{deref_str, text_type};

/// A relative path made only of plain names separated by `/`, at most
/// [`RelativePath::MAX_BYTES`] bytes.
///
/// Refused: the empty path, a leading `/` (absolute), `..` and `.` components, empty
/// components (`a//b`, a trailing `/`), any `\` (a separator on Windows), a Windows
/// drive prefix (`C:` at the start), NUL and every other control character. So every
/// component is a `Normal` one on Unix and on Windows, and
/// [`join_under`](Self::join_under) cannot leave its base directory lexically.
///
/// # Symlinks
///
/// The checks are lexical. A symlink inside the base directory (`uploads/logs ->
/// /etc`), or one swapped in between the check and the `open`, still leads out. Open the
/// file relative to a directory handle with symlink resolution held beneath it: cap-std's
/// `Dir::open`, or `openat2` with `RESOLVE_BENEATH`, or `openat` with `O_NOFOLLOW` on
/// each component.
///
/// Not covered: Windows device names (`CON`, `nul.txt`) and Windows dropping trailing
/// dots and spaces from names; a component of three dots or more is a plain name.
///
/// # Example
///
/// ```
/// use std::path::Path;
/// use vetted::types::RelativePath;
///
/// let path = RelativePath::try_new("photos/2024/cat.png")?;
/// let file = path.join_under(Path::new("/srv/uploads"));
/// assert_eq!(file, Path::new("/srv/uploads/photos/2024/cat.png"));
///
/// for hostile in ["../../etc/passwd", "/etc/passwd", "a/../../b", "..\\..\\x", "a\0.png"] {
///     assert!(RelativePath::try_new(hostile).is_err());
/// }
/// # Ok::<(), vetted::types::RelativePathError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelativePath(String);

/// Why a text is not a [`RelativePath`]. The message names the rule, never the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RelativePathError {
    /// The text is empty.
    #[error("relative path is empty")]
    Empty,
    /// The text is longer than [`RelativePath::MAX_BYTES`].
    #[error("relative path is longer than {} bytes", RelativePath::MAX_BYTES)]
    TooLong,
    /// The text has a NUL or another control character.
    #[error("relative path contains a control character")]
    ControlCharacter,
    /// The text has a backslash, a separator on Windows.
    #[error("relative path contains a backslash")]
    Backslash,
    /// The text starts with `/`.
    #[error("relative path is absolute")]
    Absolute,
    /// The text starts with a Windows drive prefix such as `C:`.
    #[error("relative path starts with a drive prefix")]
    DrivePrefix,
    /// Two separators in a row, or a trailing separator.
    #[error("relative path has an empty component")]
    EmptyComponent,
    /// A component is `.`.
    #[error("relative path has a current-directory component")]
    CurrentDirectory,
    /// A component is `..`.
    #[error("relative path has a parent-directory component")]
    ParentDirectory,
}

impl RelativePath {
    /// The longest path accepted, in bytes.
    pub const MAX_BYTES: usize = 1024;

    /// Checks `text` and copies it into a `RelativePath`.
    pub fn try_new(text: &str) -> Result<Self, RelativePathError> {
        check(text)?;
        Ok(Self(text.to_owned()))
    }

    /// The path as text, with `/` separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path as a [`Path`].
    pub fn as_path(&self) -> &Path {
        Path::new(&self.0)
    }

    /// The path's components, in order; none is empty, `.` or `..`.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// `base` with this path appended.
    ///
    /// Every component of `self` is a plain name, so the result always starts with
    /// `base` and has exactly [`components`](Self::components) more components. This
    /// holds lexically only: see the type docs on symlinks.
    pub fn join_under(&self, base: &Path) -> PathBuf {
        base.join(self.as_path())
    }

    /// The path as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl AsRef<Path> for RelativePath {
    fn as_ref(&self) -> &Path {
        self.as_path()
    }
}

text_type!(impl[] RelativePath, RelativePathError, "a relative path");
deref_str!(impl[] RelativePath);

/// Applies the rules in the order of the type docs.
fn check(text: &str) -> Result<(), RelativePathError> {
    if text.is_empty() {
        return Err(RelativePathError::Empty);
    }
    if text.len() > RelativePath::MAX_BYTES {
        return Err(RelativePathError::TooLong);
    }
    if text.chars().any(is_control) {
        return Err(RelativePathError::ControlCharacter);
    }
    if text.contains('\\') {
        return Err(RelativePathError::Backslash);
    }
    if text.starts_with('/') {
        return Err(RelativePathError::Absolute);
    }
    if has_drive_prefix(text) {
        return Err(RelativePathError::DrivePrefix);
    }
    text.split('/').try_for_each(check_component)
}

/// `C:` and the like, which Windows reads as a drive even without a separator after it.
fn has_drive_prefix(text: &str) -> bool {
    matches!(text.as_bytes(), [letter, b':', ..] if letter.is_ascii_alphabetic())
}

/// A component must be a plain name.
fn check_component(component: &str) -> Result<(), RelativePathError> {
    match component {
        "" => Err(RelativePathError::EmptyComponent),
        "." => Err(RelativePathError::CurrentDirectory),
        ".." => Err(RelativePathError::ParentDirectory),
        _ => Ok(()),
    }
}
