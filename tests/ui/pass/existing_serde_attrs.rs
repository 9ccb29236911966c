//! `#[task]` adds `deny_unknown_fields` and `crate` only when the user has not.

/// A documented task with its own serde attributes.
#[vetted::task(name = "notes:add")]
#[serde(deny_unknown_fields, rename_all = "UPPERCASE")]
#[derive(Debug, Clone, PartialEq)]
pub struct AddNote {
    /// The note's text.
    #[serde(default)]
    #[validate(length(max = 10))]
    pub text: String,
}

#[vetted::task]
#[serde(crate = "vetted::__private::serde")]
struct Empty {}

fn main() {
    let note: AddNote = serde_json::from_str(r#"{"TEXT": "hi"}"#).unwrap();
    assert_eq!(note.text, "hi");
    assert!(serde_json::from_str::<AddNote>(r#"{"TEXT": "hi", "X": 1}"#).is_err());
    let empty: Empty = serde_json::from_str("{}").unwrap();
    let _ = empty;
}
