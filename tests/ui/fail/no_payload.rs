use vetted::TaskContext;

#[vetted::handler]
async fn nothing(ctx: TaskContext) -> Result<(), vetted::HandlerError> {
    drop(ctx);
    Ok(())
}

fn main() {}
