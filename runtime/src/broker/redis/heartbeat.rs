//! The server heartbeat: WriteServerState and ClearServerState (asynq-protocol §5.20).

use std::time::{Duration, SystemTime};

use redis::aio::ConnectionManager;
use tracing::debug;

use super::clock::unix_secs;
use super::error::from_redis;
use super::{keys, scripts};
use crate::broker::{ActiveTask, BrokerError, ServerState};
use crate::wire::{ServerInfo, Timestamp, WorkerInfo};

/// Publishes the server and its tasks in flight for `ttl` (whole seconds, at least 1).
pub(crate) async fn write_server_state(
    conn: &mut ConnectionManager,
    state: &ServerState,
    ttl: Duration,
) -> Result<(), BrokerError> {
    let ttl_secs = ttl.as_secs().max(1);
    let expires = unix_secs(SystemTime::now()) + i64::try_from(ttl_secs).unwrap_or(i64::MAX);
    let server_key = keys::server_info(&state.host, state.pid, &state.server_id);
    let workers_key = keys::workers(&state.host, state.pid, &state.server_id);
    redis::pipe()
        .zadd(keys::ALL_SERVERS, &server_key, expires)
        .ignore()
        .zadd(keys::ALL_WORKERS, &workers_key, expires)
        .ignore()
        .exec_async(conn)
        .await
        .map_err(from_redis)?;
    let mut call = scripts::WRITE_SERVER_STATE.prepare_invoke();
    call.key(&server_key)
        .key(&workers_key)
        .arg(ttl_secs)
        .arg(server_info(state).encode());
    for task in &state.workers {
        call.arg(&task.id).arg(worker_info(state, task).encode());
    }
    call.invoke_async::<()>(conn).await.map_err(from_redis)?;
    debug!(server_id = %state.server_id, workers = state.workers.len(), "heartbeat written");
    Ok(())
}

/// Removes the server's heartbeat keys and their index entries.
pub(crate) async fn clear_server_state(
    conn: &mut ConnectionManager,
    state: &ServerState,
) -> Result<(), BrokerError> {
    let server_key = keys::server_info(&state.host, state.pid, &state.server_id);
    let workers_key = keys::workers(&state.host, state.pid, &state.server_id);
    redis::pipe()
        .zrem(keys::ALL_SERVERS, &server_key)
        .ignore()
        .zrem(keys::ALL_WORKERS, &workers_key)
        .ignore()
        .exec_async(conn)
        .await
        .map_err(from_redis)?;
    scripts::CLEAR_SERVER_STATE
        .key(&server_key)
        .key(&workers_key)
        .invoke_async::<()>(conn)
        .await
        .map_err(from_redis)?;
    debug!(server_id = %state.server_id, "heartbeat cleared");
    Ok(())
}

/// The `ServerInfo` a Go server would write for this state.
pub(crate) fn server_info(state: &ServerState) -> ServerInfo {
    ServerInfo {
        host: state.host.clone(),
        pid: saturating_i32(state.pid),
        server_id: state.server_id.clone(),
        concurrency: saturating_i32(state.concurrency),
        queues: state
            .queues
            .iter()
            .map(|(q, p)| (q.clone(), saturating_i32(*p)))
            .collect(),
        strict_priority: state.strict_priority,
        status: state.status.to_owned(),
        start_time: Some(Timestamp::from(state.started)),
        active_worker_count: saturating_i32(u32::try_from(state.workers.len()).unwrap_or(u32::MAX)),
    }
}

/// The `WorkerInfo` of one task in flight, without its payload.
pub(crate) fn worker_info(state: &ServerState, task: &ActiveTask) -> WorkerInfo {
    WorkerInfo {
        host: state.host.clone(),
        pid: saturating_i32(state.pid),
        server_id: state.server_id.clone(),
        task_id: task.id.clone(),
        task_type: task.type_name.clone(),
        task_payload: Vec::new(),
        queue: task.queue.clone(),
        start_time: Some(Timestamp::from(task.started)),
        deadline: Some(Timestamp::from(task.deadline)),
    }
}

fn saturating_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
