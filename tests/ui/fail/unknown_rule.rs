#[vetted::task]
struct SendEmail {
    #[validate(emial)]
    to: String,
}

fn main() {}
