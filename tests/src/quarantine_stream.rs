//! Raw reads of vetted's quarantine stream `vetted:{<queue>}:quarantine`, so tests check
//! what the Redis broker wrote rather than what it reports about itself.

use std::collections::BTreeMap;

use redis::Commands;

/// One stream entry: its id and fields.
#[derive(Clone, Debug)]
pub struct StreamEntry {
    /// The stream id, `<ms>-<seq>`.
    pub entry_id: String,
    /// Field name to raw value.
    pub fields: BTreeMap<String, Vec<u8>>,
}

impl StreamEntry {
    /// The field `name` as text, if present.
    pub fn text(&self, name: &str) -> Option<String> {
        self.fields
            .get(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The `task_id` field, or an empty string.
    pub fn task_id(&self) -> String {
        self.text("task_id").unwrap_or_default()
    }
}

/// `vetted:{<queue>}:quarantine`.
pub fn quarantine_key(queue: &str) -> String {
    format!("vetted:{{{queue}}}:quarantine")
}

/// Every entry of `queue`'s stream, oldest first.
pub fn read_quarantine(redis: &mut redis::Connection, queue: &str) -> Vec<StreamEntry> {
    read_stream(redis, &quarantine_key(queue))
}

/// A stream entry as Redis returns it: its id and its field and value pairs.
type RawEntry = (String, Vec<(String, Vec<u8>)>);

/// Every entry of the stream `key`, oldest first.
pub fn read_stream(redis: &mut redis::Connection, key: &str) -> Vec<StreamEntry> {
    let raw: Vec<RawEntry> = redis::cmd("XRANGE")
        .arg(key)
        .arg("-")
        .arg("+")
        .query(redis)
        .expect("XRANGE");
    raw.into_iter()
        .map(|(entry_id, fields)| StreamEntry {
            entry_id,
            fields: fields.into_iter().collect(),
        })
        .collect()
}

/// `XLEN` of `queue`'s stream.
pub fn quarantine_len(redis: &mut redis::Connection, queue: &str) -> usize {
    redis.xlen(quarantine_key(queue)).expect("XLEN")
}

/// The form task id `id` takes in an entry: cut to 1024 bytes on a character boundary,
/// with `+<n>B` naming the bytes cut.
pub fn stored_id(id: &str) -> String {
    const MAX: usize = vetted::broker::MAX_STORED_NAME;
    if id.len() <= MAX {
        return id.to_owned();
    }
    let mut end = MAX;
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}+{}B", &id[..end], id.len() - end)
}
