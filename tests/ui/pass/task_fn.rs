//! `#[task]` on an async fn: the payload struct, the task impls and the handler from
//! one item, registered like any handler.

use std::sync::Arc;

use vetted::broker::memory::MemoryBroker;
use vetted::handler::Handler;
use vetted::validate::validate;
use vetted::worker::WorkerBuilder;
use vetted::{HandlerError, State, Task, TaskContext, Verified};

struct Mailer;

#[vetted::task(name = "email:send", queue = "mail", max_retry = 3, timeout = "30s")]
pub async fn send_email(
    mailer: State<Mailer>,
    #[validate(email)] to: String,
    #[validate(length(min = 1, max = 200))] subject: String,
    ctx: TaskContext,
) -> Result<(), HandlerError> {
    let _ = (mailer, to, subject, ctx.task_id());
    Ok(())
}

#[vetted::task(struct = Resize)]
async fn resize_image(width: u32, mut height: u32) -> Result<(), HandlerError> {
    height += width;
    let _ = height;
    Ok(())
}

mod geo {
    /// A type called `State` without type arguments is a payload field, not shared state.
    #[derive(serde::Serialize, serde::Deserialize, vetted::Validate)]
    #[serde(deny_unknown_fields)]
    pub struct State {
        #[validate(length(equal = 2))]
        pub code: String,
    }
}

#[vetted::task]
async fn ship(destination: geo::State) -> Result<(), HandlerError> {
    let _ = destination.code;
    Ok(())
}

#[vetted::task]
async fn no_fields() -> Result<(), HandlerError> {
    Ok(())
}

fn register(builder: WorkerBuilder) -> WorkerBuilder {
    builder
        .handler::<send_email>()
        .handler::<resize_image>()
        .handler::<ship>()
        .handler::<no_fields>()
}

mod worker {
    vetted::main! { handlers: [super::send_email, super::resize_image] }
}

fn main() {
    assert_eq!(SendEmail::NAME, "email:send");
    assert_eq!(SendEmail::OPTIONS.queue, "mail");
    assert_eq!(Resize::NAME, "resize_image");
    assert_eq!(NoFields::NAME, "no_fields");
    assert_eq!(send_email::required_state().len(), 1);
    let email = SendEmail { to: "nope".into(), subject: String::new() };
    let codes: Vec<&str> = validate(&email).unwrap_err().errors().iter().map(|e| e.code).collect();
    assert_eq!(codes, ["email", "length"]);
    let task = Verified::check(Resize { width: 1, height: 2 }).unwrap();
    let ctx = TaskContext::for_test("id", "default");
    futures::executor::block_on(<resize_image as Handler>::call(task, ctx)).unwrap();
    let _ = register(WorkerBuilder::new(Arc::new(MemoryBroker::new())));
    let ship = Ship { destination: geo::State { code: "CAL".into() } };
    assert_eq!(validate(&ship).unwrap_err().errors()[0].path, "destination.code");
}
