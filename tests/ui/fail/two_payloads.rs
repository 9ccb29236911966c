use vetted::Verified;

#[vetted::task]
struct Ping {}

#[vetted::task]
struct Pong {}

#[vetted::handler]
async fn both(ping: Verified<Ping>, pong: Verified<Pong>) -> Result<(), vetted::HandlerError> {
    drop((ping, pong));
    Ok(())
}

fn main() {}
