//! Shared helpers for vetted integration tests.

pub mod conformance;
pub mod fixtures;
