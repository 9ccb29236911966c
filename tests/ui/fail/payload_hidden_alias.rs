/// An alias that hides a raw payload behind an innocent name.
type Raw = String;

#[vetted::handler]
async fn raw_alias(payload: Raw) -> Result<(), vetted::HandlerError> {
    drop(payload);
    Ok(())
}

fn main() {}
