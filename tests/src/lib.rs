//! Shared helpers for vetted integration tests.

pub mod redis_fixtures;
pub mod redis_server;
