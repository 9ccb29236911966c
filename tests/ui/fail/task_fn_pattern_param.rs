#[vetted::task]
async fn resize((width, height): (u32, u32)) -> Result<(), vetted::HandlerError> {
    let _ = (width, height);
    Ok(())
}

fn main() {}
