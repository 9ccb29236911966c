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
