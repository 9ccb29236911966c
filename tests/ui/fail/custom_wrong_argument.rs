use vetted::validate::RuleError;

fn positive(value: &i64) -> Result<(), RuleError> {
    if *value > 0 { Ok(()) } else { Err(RuleError::new("positive")) }
}

#[vetted::task]
struct Charge {
    #[validate(custom(function = positive))]
    amount: String,
}

fn main() {}
