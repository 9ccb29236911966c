//! An in-process broker with the semantics of the Redis one, for tests and demos.

/// Tasks kept in memory; cheap to clone, clones share state.
#[derive(Clone, Debug, Default)]
pub struct MemoryBroker {
    _private: (),
}
