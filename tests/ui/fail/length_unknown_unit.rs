#[vetted::task]
struct Race {
    #[validate(length(max = 8, unit = "furlongs"))]
    track: String,
}

fn main() {}
