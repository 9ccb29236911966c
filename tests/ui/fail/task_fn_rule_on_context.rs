use vetted::TaskContext;

#[vetted::task]
async fn ping(#[validate(required)] ctx: TaskContext) -> Result<(), vetted::HandlerError> {
    drop(ctx);
    Ok(())
}

fn main() {}
