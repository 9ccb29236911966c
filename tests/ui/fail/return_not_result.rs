use vetted::Verified;

#[vetted::task]
struct Ping {}

#[vetted::handler]
async fn ping(task: Verified<Ping>) -> bool {
    drop(task);
    true
}

fn main() {}
