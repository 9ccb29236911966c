#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Address {
    street: String,
}

#[vetted::task]
struct Ship {
    to: Address,
}

fn main() {}
