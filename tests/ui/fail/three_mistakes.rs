use std::collections::HashMap;

#[vetted::task(priority = "high")]
struct SendEmail {
    #[validate(emial)]
    to: String,
    #[serde(flatten)]
    headers: HashMap<String, String>,
}

fn main() {}
