#[vetted::task(struct = Payload)]
struct SendEmail {
    to: String,
}

fn main() {}
