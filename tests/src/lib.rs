//! Shared helpers for vetted integration tests.

pub mod conformance;
