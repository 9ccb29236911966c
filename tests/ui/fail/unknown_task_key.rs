#[vetted::task(queue = "mail", retries = 3)]
struct SendEmail {
    to: String,
}

fn main() {}
