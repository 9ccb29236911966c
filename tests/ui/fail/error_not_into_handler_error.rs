use vetted::Verified;

#[vetted::task]
struct Ping {}

/// Not an error type: it implements neither `Error` nor `Into<HandlerError>`.
struct Oops;

#[vetted::handler]
async fn ping(task: Verified<Ping>) -> Result<(), Oops> {
    drop(task);
    Err(Oops)
}

fn main() {}
