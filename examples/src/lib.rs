//! Example tasks for vetted: a welcome email and a thumbnail request, with their
//! handlers and the shared state they use.
//!
//! The worker binary (`src/bin/worker.rs`) is one `vetted::main!` call over these
//! handlers; `src/bin/producer.rs` enqueues tasks on Redis; `src/bin/demo.rs` shows the
//! whole pipeline on the in-memory broker.

use std::sync::atomic::{AtomicU64, Ordering};

use vetted::handler::StateMap;
use vetted::validate::RuleError;
use vetted::{HandlerError, State, TaskContext, Verified};

/// Sends the welcome email to a new user.
#[vetted::task(
    name = "email:welcome",
    queue = "default",
    max_retry = 5,
    timeout = "30s"
)]
pub struct WelcomeEmail {
    /// Where the email goes.
    #[validate(email, length(max = 254))]
    pub email: String,
    /// How to greet the user.
    #[validate(length(min = 1, max = 64), non_control_character)]
    pub name: String,
}

/// Renders a thumbnail of an uploaded image.
#[vetted::task(
    name = "image:thumbnail",
    queue = "media",
    max_retry = 3,
    timeout = "2m"
)]
pub struct Thumbnail {
    /// Name of the uploaded file, relative to the upload directory.
    #[validate(length(min = 1, max = 128), custom(function = safe_file_name))]
    pub file: String,
    /// Width in pixels.
    #[validate(range(min = 16, max = 4096))]
    pub width: u32,
    /// Height in pixels.
    #[validate(range(min = 16, max = 4096))]
    pub height: u32,
}

/// Accepts a plain file name: letters, digits, `.`, `_` and `-`, not starting with `.`.
///
/// This rules out paths (`../x`, `a/b`), hidden files, option-like names and shell
/// metacharacters.
pub fn safe_file_name(name: &str) -> Result<(), RuleError> {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if plain && !name.is_empty() && !name.starts_with(['.', '-']) {
        Ok(())
    } else {
        Err(RuleError::new("safe_file_name"))
    }
}

/// A stand-in for an email service client, shared by all handlers.
#[derive(Debug, Default)]
pub struct Mailer {
    sent: AtomicU64,
}

impl Mailer {
    /// Emails sent so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

/// Sends a welcome email.
#[vetted::handler]
pub async fn send_welcome(
    task: Verified<WelcomeEmail>,
    ctx: TaskContext,
    mailer: State<Mailer>,
) -> Result<(), HandlerError> {
    mailer.sent.fetch_add(1, Ordering::Relaxed);
    tracing::info!(
        task_id = ctx.task_id(),
        greeting_len = task.name.len(),
        "welcome email sent"
    );
    Ok(())
}

/// Renders a thumbnail (simulated).
#[vetted::handler]
pub async fn make_thumbnail(
    task: Verified<Thumbnail>,
    ctx: TaskContext,
) -> Result<(), HandlerError> {
    let pixels = u64::from(task.width) * u64::from(task.height);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    tracing::info!(task_id = ctx.task_id(), pixels, "thumbnail rendered");
    Ok(())
}

/// Builds the shared state of the example worker.
pub async fn setup() -> Result<StateMap, Box<dyn std::error::Error + Send + Sync>> {
    let mut state = StateMap::default();
    state.insert(Mailer::default());
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_that_could_escape_are_refused() {
        for bad in [
            "../etc/passwd",
            "a/b.png",
            ".hidden",
            "-rf",
            "x; rm -rf ~",
            "$(id).png",
            "a\0.png",
            "",
        ] {
            assert!(safe_file_name(bad).is_err(), "{bad:?}");
        }
        assert!(safe_file_name("cat_01.png").is_ok());
    }
}
