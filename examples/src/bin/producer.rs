//! Enqueues example tasks on Redis, signed with the key ring in `VETTED_KEYRING`.
//!
//! `REDIS_URL` selects the server (default `redis://127.0.0.1:6379`); the first
//! argument is how many welcome emails to send (default 3).

use std::error::Error;

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
        println!("enqueued {} {}", info.type_name, info.id);
    }
    let info = client
        .enqueue(&Thumbnail {
            file: "upload-1.png".into(),
            width: 256,
            height: 256,
        })
        .await?;
    println!("enqueued {} {}", info.type_name, info.id);
    Ok(())
}
