//! The checks a dequeued message passes before its payload is parsed, cheapest first:
//! task id syntax (the rules the client enforces at enqueue), message decode, key
//! consistency, task type, payload size, signature, schema version and signed times.

use std::collections::HashSet;
use std::sync::Arc;

use crate::names::check_task_id;
use crate::reason::{Reason, Rejection};
use crate::registry::{ErasedTask, Registry};
use crate::signing::{self, Claims, Fingerprinter, KeyRing, SignedFields};
use crate::wire::{DecodeLimits, TaskMessage};

/// A message that passed every check before parsing.
pub(crate) struct Admitted {
    pub(crate) message: TaskMessage,
    pub(crate) claims: Option<Claims>,
    pub(crate) entry: Arc<dyn ErasedTask>,
}

/// A message refused before parsing.
pub(crate) struct Refused {
    pub(crate) rejection: Rejection,
    /// The decoded message, when it could be decoded.
    pub(crate) message: Option<TaskMessage>,
    /// The verified claims, when the signature checked out.
    pub(crate) claims: Option<Claims>,
}

impl Refused {
    fn new(rejection: Rejection, message: Option<TaskMessage>) -> Box<Self> {
        Box::new(Self {
            rejection,
            message,
            claims: None,
        })
    }
}

/// A signature that did not pass, with its claims when the MAC was good.
type SignatureRefusal = Box<(Rejection, Option<Claims>)>;

/// Runs the checks; shared by every worker slot.
pub(crate) struct Checker {
    pub(crate) registry: Registry,
    pub(crate) keyring: Option<Arc<KeyRing>>,
    pub(crate) unsigned_types: HashSet<String>,
    pub(crate) limits: DecodeLimits,
    /// Fingerprints refused bytes; `None` without a key ring.
    pub(crate) fingerprinter: Option<Fingerprinter>,
}

impl Checker {
    /// Adds the fingerprint of `bytes` to `rejection`, when the worker has a key ring.
    pub(crate) fn fingerprint(&self, rejection: &mut Rejection, bytes: &[u8]) {
        if let Some(fingerprinter) = &self.fingerprinter {
            rejection.fingerprint = Some(fingerprinter.of(bytes));
        }
    }

    /// Checks the message `raw` that was taken from `queue` under `id`, at Unix time `now`.
    pub(crate) fn check(
        &self,
        queue: &str,
        id: &str,
        raw: &[u8],
        now: u64,
    ) -> Result<Admitted, Box<Refused>> {
        if check_task_id(id).is_err() {
            return Err(Refused::new(Rejection::new(Reason::MalformedMessage), None));
        }
        let message = TaskMessage::decode(raw, &self.limits)
            .map_err(|_| Refused::new(Rejection::new(Reason::MalformedMessage), None))?;
        if message.id != id || message.queue != queue {
            return Err(Refused::new(
                Rejection::new(Reason::KeyMismatch),
                Some(message),
            ));
        }
        let Some(entry) = self.registry.get(&message.type_name).cloned() else {
            return Err(self.refuse_unknown_type(message));
        };
        let len = message.payload.len();
        if len > entry.options().max_payload_bytes {
            return Err(Refused::new(
                Rejection::new(Reason::Oversize).with_len(len),
                Some(message),
            ));
        }
        let claims = match self.check_signature(&message, entry.as_ref(), now) {
            Ok(claims) => claims,
            Err(refusal) => {
                let (rejection, claims) = *refusal;
                return Err(Box::new(Refused {
                    rejection,
                    message: Some(message),
                    claims,
                }));
            }
        };
        Ok(Admitted {
            message,
            claims,
            entry,
        })
    }

    /// Refuses a task of a type with no handler here, noting whether its sender is proven:
    /// a signature header that verifies under the key ring (a key holder sent it, maybe for
    /// a worker elsewhere) gives its claims and key id, anything else gives none.
    fn refuse_unknown_type(&self, message: TaskMessage) -> Box<Refused> {
        let mut rejection = Rejection::new(Reason::UnknownTaskType).with_len(message.payload.len());
        let claims = self.verified_claims(&message);
        if let Some(claims) = &claims {
            rejection.key_id = Some(claims.key_id.clone());
        }
        Box::new(Refused {
            rejection,
            message: Some(message),
            claims,
        })
    }

    /// The claims of the message's signature header when its MAC verifies; neither the
    /// schema version nor the signed times are checked.
    fn verified_claims(&self, message: &TaskMessage) -> Option<Claims> {
        let header = message.headers.get(signing::HEADER)?;
        let fields = signed_fields(message);
        self.keyring.as_ref()?.verify(header, &fields).ok()
    }

    /// Verifies the signature header; `Ok(None)` for a type that needs no signature and
    /// carries none.
    fn check_signature(
        &self,
        message: &TaskMessage,
        entry: &dyn ErasedTask,
        now: u64,
    ) -> Result<Option<Claims>, SignatureRefusal> {
        let len = message.payload.len();
        let header = message.headers.get(signing::HEADER);
        let required = !self.unsigned_types.contains(&message.type_name);
        let (header, keyring) = match (header, &self.keyring) {
            (None, _) if !required => return Ok(None),
            (None, _) => {
                return Err(Box::new((
                    Rejection::new(Reason::Unsigned).with_len(len),
                    None,
                )));
            }
            (Some(_), None) if !required => return Ok(None),
            (Some(_), None) => {
                return Err(Box::new((
                    Rejection::new(Reason::UnknownKey).with_len(len),
                    None,
                )));
            }
            (Some(header), Some(keyring)) => (header, keyring),
        };
        let fields = signed_fields(message);
        let claims = keyring
            .verify(header, &fields)
            .map_err(|r| Box::new((r, None)))?;
        let refuse = |reason| {
            let rejection = Rejection::new(reason)
                .with_key(claims.key_id.clone())
                .with_len(len);
            Err(Box::new((rejection, Some(claims.clone()))))
        };
        if claims.schema_version != entry.options().schema_version {
            return refuse(Reason::SchemaVersion);
        }
        if let Err(reason) = claims.check_time(now) {
            return refuse(reason);
        }
        if i64::from(message.retried) > i64::from(claims.max_retry) {
            return refuse(Reason::RetryExceeded);
        }
        Ok(Some(claims))
    }
}

/// The parts of `message` its MAC binds besides the header.
fn signed_fields(message: &TaskMessage) -> SignedFields<'_> {
    SignedFields {
        type_name: &message.type_name,
        queue: &message.queue,
        id: &message.id,
        payload: &message.payload,
    }
}
