#[vetted::handler]
async fn raw_slice(payload: &[u8]) -> Result<(), vetted::HandlerError> {
    let _ = payload;
    Ok(())
}

fn main() {}
