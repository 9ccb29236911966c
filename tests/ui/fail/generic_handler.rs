use vetted::{Task, Verified};

#[vetted::handler]
async fn any_task<T: Task>(task: Verified<T>) -> Result<(), vetted::HandlerError> {
    drop(task);
    Ok(())
}

fn main() {}
