#[vetted::task]
struct UserId(u64);

fn main() {}
