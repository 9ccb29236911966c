use std::collections::HashMap;

#[vetted::task]
struct SendEmail {
    to: String,
    #[serde(flatten)]
    extra: HashMap<String, String>,
}

fn main() {}
