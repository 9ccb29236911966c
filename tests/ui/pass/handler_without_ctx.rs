use vetted::{HandlerError, Verified};

#[vetted::task]
struct Ping {}

#[vetted::handler]
async fn ping(task: Verified<Ping>) -> Result<(), HandlerError> {
    drop(task);
    Ok(())
}

fn main() {
    // The function stays callable beside its handler type.
    let task = Verified::check(Ping {}).unwrap();
    let _future = ping(task);
}
