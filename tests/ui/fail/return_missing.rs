use vetted::Verified;

#[vetted::task]
struct Ping {}

#[vetted::handler]
async fn ping(task: Verified<Ping>) {
    drop(task);
}

fn main() {}
