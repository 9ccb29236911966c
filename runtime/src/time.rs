//! Wall-clock helpers in asynq's units, and asynq's default retry backoff.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Whole Unix seconds of `t`; times before 1970 count as 0.
pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The time `secs` Unix seconds after the epoch; negative values clamp to the epoch.
pub(crate) fn from_unix_secs(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

/// asynq's default retry delay after `retried` earlier retries:
/// n⁴ + 15 + rand[0, 30)·(n + 1) seconds.
pub(crate) fn default_retry_delay(retried: u32) -> Duration {
    let n = u64::from(retried);
    let base = n.saturating_pow(4).saturating_add(15);
    let jitter = fastrand::u64(0..30).saturating_mul(n + 1);
    Duration::from_secs(base.saturating_add(jitter))
}

/// The UTC calendar date of `secs` Unix seconds as `YYYY-MM-DD`, the suffix of asynq's
/// daily stats keys.
pub(crate) fn utc_date(secs: i64) -> String {
    let (year, month, day) = civil_date(secs.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// `secs` Unix seconds as a UTC time, `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn utc_datetime(secs: i64) -> String {
    let of_day = secs.rem_euclid(86_400);
    let (hour, minute, second) = (of_day / 3_600, of_day % 3_600 / 60, of_day % 60);
    format!("{}T{hour:02}:{minute:02}:{second:02}Z", utc_date(secs))
}

/// Proleptic Gregorian (year, month, day) of a count of days since 1970-01-01.
fn civil_date(days: i64) -> (i64, i64, i64) {
    // Shift the epoch to 0000-03-01 so that leap days fall at the end of each year,
    // then split into 400-year eras of 146 097 days.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_follows_asynq_bounds() {
        for n in 0..5u32 {
            let d = default_retry_delay(n).as_secs();
            let n = u64::from(n);
            assert!(d >= n.pow(4) + 15 && d < n.pow(4) + 15 + 30 * (n + 1));
        }
    }

    #[test]
    fn unix_seconds_round_trip() {
        let t = from_unix_secs(1_733_300_000);
        assert_eq!(unix_secs(t), 1_733_300_000);
        assert_eq!(unix_secs(from_unix_secs(-5)), 0);
    }
}
