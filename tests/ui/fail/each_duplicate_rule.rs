#[vetted::task]
struct Invite {
    #[validate(each(email, length(max = 254), email))]
    guests: Vec<String>,
}

fn main() {}
