#[vetted::task]
struct ChangePassword {
    password: String,
    #[validate(must_match(other = "pasword"))]
    confirmation: String,
}

fn main() {}
