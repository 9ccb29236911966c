#[vetted::task(timeout = "30 seconds", max_age = 60)]
struct SendEmail {
    to: String,
}

fn main() {}
