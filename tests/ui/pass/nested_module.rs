mod jobs {
    pub mod email {
        use vetted::{HandlerError, TaskContext, Verified};

        #[vetted::task(queue = "mail")]
        pub struct SendEmail {
            #[validate(email)]
            pub to: String,
        }

        #[vetted::handler]
        pub async fn send_email(task: Verified<SendEmail>, ctx: TaskContext) -> Result<(), HandlerError> {
            let _ = (task.to.len(), ctx.task_id());
            Ok(())
        }
    }
}

use vetted::handler::Handler;
use vetted::Task;

fn main() {
    assert_eq!(jobs::email::SendEmail::NAME, "send_email");
    assert!(jobs::email::send_email::required_state().is_empty());
    assert_eq!(<<jobs::email::send_email as Handler>::Task as Task>::OPTIONS.queue, "mail");
}
