//! The Lua scripts, each run with EVALSHA and re-sent with EVAL when Redis has lost it
//! (after `SCRIPT FLUSH` or a restart).

use std::sync::LazyLock;

use redis::Script;

/// Declares a script built from `scripts/<file>.lua`, after the shared Lua helpers it
/// names.
macro_rules! script {
    ($(#[$doc:meta])* $name:ident = $($file:literal)+) => {
        $(#[$doc])*
        pub(crate) static $name: LazyLock<Script> = LazyLock::new(|| {
            Script::new(concat!($(include_str!(concat!("scripts/", $file, ".lua"))),+))
        });
    };
}

script!(
    /// Enqueue for immediate processing (§5.1).
    ENQUEUE = "enqueue"
);
script!(
    /// Enqueue for later (§5.3).
    SCHEDULE = "schedule"
);
script!(
    /// Take one pending task, checking its size first (§5.7).
    DEQUEUE = "dequeue"
);
script!(
    /// Success without retention (§5.8).
    DONE = "lib_stats" "done"
);
script!(
    /// Success with retention (§5.9).
    MARK_COMPLETE = "lib_stats" "mark_complete"
);
script!(
    /// Failure with retries left (§5.10).
    RETRY = "lib_stats" "retry"
);
script!(
    /// Permanent failure (§5.11).
    ARCHIVE = "lib_stats" "lib_archive" "archive"
);
script!(
    /// Move a task refused before its sender was proven into the quarantine stream.
    QUARANTINE = "lib_stats" "quarantine"
);
script!(
    /// Back to the head of pending (§5.12).
    REQUEUE = "requeue"
);
script!(
    /// Back to scheduled.
    RESCHEDULE = "reschedule"
);
script!(
    /// Due scheduled or retry tasks to pending (§5.13).
    FORWARD = "forward"
);
script!(
    /// Leases that ran out (§5.15).
    EXPIRED_LEASES = "expired_leases"
);
script!(
    /// Completed tasks past retention (§5.18).
    DELETE_EXPIRED_COMPLETED = "delete_expired_completed"
);
script!(
    /// Heartbeat write (§5.20).
    WRITE_SERVER_STATE = "write_server_state"
);
script!(
    /// Heartbeat removal (§5.20).
    CLEAR_SERVER_STATE = "clear_server_state"
);
script!(
    /// Queue counters (§5.23).
    QUEUE_STATS = "queue_stats"
);
script!(
    /// vetted's shared counters: add a worker's counts, bounding the names per hash.
    ADD_COUNTERS = "add_counters"
);
script!(
    /// The newest quarantine entries without their `msg` bytes, texts cut short.
    QUARANTINED_WITHOUT_MESSAGES = "quarantined_without_messages"
);
