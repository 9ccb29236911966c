use vetted::Verified;

#[vetted::task]
struct Ping {}

#[vetted::handler]
async fn ping(task: Verified<Ping>) -> Result<(), vetted::HandlerError> {
    drop(task);
    Ok(())
}

vetted::main! {
    handlers: [ping],
    workers: 4,
}
