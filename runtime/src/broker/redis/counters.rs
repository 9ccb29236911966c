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

/// Reads the three hashes.
pub(crate) async fn counters(conn: &mut ConnectionManager) -> Result<CounterSnapshot, BrokerError> {
    let mut pipe = redis::pipe();
    for hash in HASHES {
        pipe.hgetall(hash);
    }
    let (rejected, rejected_by_key, verified_by_key): Counts =
        pipe.query_async(conn).await.map_err(from_redis)?;
    Ok(CounterSnapshot {
        rejected,
        rejected_by_key,
        verified_by_key,
    })
}

type Counts = (
    BTreeMap<String, u64>,
    BTreeMap<String, u64>,
    BTreeMap<String, u64>,
);
