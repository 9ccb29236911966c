//! The `stats` command: what every worker counted, asynq's queue counters and the
//! length of each queue's quarantine store.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use super::args::StatsArgs;
use super::{App, BoxError};
use crate::broker::redis::RedisBroker;
use crate::broker::{Broker, BrokerError, CounterSnapshot, QueueStats};

pub(super) async fn stats(app: &App, args: StatsArgs) -> Result<ExitCode, BoxError> {
    let broker = RedisBroker::connect(&args.redis.redis_url).await?;
    let counters = broker.counters().await;
    let queues = if args.queues.is_empty() {
        registered_queues(app)
    } else {
        args.queues
    };
    let mut queue_stats = Vec::with_capacity(queues.len());
    for queue in queues {
        let stats = broker.queue_stats(&queue).await;
        let quarantined = broker.quarantined(&queue, 0).await.map(|list| list.len);
        queue_stats.push(QueueLine {
            name: queue,
            stats,
            quarantined,
        });
    }
    let failed = counters.is_err()
        || queue_stats
            .iter()
            .any(|q| q.stats.is_err() || q.quarantined.is_err());
    print!("{}", render(&counters, &queue_stats));
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// One queue's line: asynq's counters and the length of vetted's quarantine store, each
/// read on its own so that one unreadable key spoils only its own column.
struct QueueLine {
    name: String,
    stats: Result<QueueStats, BrokerError>,
    quarantined: Result<usize, BrokerError>,
}

/// Why something could not be read, with control characters escaped. Data planted in
/// Redis rather than a lost connection is the usual cause, so the "broker unavailable"
/// label is left out.
pub(super) fn unreadable(error: &BrokerError) -> String {
    let text = match error {
        BrokerError::Unavailable(detail) => detail.clone(),
        other => other.to_string(),
    };
    let escaped = |c: char| {
        if c.is_control() {
            c.escape_default().to_string()
        } else {
            c.to_string()
        }
    };
    text.chars().map(escaped).collect()
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

/// The report: three counter sections, then one line per queue, with an error line for
/// each part that could not be read.
fn render(counters: &Result<CounterSnapshot, BrokerError>, queues: &[QueueLine]) -> String {
    let mut out = String::new();
    match counters {
        Ok(counters) => {
            section(&mut out, "rejected by reason", &counters.rejected);
            section(&mut out, "verified by key", &counters.verified_by_key);
            section(&mut out, "rejected by key", &counters.rejected_by_key);
        }
        Err(e) => {
            let _ = writeln!(out, "counters: cannot read them: {}", unreadable(e));
        }
    }
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
    for queue in queues {
        queue_line(&mut out, queue);
    }
    out
}

/// A queue's counters, `?` for what could not be read, then a line per failure.
fn queue_line(out: &mut String, queue: &QueueLine) {
    let name = &queue.name;
    let quarantined = queue
        .quarantined
        .as_ref()
        .map_or_else(|_| "?".to_owned(), usize::to_string);
    match &queue.stats {
        Ok(s) => {
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
        Err(_) => {
            let q = "?";
            let _ = writeln!(
                out,
                "  {name:<20} {q:>8} {q:>8} {q:>9} {q:>8} {q:>8} {q:>9} {q:>15} {q:>12} {quarantined:>11}"
            );
        }
    }
    let failures = [
        ("asynq counters", queue.stats.as_ref().err()),
        ("quarantine store", queue.quarantined.as_ref().err()),
    ];
    for (what, error) in failures {
        if let Some(e) = error {
            let _ = writeln!(out, "    cannot read its {what}: {}", unreadable(e));
        }
    }
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
            stats: Ok(queue),
            quarantined: Ok(4),
        };
        let report = render(&Ok(counters), &[line]);
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
        let report = render(&Ok(counters), &[]);
        assert!(!report.contains('\u{1b}') && !report.contains('\u{7}'));
        assert!(
            report.contains("\\u{1b}]0;owned\\u{7}\\nfake 99"),
            "{report}"
        );
    }

    #[test]
    fn what_cannot_be_read_gets_its_own_line_and_the_rest_is_shown() {
        let wrong_type = || BrokerError::Unavailable("WRONGTYPE wrong kind\u{1b}[2J".into());
        let broken = QueueLine {
            name: "media".into(),
            stats: Ok(QueueStats {
                pending: 5,
                ..QueueStats::default()
            }),
            quarantined: Err(wrong_type()),
        };
        let unread = QueueLine {
            name: "mail".into(),
            stats: Err(wrong_type()),
            quarantined: Ok(2),
        };
        let report = render(&Err(wrong_type()), &[broken, unread]);
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(
            lines[0],
            r"counters: cannot read them: WRONGTYPE wrong kind\u{1b}[2J"
        );
        let media: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(
            media,
            ["media", "5", "0", "0", "0", "0", "0", "0", "0", "?"]
        );
        assert_eq!(
            lines[4],
            r"    cannot read its quarantine store: WRONGTYPE wrong kind\u{1b}[2J"
        );
        let mail: Vec<&str> = lines[5].split_whitespace().collect();
        assert_eq!(mail, ["mail", "?", "?", "?", "?", "?", "?", "?", "?", "2"]);
        assert!(lines[6].starts_with("    cannot read its asynq counters: "));
        assert!(!report.contains("broker unavailable"), "{report}");
    }
}
