use vetted::Verified;

#[vetted::handler]
async fn not_a_task(payload: Verified<String>) -> Result<(), vetted::HandlerError> {
    drop(payload);
    Ok(())
}

fn main() {}
