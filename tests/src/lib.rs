//! Shared helpers for vetted integration tests.

pub mod attack;
pub mod conformance;
pub mod fixtures;
pub mod fuzz_entry;
pub mod fuzz_seeds;
pub mod go_harness;
pub mod quarantine_stream;
pub mod redis_fixtures;
pub mod redis_inspect;
pub mod redis_server;
