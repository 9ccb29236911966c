#[vetted::handler]
async fn raw_bytes(payload: Vec<u8>) -> Result<(), vetted::HandlerError> {
    drop(payload);
    Ok(())
}

fn main() {}
