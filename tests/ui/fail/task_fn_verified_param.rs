use vetted::Verified;

#[vetted::task]
struct Ping {}

#[vetted::task]
async fn ping(task: Verified<Ping>) -> Result<(), vetted::HandlerError> {
    drop(task);
    Ok(())
}

fn main() {}
