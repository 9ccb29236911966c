//! Attribute keys, named once so that the parser and its messages cannot drift apart.

/// Keys of `#[vetted::task(...)]`.
pub(crate) mod task {
    pub(crate) const NAME: &str = "name";
    pub(crate) const QUEUE: &str = "queue";
    pub(crate) const MAX_RETRY: &str = "max_retry";
    pub(crate) const TIMEOUT: &str = "timeout";
    pub(crate) const TIMEOUT_SECS: &str = "timeout_secs";
    pub(crate) const RETENTION: &str = "retention";
    pub(crate) const VERSION: &str = "version";
    pub(crate) const MAX_PAYLOAD_BYTES: &str = "max_payload_bytes";
    pub(crate) const MAX_AGE: &str = "max_age";
    pub(crate) const ONE_TIME: &str = "one_time";
    pub(crate) const CRATE: &str = "crate";
    pub(crate) const STRUCT: &str = "struct";

    /// Every key, in the order the messages list them.
    pub(crate) const ALL: &[&str] = &[
        NAME,
        QUEUE,
        MAX_RETRY,
        TIMEOUT,
        TIMEOUT_SECS,
        RETENTION,
        VERSION,
        MAX_PAYLOAD_BYTES,
        MAX_AGE,
        ONE_TIME,
        CRATE,
        STRUCT,
    ];
}

/// Rules of `#[validate(...)]`.
pub(crate) mod rule {
    pub(crate) const EMAIL: &str = "email";
    pub(crate) const URL: &str = "url";
    pub(crate) const LENGTH: &str = "length";
    pub(crate) const RANGE: &str = "range";
    pub(crate) const REGEX: &str = "regex";
    pub(crate) const CONTAINS: &str = "contains";
    pub(crate) const DOES_NOT_CONTAIN: &str = "does_not_contain";
    pub(crate) const MUST_MATCH: &str = "must_match";
    pub(crate) const CUSTOM: &str = "custom";
    pub(crate) const REQUIRED: &str = "required";
    pub(crate) const NON_CONTROL_CHARACTER: &str = "non_control_character";
    pub(crate) const NESTED: &str = "nested";
    pub(crate) const EACH: &str = "each";

    /// Every rule, in the order the messages list them.
    pub(crate) const ALL: &[&str] = &[
        EMAIL,
        URL,
        LENGTH,
        RANGE,
        REGEX,
        CONTAINS,
        DOES_NOT_CONTAIN,
        MUST_MATCH,
        CUSTOM,
        REQUIRED,
        NON_CONTROL_CHARACTER,
        NESTED,
        EACH,
    ];
}

/// Units of `length(..., unit = "...")`.
pub(crate) mod unit {
    pub(crate) const CHARS: &str = "chars";
    pub(crate) const BYTES: &str = "bytes";
    pub(crate) const GRAPHEMES: &str = "graphemes";
}

/// Keys of `vetted::main! { ... }`.
pub(crate) mod main {
    pub(crate) const HANDLERS: &str = "handlers";
    pub(crate) const SETUP: &str = "setup";
    pub(crate) const CRATE: &str = "crate";

    /// Every key, in the order the messages list them.
    pub(crate) const ALL: &[&str] = &[HANDLERS, SETUP, CRATE];
}

/// Lists keys as "`a`, `b` or `c`" for a message.
pub(crate) fn one_of(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
