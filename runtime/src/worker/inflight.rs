//! The tasks this worker is running, with their leases.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use tokio_util::sync::CancellationToken;

use crate::broker::ActiveTask;

/// One running task.
#[derive(Clone, Debug)]
pub(crate) struct Running {
    pub(crate) queue: String,
    pub(crate) type_name: String,
    pub(crate) started: SystemTime,
    pub(crate) deadline: SystemTime,
    /// Until when this worker holds the task; past it, the worker must not write.
    pub(crate) lease_until: SystemTime,
    /// Cancelled when the lease is lost.
    pub(crate) lease_lost: CancellationToken,
}

/// Running tasks by id.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    tasks: Mutex<HashMap<String, Running>>,
}

impl InFlight {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Running>> {
        self.tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn insert(&self, id: &str, running: Running) {
        self.lock().insert(id.to_owned(), running);
    }

    pub(crate) fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Whether the lease of `id` is still held at `now`.
    pub(crate) fn holds_lease(&self, id: &str, now: SystemTime) -> bool {
        self.lock().get(id).is_some_and(|r| r.lease_until > now)
    }

    /// Ids per queue whose lease is still held at `now`; tasks whose lease ran out are
    /// told so and left out.
    pub(crate) fn renewable(&self, now: SystemTime) -> HashMap<String, Vec<String>> {
        let mut by_queue: HashMap<String, Vec<String>> = HashMap::new();
        for (id, running) in self.lock().iter() {
            if running.lease_until > now {
                by_queue
                    .entry(running.queue.clone())
                    .or_default()
                    .push(id.clone());
            } else {
                running.lease_lost.cancel();
            }
        }
        by_queue
    }

    /// Records that the leases of `ids` now run until `until`.
    pub(crate) fn extended(&self, ids: &[String], until: SystemTime) {
        let mut tasks = self.lock();
        for id in ids {
            if let Some(running) = tasks.get_mut(id) {
                running.lease_until = until;
            }
        }
    }

    /// The running tasks, as published in the heartbeat.
    pub(crate) fn snapshot(&self) -> Vec<ActiveTask> {
        self.lock()
            .iter()
            .map(|(id, r)| ActiveTask {
                id: id.clone(),
                type_name: r.type_name.clone(),
                queue: r.queue.clone(),
                started: r.started,
                deadline: r.deadline,
            })
            .collect()
    }
}
