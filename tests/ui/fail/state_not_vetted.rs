use vetted::Verified;

#[vetted::task]
struct Ping {}

/// A look-alike of `vetted::State` that the worker knows nothing about.
struct State<S>(S);

#[vetted::handler]
async fn ping(task: Verified<Ping>, db: State<u32>) -> Result<(), vetted::HandlerError> {
    drop((task, db.0));
    Ok(())
}

fn main() {}
