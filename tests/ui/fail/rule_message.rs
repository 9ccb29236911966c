#[vetted::task]
struct SendEmail {
    #[validate(email(message = "that is not an address"))]
    to: String,
}

fn main() {}
