#[vetted::handler]
async fn raw_text(payload: &str) -> Result<(), vetted::HandlerError> {
    let _ = payload;
    Ok(())
}

fn main() {}
