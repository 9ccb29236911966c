//! Command-line arguments of a generated worker `main`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A vetted worker.
#[derive(Debug, Parser)]
#[command(version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the worker until SIGINT or SIGTERM.
    Work(WorkArgs),
    /// Validate, sign and enqueue one task.
    Enqueue(EnqueueArgs),
    /// Check a JSON payload against a task type's rules, without enqueueing it.
    Validate(ValidateArgs),
    /// List the task types this binary handles.
    Tasks,
    /// Print the JSON Schema of a task type's payload, or of every type by name.
    Schema(SchemaArgs),
    /// Show tasks refused by reason and signatures by key id, counted by every worker,
    /// and the queue counters.
    Stats(StatsArgs),
    /// List the newest entries of each queue's quarantine store: tasks refused before
    /// their sender was proven (bad or missing signature, unreadable message, …).
    Quarantine(QuarantineArgs),
}

/// Where Redis is.
#[derive(Debug, Args)]
pub(crate) struct RedisAddress {
    /// Redis URL (`redis://[:password@]host:port/db` or `rediss://` for TLS).
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    pub(crate) redis_url: String,
}

/// Where Redis is and where the keys are.
#[derive(Debug, Args)]
pub(crate) struct Connection {
    #[command(flatten)]
    pub(crate) redis: RedisAddress,
    /// Read the key ring from this file instead of the VETTED_KEYRING variable.
    #[arg(long)]
    pub(crate) keyring_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct WorkArgs {
    #[command(flatten)]
    pub(crate) connection: Connection,
    /// Tasks processed at once (default: the number of CPUs).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) concurrency: Option<u32>,
    /// A queue to serve, as `name` or `name=priority`; repeat for several
    /// (default: the queues of the registered task types).
    #[arg(long = "queue", value_name = "NAME[=PRIORITY]", value_parser = parse_queue)]
    pub(crate) queues: Vec<(String, u32)>,
    /// Poll queues strictly by priority instead of at random weighted by priority.
    #[arg(long)]
    pub(crate) strict_priority: bool,
    /// Seconds to wait for running tasks on shutdown before requeueing them.
    #[arg(long, default_value_t = 8)]
    pub(crate) shutdown_timeout: u64,
}

#[derive(Debug, Args)]
pub(crate) struct EnqueueArgs {
    #[command(flatten)]
    pub(crate) connection: Connection,
    /// Task type name.
    pub(crate) task_type: String,
    /// JSON payload, or `-` to read it from standard input.
    pub(crate) json: String,
    /// Queue (default: the task type's queue).
    #[arg(long)]
    pub(crate) queue: Option<String>,
    /// Run the task after this many seconds.
    #[arg(long)]
    pub(crate) process_in: Option<u64>,
    /// Task id (default: a new UUID).
    #[arg(long)]
    pub(crate) task_id: Option<String>,
    /// Maximum retries (default: the task type's).
    #[arg(long)]
    pub(crate) max_retry: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    #[command(flatten)]
    pub(crate) redis: RedisAddress,
    /// A queue whose counters to show; repeat for several (default: the queues of the
    /// registered task types).
    #[arg(long = "queue", value_name = "NAME", value_parser = parse_queue_name)]
    pub(crate) queues: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct QuarantineArgs {
    #[command(flatten)]
    pub(crate) redis: RedisAddress,
    /// A queue whose store to list; repeat for several (default: the queues of the
    /// registered task types).
    #[arg(long = "queue", value_name = "NAME", value_parser = parse_queue_name)]
    pub(crate) queues: Vec<String>,
    /// Entries listed per queue, newest first, at most 10000; 0 shows only how many
    /// each store holds.
    #[arg(long, default_value_t = 20, value_parser = parse_limit)]
    pub(crate) limit: usize,
}

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Task type name.
    pub(crate) task_type: String,
    /// JSON payload, or `-` to read it from standard input.
    pub(crate) json: String,
}

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Task type name (default: every registered type, as one object keyed by name).
    pub(crate) task_type: Option<String>,
}

fn parse_queue(s: &str) -> Result<(String, u32), String> {
    let (name, priority) = match s.split_once('=') {
        Some((name, p)) => (
            name,
            p.parse::<u32>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("bad priority in `{s}`; use a whole number of 1 or more"))?,
        ),
        None => (s, 1),
    };
    crate::names::check_queue_name(name).map_err(|e| e.to_string())?;
    Ok((name.to_owned(), priority))
}

/// The most entries `quarantine --limit` lists per queue.
const MAX_LIST_LIMIT: usize = 10_000;

fn parse_limit(s: &str) -> Result<usize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|n| *n <= MAX_LIST_LIMIT)
        .ok_or_else(|| format!("use a whole number from 0 to {MAX_LIST_LIMIT}"))
}

fn parse_queue_name(s: &str) -> Result<String, String> {
    crate::names::check_queue_name(s).map_err(|e| e.to_string())?;
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_arguments_take_optional_priorities() {
        assert_eq!(parse_queue("critical=6"), Ok(("critical".to_owned(), 6)));
        assert_eq!(parse_queue("default"), Ok(("default".to_owned(), 1)));
        assert!(parse_queue("x=high").is_err());
        assert!(
            parse_queue("x=0").is_err(),
            "a zero priority would silently drop the queue"
        );
        assert!(parse_queue("a{b}").is_err());
    }

    #[test]
    fn the_quarantine_limit_is_bounded() {
        assert_eq!(parse_limit("0"), Ok(0));
        assert_eq!(parse_limit("10000"), Ok(10_000));
        for bad in ["10001", "18446744073709551615", "-1", "ten"] {
            let error = parse_limit(bad).unwrap_err();
            assert!(error.contains("0 to 10000"), "{bad}: {error}");
        }
    }
}
