//! The `stats` command: what every worker counted, asynq's queue counters and the
//! length of each queue's quarantine store.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use super::args::StatsArgs;
use super::{App, BoxError};
use crate::broker::redis::RedisBroker;
use crate::broker::{Broker, CounterSnapshot, QueueStats};

pub(super) async fn stats(app: &App, args: StatsArgs) -> Result<ExitCode, BoxError> {
    let broker = RedisBroker::connect(&args.redis.redis_url).await?;
    let counters = broker.counters().await?;
    let queues = if args.queues.is_empty() {
        registered_queues(app)
    } else {
        args.queues
    };
    let mut queue_stats = Vec::with_capacity(queues.len());
    for queue in queues {
        let stats = broker.queue_stats(&queue).await?;
        let quarantined = broker.quarantined(&queue, 0).await?.len;
        queue_stats.push(QueueLine {
            name: queue,
            stats,
            quarantined,
        });
    }
    print!("{}", render(&counters, &queue_stats));
    Ok(ExitCode::SUCCESS)
}

/// One queue's line: asynq's counters and the length of vetted's quarantine store.
struct QueueLine {
    name: String,
    stats: QueueStats,
    quarantined: usize,
}

/// The queues of the registered task types, each once, in name order.
pub(super) fn registered_queues(app: &App) -> Vec<String> {
    let mut queues: Vec<String> = app
        .registry
        .entries()
        .iter()
        .map(|(_, entry)| entry.options().queue.to_owned())
        .collect();
    queues.sort();
    queues.dedup();
    queues
}

/// The report: three counter sections, then one line per queue.
fn render(counters: &CounterSnapshot, queues: &[QueueLine]) -> String {
    let mut out = String::new();
    section(&mut out, "rejected by reason", &counters.rejected);
    section(&mut out, "verified by key", &counters.verified_by_key);
    section(&mut out, "rejected by key", &counters.rejected_by_key);
    out.push_str("queues:\n");
    let _ = writeln!(
        out,
        "  {:<20} {:>8} {:>8} {:>9} {:>8} {:>8} {:>9} {:>15} {:>12} {:>11}",
        "QUEUE",
        "PENDING",
        "ACTIVE",
        "SCHEDULED",
        "RETRY",
        "ARCHIVED",
        "COMPLETED",
        "PROCESSED_TODAY",
        "FAILED_TODAY",
        "QUARANTINED"
    );
    for QueueLine {
        name,
        stats: s,
        quarantined,
    } in queues
    {
        let _ = writeln!(
            out,
            "  {name:<20} {:>8} {:>8} {:>9} {:>8} {:>8} {:>9} {:>15} {:>12} {quarantined:>11}",
            s.pending,
            s.active,
            s.scheduled,
            s.retry,
            s.archived,
            s.completed,
            s.processed_today,
            s.failed_today
        );
    }
    out
}

/// One `title:` section with a `name count` line per entry, or `(none)`.
///
/// Names are read back from Redis, where anyone with write access could plant terminal
/// control sequences, so they are printed escaped.
fn section(out: &mut String, title: &str, counts: &BTreeMap<String, u64>) {
    let _ = writeln!(out, "{title}:");
    if counts.is_empty() {
        out.push_str("  (none)\n");
    }
    for (name, count) in counts {
        let name = name.escape_debug().to_string();
        let _ = writeln!(out, "  {name:<32} {count:>10}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_lists_counts_by_reason_key_and_queue() {
        let mut counters = CounterSnapshot::default();
        counters.rejected.insert("bad_signature".into(), 1);
        counters.rejected.insert("unsigned".into(), 2);
        counters.verified_by_key.insert("k-2026".into(), 7);
        let queue = QueueStats {
            pending: 3,
            archived: 2,
            processed_today: 9,
            ..QueueStats::default()
        };
        let line = QueueLine {
            name: "default".into(),
            stats: queue,
            quarantined: 4,
        };
        let report = render(&counters, &[line]);
        let lines: Vec<Vec<&str>> = report
            .lines()
            .map(|line| line.split_whitespace().collect())
            .collect();
        let expected: [&[&str]; 9] = [
            &["rejected", "by", "reason:"],
            &["bad_signature", "1"],
            &["unsigned", "2"],
            &["verified", "by", "key:"],
            &["k-2026", "7"],
            &["rejected", "by", "key:"],
            &["(none)"],
            &["queues:"],
            &[
                "QUEUE",
                "PENDING",
                "ACTIVE",
                "SCHEDULED",
                "RETRY",
                "ARCHIVED",
                "COMPLETED",
                "PROCESSED_TODAY",
                "FAILED_TODAY",
                "QUARANTINED",
            ],
        ];
        assert_eq!(lines[..9], expected.map(<[&str]>::to_vec));
        assert_eq!(
            lines[9],
            ["default", "3", "0", "0", "0", "2", "0", "9", "0", "4"]
        );
    }

    #[test]
    fn names_planted_in_redis_cannot_drive_the_terminal() {
        let mut counters = CounterSnapshot::default();
        counters
            .rejected
            .insert("\u{1b}]0;owned\u{7}\nfake 99".into(), 1);
        let report = render(&counters, &[]);
        assert!(!report.contains('\u{1b}') && !report.contains('\u{7}'));
        assert!(
            report.contains("\\u{1b}]0;owned\\u{7}\\nfake 99"),
            "{report}"
        );
    }
}
