//! The worker: dequeues tasks, checks them and runs their handlers.

/// Builds a worker.
#[derive(Debug, Default)]
pub struct WorkerBuilder {
    _private: (),
}
