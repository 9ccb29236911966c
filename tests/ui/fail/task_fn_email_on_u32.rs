#[vetted::task]
async fn signup(#[validate(email)] age: u32) -> Result<(), vetted::HandlerError> {
    let _ = age;
    Ok(())
}

fn main() {}
