use vetted::Verified;

#[vetted::task]
struct Ping {}

#[vetted::handler]
async unsafe fn ping(task: Verified<Ping>) -> Result<(), vetted::HandlerError> {
    drop(task);
    Ok(())
}

fn main() {}
