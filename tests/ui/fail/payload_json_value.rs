#[vetted::handler]
async fn raw_json(payload: serde_json::Value) -> Result<(), vetted::HandlerError> {
    drop(payload);
    Ok(())
}

fn main() {}
