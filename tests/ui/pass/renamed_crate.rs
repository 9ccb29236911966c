extern crate vetted as renamed;

use renamed::{HandlerError, Verified};

#[derive(serde::Serialize, serde::Deserialize, renamed::Validate)]
#[serde(deny_unknown_fields)]
#[validate(crate = ::renamed)]
struct Inner {
    #[validate(length(min = 1))]
    name: String,
}

#[renamed::task(crate = ::renamed, name = "renamed:task")]
struct Renamed {
    inner: Inner,
}

#[renamed::handler(crate = ::renamed)]
async fn run_renamed(task: Verified<Renamed>) -> Result<(), HandlerError> {
    drop(task);
    Ok(())
}

fn main() {
    use renamed::Task;
    assert_eq!(Renamed::NAME, "renamed:task");
}
