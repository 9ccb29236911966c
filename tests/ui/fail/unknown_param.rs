use vetted::Verified;

#[vetted::task]
struct Ping {}

struct Db;

#[vetted::handler]
async fn ping(task: Verified<Ping>, db: Db) -> Result<(), vetted::HandlerError> {
    drop((task, db));
    Ok(())
}

fn main() {}
