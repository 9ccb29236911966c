//! The producer side: validate, serialize once, sign the exact bytes, enqueue.

mod options;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use options::{EnqueueOptions, TaskInfo, TaskState};

use crate::broker::{Broker, BrokerError};
use crate::names::{NameError, check_queue_name, check_task_id};
use crate::signing::{self, Claims, KeyRing, SignedFields};
use crate::task::{Task, TaskOptions};
use crate::time::unix_secs;
use crate::validate::{ValidationErrors, validate};
use crate::wire::TaskMessage;

/// asynq's timeout when neither a timeout nor a deadline is set.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// An enqueue was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnqueueError {
    /// A task with the same id already exists.
    #[error("task id conflicts with another task")]
    DuplicateTaskId,
    /// The payload broke its rules; nothing was enqueued.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// The payload is larger than the task type's cap.
    #[error("payload of {len} bytes is over the {max}-byte cap of this task type")]
    Oversize {
        /// Payload length.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// A queue name or task id is unusable.
    #[error(transparent)]
    InvalidName(#[from] NameError),
    /// The payload could not be serialized.
    #[error("payload could not be serialized to JSON")]
    Serialize,
    /// The broker failed.
    #[error(transparent)]
    Broker(BrokerError),
}

impl From<BrokerError> for EnqueueError {
    fn from(e: BrokerError) -> Self {
        match e {
            BrokerError::TaskIdConflict => EnqueueError::DuplicateTaskId,
            other => EnqueueError::Broker(other),
        }
    }
}

/// Enqueues signed tasks. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    broker: Arc<dyn Broker>,
    keyring: Arc<KeyRing>,
}

impl Client {
    /// A client that signs with `keyring`'s signing key.
    pub fn new(broker: impl Broker, keyring: KeyRing) -> Self {
        Self::from_shared(Arc::new(broker), Arc::new(keyring))
    }

    /// A client on a shared broker and key ring.
    pub fn from_shared(broker: Arc<dyn Broker>, keyring: Arc<KeyRing>) -> Self {
        Self { broker, keyring }
    }

    /// Validates, signs and enqueues `task` with its type's default options.
    pub async fn enqueue<T: Task>(&self, task: &T) -> Result<TaskInfo, EnqueueError> {
        self.enqueue_with(task, EnqueueOptions::default()).await
    }

    /// Validates, signs and enqueues `task` with `options`.
    pub async fn enqueue_with<T: Task>(
        &self,
        task: &T,
        options: EnqueueOptions,
    ) -> Result<TaskInfo, EnqueueError> {
        validate(task)?;
        let payload = serde_json::to_vec(task).map_err(|_| EnqueueError::Serialize)?;
        self.enqueue_checked(T::NAME, &T::OPTIONS, payload, options)
            .await
    }

    /// Signs and enqueues a payload that was already decoded strictly and validated.
    pub(crate) async fn enqueue_checked(
        &self,
        type_name: &str,
        defaults: &TaskOptions,
        payload: Vec<u8>,
        options: EnqueueOptions,
    ) -> Result<TaskInfo, EnqueueError> {
        if payload.len() > defaults.max_payload_bytes {
            return Err(EnqueueError::Oversize {
                len: payload.len(),
                max: defaults.max_payload_bytes,
            });
        }
        let plan = Plan::new(defaults, options)?;
        let mut message = plan.message(type_name, payload);
        let header = self.sign(&message, &plan, defaults);
        message.headers.insert(signing::HEADER.to_owned(), header);
        let scheduled = plan.process_at > SystemTime::now();
        let process_at = scheduled.then_some(plan.process_at);
        self.broker.enqueue(&message, process_at).await?;
        tracing::debug!(task_id = %message.id, queue = %message.queue, task_type = type_name, "task enqueued");
        Ok(plan.info(type_name, scheduled, self.keyring.signing_key_id()))
    }

    fn sign(&self, message: &TaskMessage, plan: &Plan, defaults: &TaskOptions) -> String {
        let now = SystemTime::now();
        let due = plan.process_at.max(now);
        let not_before = if plan.process_at > now {
            secs(plan.process_at)
        } else {
            0
        };
        let expires_at = defaults.max_age.map_or(0, |age| secs(due + age));
        let claims = Claims {
            key_id: self.keyring.signing_key_id().to_owned(),
            issued_at: secs(now),
            expires_at,
            not_before,
            max_retry: plan.max_retry,
            schema_version: defaults.schema_version,
        };
        let fields = SignedFields {
            type_name: &message.type_name,
            queue: &message.queue,
            id: &message.id,
            payload: &message.payload,
        };
        self.keyring.sign(&fields, &claims)
    }
}

fn secs(t: SystemTime) -> u64 {
    u64::try_from(unix_secs(t)).unwrap_or(0)
}

/// The options of one enqueue, resolved against the type's defaults.
struct Plan {
    queue: String,
    id: String,
    process_at: SystemTime,
    max_retry: u32,
    timeout: Option<Duration>,
    deadline: Option<SystemTime>,
    retention: Duration,
}

impl Plan {
    fn new(defaults: &TaskOptions, options: EnqueueOptions) -> Result<Self, NameError> {
        let queue = options.queue.unwrap_or_else(|| defaults.queue.to_owned());
        check_queue_name(&queue)?;
        let id = options
            .task_id
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        check_task_id(&id)?;
        let mut timeout = options
            .timeout
            .or(defaults.timeout)
            .filter(|t| t.as_secs() > 0);
        let deadline = options.deadline.filter(|d| unix_secs(*d) > 0);
        if timeout.is_none() && deadline.is_none() {
            timeout = Some(DEFAULT_TIMEOUT);
        }
        Ok(Self {
            queue,
            id,
            process_at: options.process_at.unwrap_or_else(SystemTime::now),
            max_retry: options
                .max_retry
                .unwrap_or(defaults.max_retry)
                .min(i32::MAX as u32),
            timeout,
            deadline,
            retention: options.retention.unwrap_or(defaults.retention),
        })
    }

    fn message(&self, type_name: &str, payload: Vec<u8>) -> TaskMessage {
        TaskMessage {
            type_name: type_name.to_owned(),
            payload,
            headers: BTreeMap::new(),
            id: self.id.clone(),
            queue: self.queue.clone(),
            retry: i32::try_from(self.max_retry).unwrap_or(i32::MAX),
            timeout: self
                .timeout
                .map_or(0, |t| i64::try_from(t.as_secs()).unwrap_or(i64::MAX)),
            deadline: self.deadline.map_or(0, unix_secs),
            retention: i64::try_from(self.retention.as_secs()).unwrap_or(i64::MAX),
            ..TaskMessage::default()
        }
    }

    fn info(self, type_name: &str, scheduled: bool, key_id: &str) -> TaskInfo {
        TaskInfo {
            id: self.id,
            queue: self.queue,
            type_name: type_name.to_owned(),
            state: if scheduled {
                TaskState::Scheduled
            } else {
                TaskState::Pending
            },
            max_retry: self.max_retry,
            timeout: self.timeout,
            deadline: self.deadline,
            retention: self.retention,
            next_process_at: if scheduled {
                self.process_at
            } else {
                SystemTime::now()
            },
            key_id: key_id.to_owned(),
        }
    }
}
