//! Wall-clock times in asynq's units (asynq-protocol §1).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long daily stats keys live: 90 days.
pub(crate) const STATS_TTL: Duration = Duration::from_secs(90 * 24 * 60 * 60);
/// Archived tasks older than this are trimmed: 90 days.
pub(crate) const ARCHIVE_MAX_AGE: Duration = Duration::from_secs(90 * 24 * 60 * 60);
/// The archive size limit passed to the trim (which keeps one fewer, as asynq does).
pub(crate) const ARCHIVE_MAX_SIZE: i64 = 10_000;
/// The value at which lifetime counters start over at 1.
pub(crate) const MAX_INT64: i64 = i64::MAX;

/// Unix seconds, rounded down as Go's `Time.Unix` does.
pub(crate) fn unix_secs(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            if before.subsec_nanos() == 0 {
                -whole
            } else {
                -whole - 1
            }
        }
    }
}

/// Unix nanoseconds, saturating at the `i64` range as Go's `Time.UnixNano` bounds it.
pub(crate) fn unix_nanos(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

/// The UTC date of `time` as `YYYY-MM-DD`.
pub(crate) fn utc_date(time: SystemTime) -> String {
    crate::time::utc_date(unix_secs(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(utc_date(UNIX_EPOCH), "1970-01-01");
        assert_eq!(utc_date(at(951_782_400, 0)), "2000-02-29");
        assert_eq!(utc_date(at(1_767_225_599, 0)), "2025-12-31");
        assert_eq!(utc_date(at(1_767_225_600, 0)), "2026-01-01");
        assert_eq!(utc_date(UNIX_EPOCH - Duration::from_secs(1)), "1969-12-31");
    }

    #[test]
    fn seconds_round_down_and_nanoseconds_are_exact() {
        assert_eq!(unix_secs(at(10, 999_999_999)), 10);
        assert_eq!(unix_secs(UNIX_EPOCH - Duration::from_millis(1)), -1);
        assert_eq!(unix_nanos(at(1, 5)), 1_000_000_005);
        assert_eq!(unix_nanos(UNIX_EPOCH - Duration::from_nanos(3)), -3);
    }
}
