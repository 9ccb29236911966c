//! Names: the task type name grammar, and the field names serde writes.

/// The longest task type name, in bytes.
const MAX_TYPE_NAME_BYTES: usize = 128;

/// Why `name` cannot be a task type name (or, with `what = "queue name"`, a queue
/// name), as a message; `None` if it can.
///
/// The type name is the asynq `type` that routes a task to its handler and is signed
/// with it, and the queue name is part of Redis keys, so both must survive every hop
/// unchanged: no whitespace or control characters that a producer in another language
/// might trim or escape, and a bounded length.
pub(crate) fn name_problem(what: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some(format!(
            "{what} cannot be empty; write a name such as \"emails\""
        ));
    }
    if let Some(bad) = name.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "{what} cannot contain whitespace or control characters, found {bad:?}; \
             use `_`, `.` or `:` to separate words"
        ));
    }
    if name.len() > MAX_TYPE_NAME_BYTES {
        return Some(format!(
            "{what} is {} bytes long; the limit is {MAX_TYPE_NAME_BYTES} bytes",
            name.len()
        ));
    }
    None
}

/// `SendEmail` → `send_email`, `HTTPRequest` → `http_request`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 && starts_word(&chars, i) && !out.ends_with('_') {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether the uppercase letter at `i` starts a new word of a PascalCase name.
fn starts_word(chars: &[char], i: usize) -> bool {
    let previous = chars[i - 1];
    let next_is_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
    previous.is_lowercase()
        || previous.is_ascii_digit()
        || (previous.is_uppercase() && next_is_lower)
}

/// A serde `rename_all` rule, applied to field names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    /// The rule that serde names `name`, if any.
    pub(crate) fn from_serde_name(name: &str) -> Option<Self> {
        Some(match name {
            "lowercase" => Self::Lower,
            "UPPERCASE" => Self::Upper,
            "PascalCase" => Self::Pascal,
            "camelCase" => Self::Camel,
            "snake_case" => Self::Snake,
            "SCREAMING_SNAKE_CASE" => Self::ScreamingSnake,
            "kebab-case" => Self::Kebab,
            "SCREAMING-KEBAB-CASE" => Self::ScreamingKebab,
            _ => return None,
        })
    }

    /// The serde name of a field whose Rust name (without `r#`) is `field`.
    pub(crate) fn apply_to_field(self, field: &str) -> String {
        match self {
            Self::Lower | Self::Snake => field.to_owned(),
            Self::Upper | Self::ScreamingSnake => field.to_ascii_uppercase(),
            Self::Pascal => pascal_case(field),
            Self::Camel => {
                let pascal = pascal_case(field);
                let mut chars = pascal.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_lowercase().chain(chars).collect()
                })
            }
            Self::Kebab => field.replace('_', "-"),
            Self::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

/// `user_id` → `UserId`.
pub(crate) fn pascal_case(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut capitalize = true;
    for c in field.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.extend(c.to_uppercase());
            capitalize = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_words_and_acronyms() {
        assert_eq!(snake_case("SendEmail"), "send_email");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("Resize2Image"), "resize2_image");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }

    #[test]
    fn rename_rules_match_serde() {
        let cases = [
            ("camelCase", "user_id", "userId"),
            ("PascalCase", "user_id", "UserId"),
            ("SCREAMING_SNAKE_CASE", "user_id", "USER_ID"),
            ("kebab-case", "user_id", "user-id"),
            ("SCREAMING-KEBAB-CASE", "user_id", "USER-ID"),
            ("lowercase", "user_id", "user_id"),
            ("UPPERCASE", "user_id", "USER_ID"),
        ];
        for (rule, field, expected) in cases {
            let rule = RenameRule::from_serde_name(rule).unwrap();
            assert_eq!(rule.apply_to_field(field), expected);
        }
    }

    #[test]
    fn type_names_are_checked() {
        assert!(name_problem("task type name", "email:send").is_none());
        assert!(name_problem("task type name", "").is_some());
        assert!(name_problem("task type name", "send email").is_some());
        assert!(name_problem("task type name", "send\u{7}").is_some());
        assert!(name_problem("task type name", &"a".repeat(129)).is_some());
        assert!(name_problem("task type name", &"a".repeat(128)).is_none());
    }
}
