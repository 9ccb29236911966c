use vetted::{TaskContext, Verified};

#[vetted::task]
struct Ping {}

#[vetted::handler]
async fn ping(ctx: TaskContext, task: Verified<Ping>, again: TaskContext) -> Result<(), vetted::HandlerError> {
    drop((task, ctx, again));
    Ok(())
}

fn main() {}
