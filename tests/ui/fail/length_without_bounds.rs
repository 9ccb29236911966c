#[vetted::task]
struct SendEmail {
    #[validate(length)]
    to: String,
}

fn main() {}
