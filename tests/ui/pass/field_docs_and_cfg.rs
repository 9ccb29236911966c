//! Doc comments and `cfg` attributes on payload fields, in both forms: a field
//! configured away takes its rules with it and leaves the other paths alone.

use vetted::validate::validate;

/// A payload documented field by field.
#[vetted::task]
pub struct Report {
    /// Where to send the report.
    #[validate(email)]
    pub to: String,
    /// Only in builds that will never exist.
    #[cfg(any())]
    #[validate(length(min = 1000))]
    pub missing: String,
    /// Only in this build.
    #[cfg(all())]
    #[validate(range(max = 10))]
    pub pages: u32,
    #[cfg_attr(all(), doc = " Documented through `cfg_attr`.")]
    #[validate(length(max = 3))]
    pub format: String,
}

/// Sends a digest.
#[vetted::task]
pub async fn send_digest(
    /// Where to send the digest.
    #[validate(email)]
    to: String,
    #[cfg(any())]
    #[validate(length(min = 1000))]
    missing: String,
    /// Only in this build.
    #[cfg(all())]
    #[validate(range(max = 10))]
    pages: u32,
) -> Result<(), vetted::HandlerError> {
    let _ = (to, pages);
    Ok(())
}

fn main() {
    let report = Report { to: "x".into(), pages: 11, format: "pdf".into() };
    let errors = validate(&report).unwrap_err();
    let paths: Vec<&str> = errors.errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["to", "pages"]);

    let digest = SendDigest { to: "ann@example.com".into(), pages: 12 };
    let errors = validate(&digest).unwrap_err();
    assert_eq!(errors.errors()[0].path, "pages");
    let json = serde_json::to_string(&digest).unwrap();
    assert_eq!(json, r#"{"to":"ann@example.com","pages":12}"#);
}
