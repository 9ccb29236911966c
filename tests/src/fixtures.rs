//! Task types, handlers and a rig shared by the worker tests.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use vetted::broker::memory::MemoryBroker;
use vetted::broker::{Broker, TaskRef};
use vetted::client::Client;
use vetted::signing::{Claims, HEADER, KeyRing, SignedFields};
use vetted::wire::{DecodeLimits, TaskMessage};
use vetted::worker::{Outcome, Worker, WorkerBuilder};
use vetted::{HandlerError, State, TaskContext, Verified};

/// A task whose handler does what its `action` says: `ok`, `fail`, `skip`, `revoke`,
/// `panic` or `sleep`.
#[vetted::task(name = "test:probe", queue = "default", max_retry = 3, timeout = "1s")]
pub struct Probe {
    /// Recorded by the handler.
    #[validate(length(min = 1, max = 32))]
    pub label: String,
    /// What the handler does.
    #[validate(length(max = 16))]
    pub action: String,
}

impl Probe {
    /// A probe with `label` and `action`.
    pub fn new(label: &str, action: &str) -> Self {
        Self {
            label: label.to_owned(),
            action: action.to_owned(),
        }
    }
}

/// Labels of the probes whose handler ran, with when it started, in order.
#[derive(Clone, Debug, Default)]
pub struct Calls(Arc<Mutex<Vec<(String, SystemTime)>>>);

impl Calls {
    /// The labels so far.
    pub fn labels(&self) -> Vec<String> {
        self.starts().into_iter().map(|(label, _)| label).collect()
    }

    /// The labels with the time each handler call started.
    pub fn starts(&self) -> Vec<(String, SystemTime)> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn push(&self, label: &str) {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        calls.push((label.to_owned(), SystemTime::now()));
    }
}

/// Runs a probe.
#[vetted::handler]
pub async fn probe(
    task: Verified<Probe>,
    _ctx: TaskContext,
    calls: State<Calls>,
) -> Result<(), HandlerError> {
    calls.push(&task.label);
    match task.action.as_str() {
        "fail" => Err(HandlerError::retry("probe failed")),
        "skip" => Err(HandlerError::skip_retry("probe gave up")),
        "revoke" => Err(HandlerError::revoke("probe revoked")),
        "panic" => panic!("probe panicked"),
        "sleep" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// An in-memory broker, a key ring, a client and the probe's call log.
pub struct Rig {
    /// The broker.
    pub broker: MemoryBroker,
    /// The key ring shared by client and worker.
    pub keyring: Arc<KeyRing>,
    /// A client signing with it.
    pub client: Client,
    /// Probe calls.
    pub calls: Calls,
}

impl Rig {
    /// A fresh rig.
    pub fn new() -> Self {
        let broker = MemoryBroker::new();
        let keyring = Arc::new(KeyRing::ephemeral("test-key"));
        let client = Client::from_shared(Arc::new(broker.clone()), keyring.clone());
        Self {
            broker,
            keyring,
            client,
            calls: Calls::default(),
        }
    }

    /// A worker builder with the probe handler, the rig's keys and call log.
    pub fn builder(&self) -> WorkerBuilder {
        Worker::builder(self.broker.clone())
            .handler::<probe>()
            .shared_keyring(self.keyring.clone())
            .state(self.calls.clone())
    }

    /// A worker with default settings.
    pub fn worker(&self) -> Worker {
        self.builder().build().expect("worker builds")
    }

    /// The stored message of a task.
    pub async fn message(&self, queue: &str, id: &str) -> TaskMessage {
        let raw = self
            .broker
            .task_message(TaskRef { queue, id })
            .await
            .expect("broker")
            .expect("task exists");
        TaskMessage::decode(&raw, &DecodeLimits::default()).expect("decodable")
    }

    /// Enqueues `message` as is, as someone with write access to the queue could.
    pub async fn plant(&self, message: &TaskMessage) {
        self.broker.enqueue(message, None).await.expect("planted");
    }
}

impl Default for Rig {
    fn default() -> Self {
        Self::new()
    }
}

/// Signs `payload` as a probe task with the rig's key, claims adjusted by `tweak`, and
/// returns the message without enqueueing it.
pub fn signed_message(
    keyring: &KeyRing,
    payload: &[u8],
    tweak: impl FnOnce(&mut Claims),
) -> TaskMessage {
    let mut message = TaskMessage {
        type_name: "test:probe".to_owned(),
        payload: payload.to_vec(),
        id: uuid::Uuid::new_v4().to_string(),
        queue: "default".to_owned(),
        retry: 3,
        timeout: 1,
        ..TaskMessage::default()
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut claims = Claims {
        key_id: keyring.signing_key_id().to_owned(),
        issued_at: now,
        expires_at: 0,
        not_before: 0,
        max_retry: 3,
        schema_version: 1,
    };
    tweak(&mut claims);
    let fields = SignedFields {
        type_name: &message.type_name,
        queue: &message.queue,
        id: &message.id,
        payload: &message.payload,
    };
    let header = keyring.sign(&fields, &claims);
    message.headers.insert(HEADER.to_owned(), header);
    message
}

/// The JSON of a probe.
pub fn probe_json(label: &str, action: &str) -> Vec<u8> {
    format!(r#"{{"label":"{label}","action":"{action}"}}"#).into_bytes()
}

/// Processes the next task, failing unless the broker works and a task was there, and
/// returns its outcome.
pub async fn process_next(worker: &Worker) -> Outcome {
    worker
        .process_one()
        .await
        .expect("broker works")
        .expect("a task was dequeued")
        .outcome
}
