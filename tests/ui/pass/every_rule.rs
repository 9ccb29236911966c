use std::sync::LazyLock;

use regex::Regex;
use vetted::validate::RuleError;

static CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Z]{3}$").unwrap());
static PLAIN: &LazyLock<Regex> = &CODE;

fn not_admin(name: &str) -> Result<(), RuleError> {
    if name == "admin" { Err(RuleError::new("reserved")) } else { Ok(()) }
}

mod checks {
    pub fn small(value: &u8) -> Result<(), vetted::validate::RuleError> {
        if *value < 10 { Ok(()) } else { Err(vetted::validate::RuleError::new("small")) }
    }
}

const MAX_NAME: usize = 32;

#[vetted::task(
    name = "accounts:create",
    queue = "accounts",
    max_retry = 5,
    timeout = "2m",
    retention = "1h",
    version = 2,
    max_payload_bytes = 4096,
    max_age = "500ms"
)]
#[derive(Clone, Debug, PartialEq)]
struct CreateAccount {
    #[validate(email, length(max = 254))]
    email: String,
    #[validate(url)]
    homepage: Option<String>,
    #[validate(url(schemes("ftp", "sftp")), nested)]
    mirror: Box<str>,
    #[validate(length(min = 1, max = MAX_NAME), non_control_character)]
    name: String,
    #[validate(length(equal = 3))]
    tags: Vec<String>,
    #[validate(range(min = -5, max = 5))]
    offset: i64,
    #[validate(range(exclusive_min = 0.0, exclusive_max = 1.0))]
    ratio: f32,
    #[validate(range(max = 10))]
    limit: Option<u8>,
    #[validate(regex(path = CODE))]
    country: String,
    #[validate(regex(path = *PLAIN, code = "plain"))]
    region: String,
    #[validate(contains(pattern = "-"), does_not_contain(pattern = "--"))]
    slug: String,
    password: String,
    #[validate(must_match(other = "password"))]
    confirmation: String,
    #[validate(custom(function = not_admin, code = "login"))]
    login: String,
    #[validate(custom(function = "checks::small"))]
    level: Option<u8>,
    #[validate(required)]
    referrer: Option<String>,
}

fn main() {
    use vetted::Task;
    assert_eq!(CreateAccount::NAME, "accounts:create");
    assert_eq!(CreateAccount::OPTIONS.schema_version, 2);
}
