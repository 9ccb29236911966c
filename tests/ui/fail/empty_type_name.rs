#[vetted::task(name = "")]
struct SendEmail {
    to: String,
}

fn main() {}
