//! The attack suite's rig: task types and handlers, raw Redis writes as an attacker
//! with Redis access would make them, a worker on a real redis-server, forged
//! signatures, and capture of logs and panics to search for a planted canary.
//!
//! Every hostile payload carries [`CANARY`]; a test ends with
//! [`Arena::assert_no_canary`], which fails if the canary shows up in a log line, a
//! panic message, a heartbeat record or a task's `error_msg`.

mod arena;
pub mod capture;
mod flood;
mod forge;
mod raw;
mod tasks;
mod verdict;

pub use arena::{Arena, QUEUES, RunningWorker, contains, fast, llen, task_key};
pub use flood::Forgery;
pub use forge::{
    PREVIOUS_SIGNER, RETIRED_SIGNER, STAGING_RING, STAGING_SAME_KID, WORKER_RING, garbage_message,
    header_of, hostile_label, note_json, now_secs, resign, ring, set_header, signed, split_tag,
    with_tag, with_unknown_field,
};
pub use tasks::{
    Address, Calls, Gate, HookHosts, Job, Label, Ledger, Note, Order, Outputs, Payout, Profile,
    SortColumn, job, label_was_parsed, ledger, note, order, payout, profile,
};

/// Planted in every hostile payload; must never be seen outside the payload.
///
/// It contains `%`, which the key id grammar refuses, so it can never be echoed back
/// as a (well-formed) key id either.
pub const CANARY: &str = "Cnry%7e1d%";
