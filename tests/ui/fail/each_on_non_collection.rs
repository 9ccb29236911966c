#[vetted::task]
struct Rename {
    #[validate(each(length(max = 3)))]
    name: String,
}

fn main() {}
