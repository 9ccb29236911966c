#[vetted::handler]
async fn run_any<T>(task: T) -> Result<(), vetted::HandlerError> {
    drop(task);
    Ok(())
}

fn main() {}
