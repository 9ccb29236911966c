//! Items used by the code that vetted's macros generate. Not a public API.

pub use futures;
pub use serde;
pub use serde_json;
