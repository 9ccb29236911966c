//! Processed and failed counters with asynq's accounting rules.

use std::collections::BTreeMap;

use super::time::{DAY_SECS, utc_date};

/// How long a daily counter lives after it is created (asynq's stats TTL).
const DAILY_COUNTER_TTL_SECS: i64 = 90 * DAY_SECS;

/// One `processed:<date>` or `failed:<date>` counter.
#[derive(Debug)]
struct DailyCount {
    /// The counter's value.
    value: i64,
    /// Unix seconds after which the key no longer exists (its `EXPIREAT`).
    expires_at: i64,
}

/// The counters of one queue: lifetime totals and one count per UTC day.
#[derive(Debug, Default)]
pub(super) struct Counters {
    /// `asynq:{q}:processed`.
    processed: i64,
    /// `asynq:{q}:failed`.
    failed: i64,
    /// `asynq:{q}:processed:<date>` by date.
    processed_daily: BTreeMap<String, DailyCount>,
    /// `asynq:{q}:failed:<date>` by date.
    failed_daily: BTreeMap<String, DailyCount>,
}

impl Counters {
    /// Counts a success (Done, MarkAsComplete): processed +1.
    pub(super) fn count_success(&mut self, now_secs: i64) {
        bump_daily(&mut self.processed_daily, now_secs);
        // asynq resets the total to 1 instead of letting it overflow.
        self.processed = if self.processed == i64::MAX {
            1
        } else {
            self.processed + 1
        };
    }

    /// Counts a failure (Retry with `is_failure`, Archive): processed +1 and failed +1.
    pub(super) fn count_failure(&mut self, now_secs: i64) {
        bump_daily(&mut self.processed_daily, now_secs);
        bump_daily(&mut self.failed_daily, now_secs);
        // Both totals reset together when processed reaches the maximum, as in asynq.
        if self.processed == i64::MAX {
            self.processed = 1;
            self.failed = 1;
        } else {
            self.processed += 1;
            self.failed = self.failed.saturating_add(1);
        }
    }

    /// Processed and failed counts of the UTC day holding `now_secs`.
    pub(super) fn today(&self, now_secs: i64) -> (u64, u64) {
        let date = utc_date(now_secs);
        let read = |daily: &BTreeMap<String, DailyCount>| {
            daily
                .get(&date)
                .filter(|count| count.expires_at > now_secs)
                .map_or(0, |count| to_count(count.value))
        };
        (read(&self.processed_daily), read(&self.failed_daily))
    }

    /// Lifetime processed and failed totals.
    pub(super) fn totals(&self) -> (u64, u64) {
        (to_count(self.processed), to_count(self.failed))
    }
}

/// Increments today's counter in `daily`, creating it with its expiry when absent and
/// forgetting counters that have expired.
fn bump_daily(daily: &mut BTreeMap<String, DailyCount>, now_secs: i64) {
    daily.retain(|_, count| count.expires_at > now_secs);
    let expires_at = now_secs.saturating_add(DAILY_COUNTER_TTL_SECS);
    let count = daily.entry(utc_date(now_secs)).or_insert(DailyCount {
        value: 0,
        expires_at,
    });
    count.value = count.value.saturating_add(1);
}

/// A counter value as an unsigned count.
fn to_count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON: i64 = 1_767_268_800; // 2026-01-01 12:00 UTC

    #[test]
    fn success_and_failure_follow_the_accounting_table() {
        let mut counters = Counters::default();
        counters.count_success(NOON);
        counters.count_failure(NOON);
        assert_eq!(counters.totals(), (2, 1));
        assert_eq!(counters.today(NOON), (2, 1));
    }

    #[test]
    fn daily_counts_start_over_each_utc_day() {
        let mut counters = Counters::default();
        counters.count_failure(NOON);
        let next_day = NOON + DAY_SECS;
        counters.count_success(next_day);
        assert_eq!(counters.today(next_day), (1, 0));
        assert_eq!(counters.today(NOON), (1, 1));
        assert_eq!(counters.totals(), (2, 1));
    }

    #[test]
    fn daily_counts_expire_after_ninety_days() {
        let mut counters = Counters::default();
        counters.count_success(NOON);
        assert_eq!(counters.today(NOON + DAILY_COUNTER_TTL_SECS).0, 0);
        counters.count_success(NOON + DAILY_COUNTER_TTL_SECS);
        assert_eq!(counters.processed_daily.len(), 1);
    }

    #[test]
    fn totals_reset_instead_of_overflowing() {
        let mut counters = Counters {
            processed: i64::MAX,
            failed: 7,
            ..Counters::default()
        };
        counters.count_failure(NOON);
        assert_eq!(counters.totals(), (1, 1));
        counters.processed = i64::MAX;
        counters.count_success(NOON);
        assert_eq!(counters.totals(), (1, 1));
    }
}
