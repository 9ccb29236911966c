//! Duration literals of `#[task(...)]`: `"500ms"`, `"30s"`, `"5m"`, `"2h"`.

/// A duration literal converted to milliseconds, or the message explaining why not.
pub(crate) fn parse_millis(text: &str) -> Result<u64, String> {
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    let unit_millis = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(invalid(text)),
    };
    let count: u64 = digits.parse().map_err(|_| invalid(text))?;
    count
        .checked_mul(unit_millis)
        .ok_or_else(|| format!("duration `{text}` is too large"))
}

/// The message for a string that is not a duration literal.
fn invalid(text: &str) -> String {
    format!(
        "invalid duration `{text}`; write a whole number followed by `ms`, `s`, `m` or `h`, \
         such as \"30s\""
    )
}

#[cfg(test)]
mod tests {
    use super::parse_millis;

    #[test]
    fn accepts_each_unit() {
        assert_eq!(parse_millis("250ms"), Ok(250));
        assert_eq!(parse_millis("30s"), Ok(30_000));
        assert_eq!(parse_millis("5m"), Ok(300_000));
        assert_eq!(parse_millis("2h"), Ok(7_200_000));
        assert_eq!(parse_millis("0s"), Ok(0));
    }

    #[test]
    fn rejects_other_forms() {
        for text in [
            "",
            "30",
            "s",
            "1.5s",
            "-1s",
            "30 s",
            "1d",
            "1h30m",
            "99999999999999999999h",
        ] {
            assert!(parse_millis(text).is_err(), "{text}");
        }
    }
}
