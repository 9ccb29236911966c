use std::any::Any;

#[vetted::handler]
async fn anything(payload: Box<dyn Any>) -> Result<(), vetted::HandlerError> {
    drop(payload);
    Ok(())
}

fn main() {}
