//! Conversions between [`SystemTime`] and asynq's integer time units.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds in one day.
pub(super) const DAY_SECS: i64 = 86_400;

/// Unix seconds, rounded down like Go's `Time.Unix`; saturates far outside `i64`.
pub(super) fn unix_secs(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            let partial = i64::from(before.subsec_nanos() > 0);
            0i64.saturating_sub(whole).saturating_sub(partial)
        }
    }
}

/// Unix nanoseconds (the unit of `pending_since`); saturates outside `i64`.
pub(super) fn unix_nanos(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

/// The instant `secs` Unix seconds stand for, clamped to what [`SystemTime`] can hold.
pub(super) fn from_unix_secs(secs: i64) -> SystemTime {
    let offset = Duration::from_secs(secs.unsigned_abs());
    let time = if secs >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    };
    time.unwrap_or(UNIX_EPOCH)
}

/// `time + span`, or `None` when that is past what [`SystemTime`] can hold.
pub(super) fn later(time: SystemTime, span: Duration) -> Option<SystemTime> {
    time.checked_add(span)
}

/// The UTC date of `secs` as `YYYY-MM-DD`, the suffix of asynq's daily stats keys.
pub(super) fn utc_date(secs: i64) -> String {
    crate::time::utc_date(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(DAY_SECS - 1), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_709_251_199), "2024-02-29");
        assert_eq!(utc_date(1_767_225_600), "2026-01-01");
        assert_eq!(utc_date(-1), "1969-12-31");
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        assert!(!utc_date(i64::MAX).is_empty());
        assert!(!utc_date(i64::MIN).is_empty());
    }

    #[test]
    fn rounds_seconds_down_like_go() {
        let before = UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(unix_secs(before), -2);
        assert_eq!(unix_secs(UNIX_EPOCH + Duration::from_millis(1_500)), 1);
        assert_eq!(unix_nanos(before), -1_500_000_000);
    }

    #[test]
    fn seconds_round_trip() {
        for secs in [-5, 0, 1_700_000_000] {
            assert_eq!(unix_secs(from_unix_secs(secs)), secs);
        }
    }
}
