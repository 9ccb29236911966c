//! vetted's shared counters: three hashes under `vetted:{stats}:` that every worker adds
//! its counts to, read by the `stats` command.

use std::collections::BTreeMap;

use redis::aio::ConnectionManager;

use super::error::from_redis;
use super::{keys, scripts};
use crate::broker::{BrokerError, CounterSnapshot, MAX_TRACKED_NAMES, OTHER_NAMES};

/// The hashes, in the order of [`CounterSnapshot::maps`].
const HASHES: [&str; 3] = [
    keys::STATS_REJECTED,
    keys::STATS_REJECTED_BY_KEY,
    keys::STATS_VERIFIED_BY_KEY,
];

/// Adds `delta` with one script call, so a worker's counts land together.
pub(crate) async fn add_counters(
    conn: &mut ConnectionManager,
    delta: &CounterSnapshot,
) -> Result<(), BrokerError> {
    let mut call = scripts::ADD_COUNTERS.prepare_invoke();
    for hash in HASHES {
        call.key(hash);
    }
    call.arg(MAX_TRACKED_NAMES).arg(OTHER_NAMES);
    for map in delta.maps() {
        call.arg(map.len());
        for (name, count) in map {
            // HINCRBY takes a signed 64-bit increment.
            call.arg(name)
                .arg(i64::try_from(*count).unwrap_or(i64::MAX));
        }
    }
    let _: i64 = call.invoke_async(conn).await.map_err(from_redis)?;
    Ok(())
}

/// Reads the three hashes. Anyone with write access to Redis can edit them, so a name
/// that is not UTF-8 is read lossily and a value that is not a count is skipped (with a
/// warning) rather than failing the whole read.
pub(crate) async fn counters(conn: &mut ConnectionManager) -> Result<CounterSnapshot, BrokerError> {
    let mut pipe = redis::pipe();
    for hash in HASHES {
        pipe.hgetall(hash);
    }
    let (rejected, rejected_by_key, verified_by_key): (RawHash, RawHash, RawHash) =
        pipe.query_async(conn).await.map_err(from_redis)?;
    Ok(CounterSnapshot {
        rejected: counts(HASHES[0], rejected),
        rejected_by_key: counts(HASHES[1], rejected_by_key),
        verified_by_key: counts(HASHES[2], verified_by_key),
    })
}

/// A hash's field and value pairs as bytes.
type RawHash = Vec<(Vec<u8>, Vec<u8>)>;

/// The counts of one hash; values that are not whole numbers of 0 or more are skipped.
fn counts(hash: &str, raw: RawHash) -> BTreeMap<String, u64> {
    let mut map = BTreeMap::new();
    let mut skipped = 0usize;
    for (name, value) in raw {
        let count = std::str::from_utf8(&value)
            .ok()
            .and_then(|text| text.parse::<u64>().ok());
        match count {
            Some(count) => {
                let slot = map
                    .entry(String::from_utf8_lossy(&name).into_owned())
                    .or_insert(0u64);
                *slot = slot.saturating_add(count);
            }
            None => skipped += 1,
        }
    }
    if skipped > 0 {
        tracing::warn!(
            hash,
            skipped,
            "counter values that are not counts were skipped"
        );
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_names_and_values_do_not_spoil_the_rest() {
        let raw = vec![
            (b"unsigned".to_vec(), b"3".to_vec()),
            (b"bad\xffname".to_vec(), b"2".to_vec()),
            (b"text".to_vec(), b"lots".to_vec()),
            (b"negative".to_vec(), b"-4".to_vec()),
        ];
        let map = counts(keys::STATS_REJECTED, raw);
        assert_eq!(map.len(), 2, "{map:?}");
        assert_eq!(map["unsigned"], 3);
        assert_eq!(map["bad\u{fffd}name"], 2);
    }
}
