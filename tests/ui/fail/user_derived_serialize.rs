#[vetted::task]
#[derive(Debug, serde::Serialize)]
struct SendEmail {
    to: String,
}

fn main() {}
