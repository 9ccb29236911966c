//! [`CmdArg`]: a program argument that cannot turn into an option.

use std::ffi::OsStr;

use super::chars::is_control;
use super::text::{deref_str, text_type};

/// One argument for [`std::process::Command::arg`], at most [`CmdArg::MAX_BYTES`] bytes.
///
/// Refused: the empty string (many tools read it as "the current directory" or skip
/// it), a leading `-` (so `-rf` or `--output=/etc/x` cannot become an option of the
/// program), NUL and every other control character.
///
/// Shell syntax is *allowed*: `x; rm -rf ~` and `$(curl evil)` are fine arguments,
/// because `Command::arg` hands them to the program as one argv entry and no shell ever
/// reads them. Never pass a `CmdArg` to `sh -c`, `bash -c`, `cmd /C` or a string that
/// is split into words later.
///
/// Also consider:
/// - put `--` before the first `CmdArg` when the program supports it, for a second line
///   of defence;
/// - a few programs take options that start with `+` (`sort +1`, `xterm +ls`) or
///   `@file` argument files (`javac @opts`); check what yours does;
/// - on Windows, `.bat` and `.cmd` files re-parse their arguments through `cmd.exe`;
///   Rust refuses arguments it cannot quote safely for them (CVE-2024-24576).
///
/// # Example
///
/// ```
/// use std::process::Command;
/// use vetted::types::CmdArg;
///
/// let file = CmdArg::try_new("x; rm -rf ~")?;
/// let mut command = Command::new("ls");
/// command.arg("--").arg(&file);
/// assert_eq!(command.get_args().last(), Some(std::ffi::OsStr::new("x; rm -rf ~")));
///
/// assert!(CmdArg::try_new("-rf").is_err());
/// assert!(CmdArg::try_new("--output=/etc/x").is_err());
/// # Ok::<(), vetted::types::CmdArgError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CmdArg(String);

/// Why a text is not a [`CmdArg`]. The message names the rule, never the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CmdArgError {
    /// The text is empty.
    #[error("command argument is empty")]
    Empty,
    /// The text is longer than [`CmdArg::MAX_BYTES`].
    #[error("command argument is longer than {} bytes", CmdArg::MAX_BYTES)]
    TooLong,
    /// The text starts with `-` and would be read as an option.
    #[error("command argument starts with a dash")]
    LeadingDash,
    /// The text has a NUL or another control character.
    #[error("command argument contains a control character")]
    ControlCharacter,
}

impl CmdArg {
    /// The longest argument accepted, in bytes.
    pub const MAX_BYTES: usize = 4096;

    /// Checks `text` and copies it into a `CmdArg`.
    pub fn try_new(text: &str) -> Result<Self, CmdArgError> {
        check(text)?;
        Ok(Self(text.to_owned()))
    }

    /// The argument as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The argument as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl AsRef<OsStr> for CmdArg {
    fn as_ref(&self) -> &OsStr {
        OsStr::new(&self.0)
    }
}

text_type!(impl[] CmdArg, CmdArgError, "a command argument");
deref_str!(impl[] CmdArg);

/// Applies the rules in the order of the type docs.
fn check(text: &str) -> Result<(), CmdArgError> {
    if text.is_empty() {
        return Err(CmdArgError::Empty);
    }
    if text.len() > CmdArg::MAX_BYTES {
        return Err(CmdArgError::TooLong);
    }
    if text.starts_with('-') {
        return Err(CmdArgError::LeadingDash);
    }
    if text.chars().any(is_control) {
        return Err(CmdArgError::ControlCharacter);
    }
    Ok(())
}
