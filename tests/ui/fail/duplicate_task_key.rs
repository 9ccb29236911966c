#[vetted::task(queue = "mail", queue = "bulk")]
struct SendEmail {
    to: String,
}

fn main() {}
