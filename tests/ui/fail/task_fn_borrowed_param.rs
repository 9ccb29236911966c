#[vetted::task]
async fn greet(name: &str) -> Result<(), vetted::HandlerError> {
    let _ = name;
    Ok(())
}

fn main() {}
