use vetted::validate::RuleError;

fn not_admin(name: &str) -> Result<(), RuleError> {
    if name == "admin" { Err(RuleError::new("reserved")) } else { Ok(()) }
}

#[vetted::task]
struct Signup {
    #[validate(custom(function = not_admin, use_context))]
    login: String,
}

fn main() {}
