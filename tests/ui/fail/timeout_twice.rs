#[vetted::task(timeout = "30s", timeout_secs = 30)]
struct SendEmail {
    to: String,
}

fn main() {}
