//! Heartbeat records of worker processes (`asynq:servers:{…}` and `asynq:workers:{…}`).

use std::time::{Duration, SystemTime};

use super::store::Store;
use super::time::later;
use crate::broker::ServerState;

/// One published heartbeat.
#[derive(Debug)]
pub(super) struct ServerEntry {
    /// The state as last written.
    state: ServerState,
    /// When the record expires (`None`: past what `SystemTime` holds).
    expires_at: Option<SystemTime>,
}

impl ServerEntry {
    /// Whether the record still exists at `now`.
    fn is_live(&self, now: SystemTime) -> bool {
        self.expires_at.is_none_or(|expiry| expiry > now)
    }
}

/// The `host:pid:server_id` part of a server's keys.
fn server_key(state: &ServerState) -> String {
    format!("{}:{}:{}", state.host, state.pid, state.server_id)
}

impl Store {
    /// Replaces the server's record with `state`, valid for `ttl` from `now`.
    pub(super) fn write_server(&mut self, state: &ServerState, ttl: Duration, now: SystemTime) {
        self.servers.retain(|_, entry| entry.is_live(now));
        let entry = ServerEntry {
            state: state.clone(),
            expires_at: later(now, ttl),
        };
        self.servers.insert(server_key(state), entry);
    }

    /// Removes the server's record.
    pub(super) fn clear_server(&mut self, state: &ServerState) {
        self.servers.remove(&server_key(state));
    }

    /// The records still live at `now`, ordered by key.
    pub(super) fn live_servers(&self, now: SystemTime) -> Vec<ServerState> {
        let mut live: Vec<_> = self
            .servers
            .iter()
            .filter(|(_, entry)| entry.is_live(now))
            .collect();
        live.sort_by(|a, b| a.0.cmp(b.0));
        live.into_iter()
            .map(|(_, entry)| entry.state.clone())
            .collect()
    }
}
