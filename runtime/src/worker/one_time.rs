//! One-time mode: how long a task's completion marker must last.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::signing::{CLOCK_SKEW, Claims};
use crate::task::TaskOptions;

/// What the completion marker of a one-time task is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OneTime {
    /// The task carries a signed expiry (Unix seconds): the marker lasts as long as the
    /// worker would still accept the task.
    Until(u64),
    /// No signed expiry (an unsigned type, or a producer that signed none): the marker
    /// lasts the type's `max_age` plus the clock skew from completion.
    For(Duration),
}

impl OneTime {
    /// The marker rule of a task of a type with `options`, or `None` when the type is
    /// not one-time.
    pub(crate) fn of(options: &TaskOptions, claims: Option<&Claims>) -> Option<Self> {
        if !options.one_time {
            return None;
        }
        match claims.map(|c| c.expires_at) {
            Some(expires_at) if expires_at != 0 => Some(Self::Until(expires_at)),
            _ => Some(Self::For(
                options
                    .max_age
                    .unwrap_or_default()
                    .saturating_add(CLOCK_SKEW),
            )),
        }
    }

    /// How long the marker must last when the task completes at `now`.
    ///
    /// With a signed expiry `exp`, the worker accepts the task while the whole Unix second
    /// of now is at most `exp` + skew, so the marker must last until the start of second
    /// `exp` + skew + 1; zero once that has passed, since later deliveries are refused as
    /// expired anyway.
    pub(crate) fn marker_ttl(self, now: SystemTime) -> Duration {
        match self {
            Self::Until(expires_at) => {
                let last = expires_at
                    .saturating_add(CLOCK_SKEW.as_secs())
                    .saturating_add(1);
                match UNIX_EPOCH.checked_add(Duration::from_secs(last)) {
                    Some(end) => end.duration_since(now).unwrap_or(Duration::ZERO),
                    None => Duration::MAX,
                }
            }
            Self::For(ttl) => ttl,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(expires_at: u64) -> Claims {
        Claims {
            key_id: "k".into(),
            issued_at: 1,
            expires_at,
            not_before: 0,
            max_retry: 3,
            schema_version: 1,
        }
    }

    fn one_time(max_age: Option<Duration>) -> TaskOptions {
        TaskOptions {
            one_time: true,
            max_age,
            ..TaskOptions::DEFAULT
        }
    }

    #[test]
    fn only_one_time_types_get_a_marker() {
        assert_eq!(OneTime::of(&TaskOptions::DEFAULT, Some(&claims(5))), None);
        let hour = Some(Duration::from_secs(3600));
        assert_eq!(
            OneTime::of(&one_time(hour), Some(&claims(5))),
            Some(OneTime::Until(5))
        );
        let fallback = Some(OneTime::For(Duration::from_secs(3660)));
        assert_eq!(OneTime::of(&one_time(hour), Some(&claims(0))), fallback);
        assert_eq!(OneTime::of(&one_time(hour), None), fallback);
    }

    #[test]
    fn the_marker_lasts_exactly_while_the_task_would_be_accepted() {
        let now = UNIX_EPOCH + Duration::from_millis(1_000_500);
        let ttl = OneTime::Until(1_000 + 100).marker_ttl(now);
        assert_eq!(ttl, Duration::from_millis(160_500));
        let accepted_until = claims(1_100);
        assert!(accepted_until.check_time(1_000 + 160).is_ok());
        assert!(accepted_until.check_time(1_000 + 161).is_err());
        assert_eq!(OneTime::Until(900).marker_ttl(now), Duration::ZERO);
        assert!(OneTime::Until(u64::MAX).marker_ttl(now) > Duration::from_secs(1 << 40));
    }
}
