use std::borrow::Cow;

#[vetted::handler]
async fn borrowed(payload: vetted::Verified<Cow<'static, str>>) -> Result<(), vetted::HandlerError> {
    drop(payload);
    Ok(())
}

fn main() {}
