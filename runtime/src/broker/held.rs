//! [`HeldIn`]: where a task was found when a stray copy of its id came out of `pending`.

use std::fmt;

/// Where a task is held when another copy of its id is taken from `pending`.
///
/// Dequeue takes an id only when nothing else holds its task; otherwise the popped id is a
/// stray copy (pushed twice, or pushed while the task waits or runs elsewhere) and is
/// dropped, reported as [`Dequeued::Duplicate`](crate::broker::Dequeued::Duplicate) with
/// the first place, in this order, that holds the task. The state field of the task hash is
/// not what decides: a task counts as held only where its id is actually listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeldIn {
    /// The lease set has an entry for it: a worker is running it.
    Lease,
    /// Another copy of the id is in `active` (a running task whose lease entry was lost).
    Active,
    /// It waits in `scheduled`.
    Scheduled,
    /// It waits in `retry`.
    Retry,
    /// It is in `archived`.
    Archived,
    /// It is in `completed`.
    Completed,
    /// It waits in the set of its aggregation group (Redis only: the memory broker has no
    /// groups).
    Aggregating,
}

impl HeldIn {
    /// Every place, in the order dequeue checks them.
    pub const ALL: [HeldIn; 7] = [
        HeldIn::Lease,
        HeldIn::Active,
        HeldIn::Scheduled,
        HeldIn::Retry,
        HeldIn::Archived,
        HeldIn::Completed,
        HeldIn::Aggregating,
    ];

    /// A short lowercase word naming the place, as logged.
    pub const fn as_str(self) -> &'static str {
        match self {
            HeldIn::Lease => "lease",
            HeldIn::Active => "active",
            HeldIn::Scheduled => "scheduled",
            HeldIn::Retry => "retry",
            HeldIn::Archived => "archived",
            HeldIn::Completed => "completed",
            HeldIn::Aggregating => "aggregating",
        }
    }

    /// The place named `word`, if it is one of [`as_str`](Self::as_str)'s words.
    pub fn parse(word: &str) -> Option<Self> {
        HeldIn::ALL.into_iter().find(|held| held.as_str() == word)
    }
}

impl fmt::Display for HeldIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::HeldIn;

    #[test]
    fn words_round_trip_and_unknown_words_are_refused() {
        for held in HeldIn::ALL {
            assert_eq!(HeldIn::parse(held.as_str()), Some(held));
        }
        assert_eq!(HeldIn::parse("pending"), None);
        assert_eq!(HeldIn::parse(""), None);
        assert_eq!(HeldIn::Retry.to_string(), "retry");
    }
}
