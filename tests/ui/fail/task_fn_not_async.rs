#[vetted::task]
fn send_email(#[validate(email)] to: String) -> Result<(), vetted::HandlerError> {
    drop(to);
    Ok(())
}

fn main() {}
