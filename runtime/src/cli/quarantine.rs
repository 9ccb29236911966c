//! The `quarantine` command: the newest entries of each queue's quarantine store.
//!
//! Entries are listed without their kept `msg` bytes and with texts cut short
//! ([`Broker::quarantined_without_messages`]), so an entry planted in Redis with a huge
//! field costs this command little memory. A queue whose store cannot be read gets an
//! error line and the others are still listed; the command then exits with failure.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::args::QuarantineArgs;
use super::stats::{registered_queues, unreadable};
use super::{App, BoxError};
use crate::broker::redis::RedisBroker;
use crate::broker::{Broker, QuarantineEntry, QuarantineList};
use crate::names::log_name;
use crate::time::{unix_secs, utc_datetime};

pub(super) async fn quarantine(app: &App, args: QuarantineArgs) -> Result<ExitCode, BoxError> {
    let broker = RedisBroker::connect(&args.redis.redis_url).await?;
    let queues = if args.queues.is_empty() {
        registered_queues(app)
    } else {
        args.queues
    };
    let mut out = String::new();
    let mut failed = false;
    for queue in queues {
        match broker
            .quarantined_without_messages(&queue, args.limit)
            .await
        {
            Ok(list) => render(&mut out, &queue, &list),
            Err(e) => {
                failed = true;
                let _ = writeln!(
                    out,
                    "queue {:?}: cannot read its quarantine store: {}",
                    log_name(&queue),
                    unreadable(&e)
                );
            }
        }
    }
    print!("{out}");
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// A `queue` header line with the store's length, then one line per entry, newest first.
fn render(out: &mut String, queue: &str, list: &QuarantineList) {
    let shown = list.entries.len();
    let _ = writeln!(
        out,
        "queue {:?}: {} quarantined, newest {shown} shown",
        log_name(queue),
        list.len
    );
    for entry in &list.entries {
        let _ = writeln!(out, "  {}", line(entry));
    }
}

/// One entry. Every text was read back from Redis, where anyone with write access could
/// plant terminal control sequences, so each is printed escaped and cut as in logs.
fn line(entry: &QuarantineEntry) -> String {
    let absent = || "-".to_owned();
    let quoted = |text: &str| format!("{:?}", log_name(text));
    format!(
        "{} {} id={} type={} reason={} key={} len={} kept={}",
        quoted(&entry.entry_id),
        utc_datetime(unix_secs(entry.at)),
        quoted(&entry.task_id),
        entry.task_type.as_deref().map_or_else(absent, quoted),
        quoted(&entry.reason),
        entry.key_id.as_deref().map_or_else(absent, quoted),
        entry.message_len,
        if entry.message_kept { "yes" } else { "no" },
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn entry(task_id: &str) -> QuarantineEntry {
        QuarantineEntry {
            entry_id: "1767268800123-0".into(),
            at: UNIX_EPOCH + Duration::from_millis(1_767_268_800_123),
            task_id: task_id.into(),
            task_type: Some("email:send".into()),
            reason: "bad_signature".into(),
            error_msg: "vetted: reason=bad_signature key=k1 len=12".into(),
            key_id: Some("k1".into()),
            message_len: 80,
            message: None,
            message_kept: true,
        }
    }

    #[test]
    fn each_entry_is_one_escaped_line() {
        let mut unread = entry("\u{1b}]0;owned\u{7}\nfake");
        unread.task_type = None;
        unread.key_id = None;
        unread.message_kept = false;
        let list = QuarantineList {
            len: 7,
            entries: vec![entry("t1"), unread],
        };
        let mut out = String::new();
        render(&mut out, "default", &list);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            r#"queue "default": 7 quarantined, newest 2 shown"#
        );
        assert_eq!(
            lines[1],
            r#"  "1767268800123-0" 2026-01-01T12:00:00Z id="t1" type="email:send" reason="bad_signature" key="k1" len=80 kept=yes"#
        );
        assert_eq!(
            lines[2],
            r#"  "1767268800123-0" 2026-01-01T12:00:00Z id="\u{1b}]0;owned\u{7}\nfake" type=- reason="bad_signature" key=- len=80 kept=no"#
        );
        assert_eq!(lines.len(), 3);
    }
}
