//! The asynq v0.26 Redis layout.

/// A broker on Redis, compatible with Go asynq v0.26 servers, clients and tools.
#[derive(Clone)]
pub struct RedisBroker {
    _private: (),
}
