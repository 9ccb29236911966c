use vetted::Verified;

#[vetted::task]
struct Ping {}

struct Worker;

impl Worker {
    #[vetted::handler]
    async fn ping(&self, task: Verified<Ping>) -> Result<(), vetted::HandlerError> {
        drop(task);
        Ok(())
    }
}

fn main() {}
