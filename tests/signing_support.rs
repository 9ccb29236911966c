//! Helpers shared by the `signing_*` test targets (included with `#[path]`).

use std::path::{Path, PathBuf};

/// Decodes a hex string; panics (failing the test) on a malformed vector.
pub(crate) fn hex(text: &str) -> Vec<u8> {
    assert!(
        text.len().is_multiple_of(2),
        "odd-length hex in a vector: {text:?}"
    );
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digits in a vector"))
        .collect()
}

/// Reads a vector file, failing with a message that names the expected path.
pub(crate) fn read_vector_file(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| {
        panic!("cannot read test vectors at {}: {err}", path.display());
    })
}

/// The tests crate directory (`CARGO_MANIFEST_DIR`) joined with `relative`.
pub(crate) fn from_tests_crate(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}
