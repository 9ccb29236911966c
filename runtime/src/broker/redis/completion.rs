//! Completion markers of one-time tasks: `vetted:{<q>}:done:<id>`.

use std::time::Duration;

use redis::aio::ConnectionManager;

use super::error::from_redis;
use super::keys;
use crate::broker::{BrokerError, TaskRef, marker_secs};

/// `EXISTS vetted:{q}:done:<id>`.
pub(crate) async fn is_completed(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
) -> Result<bool, BrokerError> {
    redis::cmd("EXISTS")
        .arg(keys::completion_marker(task.queue, task.id))
        .query_async(conn)
        .await
        .map_err(from_redis)
}

/// `SET vetted:{q}:done:<id> 1 NX EX <ttl>`, with `ttl` in whole seconds rounded up;
/// nothing for a zero `ttl`.
pub(crate) async fn record_completion(
    conn: &mut ConnectionManager,
    task: TaskRef<'_>,
    ttl: Duration,
) -> Result<(), BrokerError> {
    let secs = marker_secs(ttl);
    if secs == 0 {
        return Ok(());
    }
    let _: Option<String> = redis::cmd("SET")
        .arg(keys::completion_marker(task.queue, task.id))
        .arg(1)
        .arg("NX")
        .arg("EX")
        .arg(secs)
        .query_async(conn)
        .await
        .map_err(from_redis)?;
    tracing::debug!(
        queue = task.queue,
        id = task.id,
        ttl_secs = secs,
        "completion recorded"
    );
    Ok(())
}
