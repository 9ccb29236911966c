//! The producer side: validate, sign and enqueue typed tasks.
