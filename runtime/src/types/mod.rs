//! Safe field types for task payloads: values that cannot exist unless they are safe
//! to hand to a common injection sink.
//!
//! | Type | For | Byte limit |
//! |---|---|---|
//! | [`RelativePath`] | a file under a base directory | 1024 |
//! | [`SingleLine`] | log lines, email subjects and headers, terminal output | `MAX` (1024) |
//! | [`CmdArg`] | one argument of [`std::process::Command::arg`] | 4096 |
//! | [`HttpUrl`], [`HttpsUrl`] | outbound requests to listed hosts | 2048 |
//! | [`NonEmpty`] | required text that must show something | 4096 |
//! | [`FiniteF64`] | a float that is a real number | – |
//!
//! Each type checks its value while the payload is decoded: its `Deserialize` goes
//! through the same `try_new` constructor as in-process code, so an invalid value fails
//! the decode and never reaches `Validate` or a handler. `Validate` is implemented and
//! does nothing. Errors are small enums whose message names the broken rule and never
//! contains the refused text, so they are safe in logs and in a task's `error_msg`.
//! Values serialize as their plain string or number.
//!
//! # Allocation
//!
//! Before a field is decoded at all, the worker refuses payloads above the task's
//! `max_payload_bytes` (64 KiB unless `#[task(max_payload_bytes = ...)]` says
//! otherwise), so serde_json never holds a string longer than that cap. A text type
//! checks the `&str` that serde_json hands over (borrowed from the payload, or from its
//! scratch buffer for strings with escapes) before it copies anything, so a stored value
//! is never longer than the type's limit, and nothing is kept for refused text.
//!
//! # Example
//!
//! ```
//! use vetted::types::{CmdArg, HostPolicy, HttpsUrl, RelativePath, SingleLine};
//!
//! /// Where reports may be posted.
//! struct ReportHosts;
//!
//! impl HostPolicy for ReportHosts {
//!     const HOSTS: &'static [&'static str] = &["reports.example.com"];
//! }
//!
//! /// Converts an uploaded file and posts the result.
//! #[vetted::task(name = "report:convert")]
//! #[derive(Debug)]
//! struct Convert {
//!     source: RelativePath,
//!     format: CmdArg,
//!     title: SingleLine<200>,
//!     post_to: HttpsUrl<ReportHosts>,
//! }
//!
//! let hostile = br#"{"source":"../../etc/passwd","format":"pdf","title":"Q3",
//!                    "post_to":"https://reports.example.com/in"}"#;
//! let error = serde_json::from_slice::<Convert>(hostile).unwrap_err();
//! assert!(error.to_string().starts_with("relative path has a parent-directory component"));
//! assert!(!error.to_string().contains("passwd"));
//! ```

mod chars;
mod cmd_arg;
mod finite_f64;
mod host_policy;
mod http_url;
mod non_empty;
mod relative_path;
mod single_line;
mod text;

pub use cmd_arg::{CmdArg, CmdArgError};
pub use finite_f64::{FiniteF64, FiniteF64Error};
pub use host_policy::HostPolicy;
pub use http_url::{HttpUrl, HttpUrlError, HttpsUrl};
pub use non_empty::{NonEmpty, NonEmptyError};
pub use relative_path::{RelativePath, RelativePathError};
pub use single_line::{SingleLine, SingleLineError};
