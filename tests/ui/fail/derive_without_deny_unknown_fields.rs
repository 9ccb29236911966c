#[derive(serde::Serialize, serde::Deserialize, vetted::Validate)]
struct Address {
    #[validate(length(min = 1))]
    street: String,
}

#[vetted::task]
struct Ship {
    to: Address,
}

fn main() {}
