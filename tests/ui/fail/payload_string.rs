#[vetted::handler]
async fn raw_text(payload: String) -> Result<(), vetted::HandlerError> {
    drop(payload);
    Ok(())
}

fn main() {}
