use vetted::Verified;

#[vetted::task]
struct Ping {}

/// A look-alike of `vetted::TaskContext`.
struct TaskContext;

#[vetted::handler]
async fn ping(task: Verified<Ping>, ctx: TaskContext) -> Result<(), vetted::HandlerError> {
    drop((task, ctx));
    Ok(())
}

fn main() {}
