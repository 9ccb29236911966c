//! Enqueues example tasks on Redis, signed with the key ring in `VETTED_KEYRING`.
//!
//! `REDIS_URL` selects the server (default `redis://127.0.0.1:6379`); the first
//! argument is how many welcome emails to send (default 3). It stops quietly when its
//! output is closed (`producer 10 | head -1`).

use std::error::Error;
use std::io::{ErrorKind, Write};

use vetted::broker::redis::RedisBroker;
use vetted::client::Client;
use vetted::signing::KeyRing;
use vetted_examples::{Thumbnail, WelcomeEmail};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let count: usize = std::env::args().nth(1).map_or(Ok(3), |n| n.parse())?;
    let client = Client::new(RedisBroker::connect(&url).await?, KeyRing::from_env()?);
    for i in 0..count {
        let task = WelcomeEmail {
            email: format!("user{i}@example.com"),
            name: format!("User {i}"),
        };
        let info = client.enqueue(&task).await?;
        if !report(&info.type_name, &info.id)? {
            return Ok(());
        }
    }
    let info = client
        .enqueue(&Thumbnail {
            file: "upload-1.png".into(),
            width: 256,
            height: 256,
        })
        .await?;
    report(&info.type_name, &info.id)?;
    Ok(())
}

/// Prints one `enqueued` line; `false` when standard output has been closed.
fn report(type_name: &str, id: &str) -> std::io::Result<bool> {
    match writeln!(std::io::stdout(), "enqueued {type_name} {id}") {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e),
    }
}
