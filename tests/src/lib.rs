//! Shared helpers for vetted integration tests.
