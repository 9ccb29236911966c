#[vetted::task]
async fn store<T: serde::de::DeserializeOwned>(value: T) -> Result<(), vetted::HandlerError> {
    drop(value);
    Ok(())
}

fn main() {}
