#[vetted::task]
struct Signup {
    #[validate(email)]
    age: u32,
}

fn main() {}
