//! Rewriting an encoded `TaskMessage` without decoding it into a struct.

use super::record::{Records, put_int32, put_int64, put_string};
use super::task_message::field;
use super::{MessageUpdate, WireError};

/// One field the update sets: its number and its new record (empty for a default).
struct Replacement {
    field: u32,
    encoded: Vec<u8>,
    emitted: bool,
}

impl Replacement {
    fn new(field: u32, write: impl FnOnce(&mut Vec<u8>)) -> Self {
        let mut encoded = Vec::new();
        write(&mut encoded);
        Self {
            field,
            encoded,
            emitted: false,
        }
    }
}

fn replacements(update: &MessageUpdate) -> Vec<Replacement> {
    let mut list = Vec::with_capacity(4);
    if let Some(retried) = update.retried {
        list.push(Replacement::new(field::RETRIED, |b| {
            put_int32(b, field::RETRIED, retried)
        }));
    }
    if let Some(error_msg) = &update.error_msg {
        list.push(Replacement::new(field::ERROR_MSG, |b| {
            put_string(b, field::ERROR_MSG, error_msg)
        }));
    }
    if let Some(at) = update.last_failed_at {
        list.push(Replacement::new(field::LAST_FAILED_AT, |b| {
            put_int64(b, field::LAST_FAILED_AT, at)
        }));
    }
    if let Some(at) = update.completed_at {
        list.push(Replacement::new(field::COMPLETED_AT, |b| {
            put_int64(b, field::COMPLETED_AT, at)
        }));
    }
    list
}

/// Rewrites an encoded message with `update`, keeping every other field record,
/// known or not, byte for byte and in order.
///
/// Each field the update sets is written once, where its first old record stood (or at
/// the end when it had none), and its other old records are dropped; a new value equal
/// to the proto3 default is written as no record at all. Only the record structure of
/// `original` is checked, not the content of the fields it keeps.
pub fn rewrite(original: &[u8], update: &MessageUpdate) -> Result<Vec<u8>, WireError> {
    let mut replacements = replacements(update);
    let mut out = Vec::with_capacity(original.len() + 64);
    for record in Records::new(original) {
        let record = record?;
        match replacements.iter_mut().find(|r| r.field == record.field) {
            Some(replacement) if !replacement.emitted => {
                out.extend_from_slice(&replacement.encoded);
                replacement.emitted = true;
            }
            Some(_) => {}
            None => out.extend_from_slice(record.raw),
        }
    }
    for replacement in replacements.iter().filter(|r| !r.emitted) {
        out.extend_from_slice(&replacement.encoded);
    }
    Ok(out)
}
