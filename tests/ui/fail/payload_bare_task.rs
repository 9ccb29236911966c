use vetted::TaskContext;

#[vetted::task]
struct Greet {
    name: String,
}

#[vetted::handler]
async fn greet(task: Greet, ctx: TaskContext) -> Result<(), vetted::HandlerError> {
    let _ = (task.name, ctx);
    Ok(())
}

fn main() {}
