//! A tour of vetted in one process: signed tasks are verified and handled; a task
//! tampered with in the queue and one without a signature are refused and quarantined.
//!
//! Uses the in-memory broker, or Redis when `REDIS_URL` is set.

use std::error::Error;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use vetted::broker::memory::MemoryBroker;
use vetted::broker::redis::RedisBroker;
use vetted::broker::{Broker, TaskRef};
use vetted::client::Client;
use vetted::signing::KeyRing;
use vetted::wire::{DecodeLimits, TaskMessage};
use vetted::worker::WorkerBuilder;
use vetted_examples::{Mailer, Thumbnail, WelcomeEmail, make_thumbnail, send_welcome};

type BoxError = Box<dyn Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "info,vetted=debug".to_owned());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .compact()
        .init();

    let broker = connect().await?;
    let keyring = Arc::new(KeyRing::ephemeral("demo-key"));
    let client = Client::from_shared(broker.clone(), keyring.clone());

    println!("\n1. A producer validates, signs and enqueues three tasks.");
    let welcome = WelcomeEmail {
        email: "ada@example.com".into(),
        name: "Ada".into(),
    };
    let thumb = Thumbnail {
        file: "cat.png".into(),
        width: 320,
        height: 240,
    };
    for info in [
        client.enqueue(&welcome).await?,
        client
            .enqueue(&WelcomeEmail {
                email: "alan@example.org".into(),
                name: "Alan".into(),
            })
            .await?,
        client.enqueue(&thumb).await?,
    ] {
        println!(
            "   enqueued {} id={} queue={} signed by {}",
            info.type_name, info.id, info.queue, info.key_id
        );
    }

    println!("\n2. The producer refuses a value that breaks its rules; nothing is enqueued.");
    let bad = Thumbnail {
        file: "../../etc/passwd".into(),
        width: 10,
        height: 240,
    };
    if let Err(e) = client.enqueue(&bad).await {
        println!("   refused: {e}");
    }

    println!("\n3. Someone with write access to the queue plants two tasks.");
    let tampered = plant_tampered(&client, broker.as_ref()).await?;
    let unsigned = plant_unsigned(broker.as_ref()).await?;
    println!("   tampered task {tampered} (signed payload swapped) and unsigned task {unsigned}");

    println!(
        "\n4. The worker verifies before it parses, and hands handlers only verified values.\n"
    );
    let worker = WorkerBuilder::new(broker.clone())
        .handler::<send_welcome>()
        .handler::<make_thumbnail>()
        .state(Mailer::default())
        .shared_keyring(keyring)
        .configure(|c| {
            c.poll_interval = Duration::from_millis(50);
            c.shutdown_timeout = Duration::from_secs(2);
        })
        .build()?;
    worker.run(tokio::time::sleep(Duration::from_secs(2))).await;

    println!("\n5. What the quarantine store records for the planted tasks:");
    for (queue, id) in [("media", &tampered), ("default", &unsigned)] {
        let error = quarantined_error(broker.as_ref(), queue, id).await?;
        println!("   {id}: {error}");
    }
    Ok(())
}

async fn connect() -> Result<Arc<dyn Broker>, BoxError> {
    match std::env::var("REDIS_URL") {
        Ok(url) => {
            println!("Using Redis at {url}");
            Ok(Arc::new(RedisBroker::connect(&url).await?))
        }
        Err(_) => {
            println!("Using the in-memory broker (set REDIS_URL to use Redis)");
            Ok(Arc::new(MemoryBroker::new()))
        }
    }
}

/// Signs a harmless thumbnail request, then swaps in a hostile payload under the same
/// signature, as an attacker who can write to the queue but holds no key would.
async fn plant_tampered(client: &Client, broker: &dyn Broker) -> Result<String, BoxError> {
    let info = client
        .enqueue_with(
            &Thumbnail {
                file: "dog.png".into(),
                width: 64,
                height: 64,
            },
            vetted::client::EnqueueOptions::default().process_in(Duration::from_secs(3600)),
        )
        .await?;
    let raw = broker
        .task_message(TaskRef {
            queue: &info.queue,
            id: &info.id,
        })
        .await?
        .ok_or("task vanished")?;
    let mut forged = TaskMessage::decode(&raw, &DecodeLimits::default())?;
    forged.payload = br#"{"file":"../../etc/passwd","width":64,"height":64}"#.to_vec();
    forged.id = uuid::Uuid::new_v4().to_string();
    broker.enqueue(&forged, None).await?;
    Ok(forged.id)
}

/// Enqueues a task with no signature at all.
async fn plant_unsigned(broker: &dyn Broker) -> Result<String, BoxError> {
    let message = TaskMessage {
        type_name: "email:welcome".into(),
        payload: br#"{"email":"mallory@example.net","name":"Mallory"}"#.to_vec(),
        id: uuid::Uuid::new_v4().to_string(),
        queue: "default".into(),
        retry: 25,
        timeout: 1800,
        ..TaskMessage::default()
    };
    broker.enqueue(&message, None).await?;
    Ok(message.id)
}

/// The refusal text the quarantine store of `queue` holds for task `id`.
async fn quarantined_error(broker: &dyn Broker, queue: &str, id: &str) -> Result<String, BoxError> {
    let list = broker.quarantined(queue, 100).await?;
    let entry = list
        .entries
        .into_iter()
        .find(|entry| entry.task_id == id)
        .ok_or("task not quarantined")?;
    Ok(entry.error_msg)
}
