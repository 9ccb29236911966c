use std::rc::Rc;

use vetted::Verified;

#[vetted::task]
struct Ping {}

async fn pause() {}

#[vetted::handler]
async fn ping(task: Verified<Ping>) -> Result<(), vetted::HandlerError> {
    let local = Rc::new(1);
    pause().await;
    drop((task, local));
    Ok(())
}

fn main() {}
