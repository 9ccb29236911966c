#[vetted::task(name = "send email")]
struct SendEmail {
    to: String,
}

fn main() {}
