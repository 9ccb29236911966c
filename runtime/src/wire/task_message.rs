//! Encoding and decoding of `TaskMessage` (asynq-protocol §3.1).

use std::collections::BTreeMap;

use super::record::{
    Record, Records, put_bytes, put_int32, put_int64, put_len_delimited, put_string,
};
use super::{DecodeLimits, TaskMessage, WireError};

/// Field numbers of `TaskMessage`.
pub(crate) mod field {
    pub(crate) const TYPE: u32 = 1;
    pub(crate) const PAYLOAD: u32 = 2;
    pub(crate) const ID: u32 = 3;
    pub(crate) const QUEUE: u32 = 4;
    pub(crate) const RETRY: u32 = 5;
    pub(crate) const RETRIED: u32 = 6;
    pub(crate) const ERROR_MSG: u32 = 7;
    pub(crate) const TIMEOUT: u32 = 8;
    pub(crate) const DEADLINE: u32 = 9;
    pub(crate) const UNIQUE_KEY: u32 = 10;
    pub(crate) const LAST_FAILED_AT: u32 = 11;
    pub(crate) const RETENTION: u32 = 12;
    pub(crate) const COMPLETED_AT: u32 = 13;
    pub(crate) const GROUP_KEY: u32 = 14;
    pub(crate) const HEADERS: u32 = 15;
}

impl TaskMessage {
    /// Encodes the message in protobuf form, fields in ascending number order as Go
    /// writes them, proto3 defaults omitted, headers sorted by key.
    pub fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(64 + self.payload.len());
        put_string(&mut buf, field::TYPE, &self.type_name);
        put_bytes(&mut buf, field::PAYLOAD, &self.payload);
        put_string(&mut buf, field::ID, &self.id);
        put_string(&mut buf, field::QUEUE, &self.queue);
        put_int32(&mut buf, field::RETRY, self.retry);
        put_int32(&mut buf, field::RETRIED, self.retried);
        put_string(&mut buf, field::ERROR_MSG, &self.error_msg);
        put_int64(&mut buf, field::TIMEOUT, self.timeout);
        put_int64(&mut buf, field::DEADLINE, self.deadline);
        put_string(&mut buf, field::UNIQUE_KEY, &self.unique_key);
        put_int64(&mut buf, field::LAST_FAILED_AT, self.last_failed_at);
        put_int64(&mut buf, field::RETENTION, self.retention);
        put_int64(&mut buf, field::COMPLETED_AT, self.completed_at);
        put_string(&mut buf, field::GROUP_KEY, &self.group_key);
        for (key, value) in &self.headers {
            put_len_delimited(&mut buf, field::HEADERS, &string_entry(key, value));
        }
        buf
    }

    /// Decodes a message, refusing header maps over `limits`.
    ///
    /// Unknown fields are skipped; when a field repeats, the last record wins. Strings
    /// must be UTF-8. Header entries are counted and measured before they are copied,
    /// so a hostile map never allocates past the limits.
    pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Self, WireError> {
        let mut message = TaskMessage::default();
        let mut budget = HeaderBudget::new(limits);
        for record in Records::new(bytes) {
            message.apply(record?, &mut budget)?;
        }
        Ok(message)
    }

    fn apply(&mut self, record: Record<'_>, budget: &mut HeaderBudget) -> Result<(), WireError> {
        let value = record.value;
        match record.field {
            field::TYPE => self.type_name = value.str()?.to_owned(),
            field::PAYLOAD => self.payload = value.bytes()?.to_vec(),
            field::ID => self.id = value.str()?.to_owned(),
            field::QUEUE => self.queue = value.str()?.to_owned(),
            field::RETRY => self.retry = value.int32()?,
            field::RETRIED => self.retried = value.int32()?,
            field::ERROR_MSG => self.error_msg = value.str()?.to_owned(),
            field::TIMEOUT => self.timeout = value.int64()?,
            field::DEADLINE => self.deadline = value.int64()?,
            field::UNIQUE_KEY => self.unique_key = value.str()?.to_owned(),
            field::LAST_FAILED_AT => self.last_failed_at = value.int64()?,
            field::RETENTION => self.retention = value.int64()?,
            field::COMPLETED_AT => self.completed_at = value.int64()?,
            field::GROUP_KEY => self.group_key = value.str()?.to_owned(),
            field::HEADERS => insert_header(&mut self.headers, value.bytes()?, budget)?,
            _ => {}
        }
        Ok(())
    }
}

/// Encodes one `map<string, string>` entry; Go always writes both key and value.
pub(crate) fn string_entry(key: &str, value: &str) -> Vec<u8> {
    let mut entry = Vec::with_capacity(key.len() + value.len() + 4);
    put_len_delimited(&mut entry, 1, key.as_bytes());
    put_len_delimited(&mut entry, 2, value.as_bytes());
    entry
}

/// What is left of the header limits while decoding.
struct HeaderBudget {
    entries: usize,
    bytes: usize,
}

impl HeaderBudget {
    fn new(limits: &DecodeLimits) -> Self {
        Self {
            entries: limits.max_headers,
            bytes: limits.max_header_bytes,
        }
    }

    /// Spends one entry of `len` bytes, or fails when the limits would be passed.
    fn spend(&mut self, len: usize) -> Result<(), WireError> {
        if self.entries == 0 || len > self.bytes {
            return Err(WireError::HeadersOverCap);
        }
        self.entries -= 1;
        self.bytes -= len;
        Ok(())
    }
}

/// Decodes one header entry and inserts it; a repeated key keeps its last value.
fn insert_header(
    headers: &mut BTreeMap<String, String>,
    entry: &[u8],
    budget: &mut HeaderBudget,
) -> Result<(), WireError> {
    let (key, value) = decode_string_entry(entry)?;
    budget.spend(key.len() + value.len())?;
    headers.insert(key.to_owned(), value.to_owned());
    Ok(())
}

/// Decodes a `map<string, string>` entry without copying it.
fn decode_string_entry(entry: &[u8]) -> Result<(&str, &str), WireError> {
    let (mut key, mut value) = ("", "");
    for record in Records::new(entry) {
        let record = record?;
        match record.field {
            1 => key = record.value.str()?,
            2 => value = record.value.str()?,
            _ => {}
        }
    }
    Ok((key, value))
}
