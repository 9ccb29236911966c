//! Example tasks for vetted.
