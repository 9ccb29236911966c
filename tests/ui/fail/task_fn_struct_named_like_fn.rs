#[vetted::task(struct = ping)]
async fn ping(count: u32) -> Result<(), vetted::HandlerError> {
    let _ = count;
    Ok(())
}

fn main() {}
