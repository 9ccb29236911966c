#[vetted::task]
struct Post {
    #[validate(length(max = 280, unit = "graphemes"))]
    text: String,
}

fn main() {}
