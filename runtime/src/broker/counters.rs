//! Counters of refused tasks per reason and of signatures per key id: what one worker
//! counts, and what every worker on a broker has added up.

use std::collections::BTreeMap;

/// Distinct names one counter map holds at most; counts for further names go to
/// [`OTHER_NAMES`]. Key ids come from messages, so without a bound forged ids could
/// grow the maps (and the Redis hashes behind them) without limit.
pub const MAX_TRACKED_NAMES: usize = 256;

/// The entry that collects the counts of names beyond [`MAX_TRACKED_NAMES`].
pub const OTHER_NAMES: &str = "(other)";

/// Counts of refused and verified tasks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// Refused tasks by reason code.
    pub rejected: BTreeMap<String, u64>,
    /// Refused tasks by the key id they named.
    pub rejected_by_key: BTreeMap<String, u64>,
    /// Tasks whose signature verified, by key id.
    pub verified_by_key: BTreeMap<String, u64>,
}

impl CounterSnapshot {
    /// Whether every count is zero.
    pub fn is_empty(&self) -> bool {
        self.maps().iter().all(|map| map.values().all(|n| *n == 0))
    }

    /// Adds every count of `delta`, keeping each map within [`MAX_TRACKED_NAMES`]
    /// names plus [`OTHER_NAMES`].
    pub fn add(&mut self, delta: &CounterSnapshot) {
        let pairs = [
            (&mut self.rejected, &delta.rejected),
            (&mut self.rejected_by_key, &delta.rejected_by_key),
            (&mut self.verified_by_key, &delta.verified_by_key),
        ];
        for (into, from) in pairs {
            for (name, n) in from {
                bump(into, name, *n);
            }
        }
    }

    /// The three maps, in the order rejected, rejected by key, verified by key.
    pub fn maps(&self) -> [&BTreeMap<String, u64>; 3] {
        [&self.rejected, &self.rejected_by_key, &self.verified_by_key]
    }
}

/// Adds `n` to `name` in `map`, or to [`OTHER_NAMES`] when `map` is full.
pub(crate) fn bump(map: &mut BTreeMap<String, u64>, name: &str, n: u64) {
    let slot = if map.contains_key(name) || map.len() < MAX_TRACKED_NAMES {
        name
    } else {
        OTHER_NAMES
    };
    let count = map.entry(slot.to_owned()).or_default();
    *count = count.saturating_add(n);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_merges_counts_name_by_name() {
        let mut total = CounterSnapshot::default();
        assert!(total.is_empty());
        let mut delta = CounterSnapshot::default();
        delta.rejected.insert("unsigned".into(), 2);
        delta.verified_by_key.insert("k1".into(), 3);
        total.add(&delta);
        total.add(&delta);
        assert_eq!(total.rejected["unsigned"], 4);
        assert_eq!(total.verified_by_key["k1"], 6);
        assert!(total.rejected_by_key.is_empty());
        assert!(!total.is_empty());
    }

    #[test]
    fn names_beyond_the_bound_share_one_entry() {
        let mut map = BTreeMap::new();
        for i in 0..MAX_TRACKED_NAMES + 10 {
            bump(&mut map, &format!("forged-{i}"), 1);
        }
        bump(&mut map, "forged-0", u64::MAX);
        assert_eq!(map.len(), MAX_TRACKED_NAMES + 1);
        assert_eq!(map[OTHER_NAMES], 10);
        assert_eq!(map["forged-0"], u64::MAX, "counts saturate");
    }
}
