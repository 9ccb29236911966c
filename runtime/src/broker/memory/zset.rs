//! A sorted set ordered like a Redis ZSET: by score, then by member bytes.

use std::collections::{BTreeSet, HashMap};

/// Members with integer scores (Unix seconds, as asynq stores them).
#[derive(Debug, Default)]
pub(super) struct ZSet {
    /// Score of each member, for lookups by member.
    scores: HashMap<String, i64>,
    /// The same pairs in rank order, for range queries.
    order: BTreeSet<(i64, String)>,
}

impl ZSet {
    /// Adds `member` at `score`, or moves it there (`ZADD`). Returns whether it is new.
    pub(super) fn add(&mut self, member: &str, score: i64) -> bool {
        let previous = self.scores.insert(member.to_owned(), score);
        if let Some(old) = previous {
            self.order.remove(&(old, member.to_owned()));
        }
        self.order.insert((score, member.to_owned()));
        previous.is_none()
    }

    /// Moves `member` to `score` only if it is already present (`ZADD XX`).
    pub(super) fn update(&mut self, member: &str, score: i64) {
        if self.contains(member) {
            self.add(member, score);
        }
    }

    /// Removes `member` (`ZREM`). Returns whether it was present.
    pub(super) fn remove(&mut self, member: &str) -> bool {
        match self.scores.remove(member) {
            Some(score) => self.order.remove(&(score, member.to_owned())),
            None => false,
        }
    }

    /// Whether `member` is present.
    pub(super) fn contains(&self, member: &str) -> bool {
        self.scores.contains_key(member)
    }

    /// The score of `member`, if present.
    pub(super) fn score(&self, member: &str) -> Option<i64> {
        self.scores.get(member).copied()
    }

    /// Number of members.
    pub(super) fn len(&self) -> usize {
        self.scores.len()
    }

    /// Members whose score is at most `max`, lowest rank first (`ZRANGEBYSCORE -inf max`).
    pub(super) fn up_to(&self, max: i64) -> Vec<String> {
        self.order
            .iter()
            .take_while(|(score, _)| *score <= max)
            .map(|(_, member)| member.clone())
            .collect()
    }

    /// Removes and returns the members whose score is at most `max`, lowest rank first.
    pub(super) fn take_up_to(&mut self, max: i64) -> Vec<String> {
        let taken = self.up_to(max);
        for member in &taken {
            self.remove(member);
        }
        taken
    }

    /// Removes and returns the `count` lowest-ranked members.
    pub(super) fn take_lowest(&mut self, count: usize) -> Vec<String> {
        let taken: Vec<String> = self
            .order
            .iter()
            .take(count)
            .map(|(_, m)| m.clone())
            .collect();
        for member in &taken {
            self.remove(member);
        }
        taken
    }

    /// All members with their scores, lowest rank first.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, i64)> {
        self.order
            .iter()
            .map(|(score, member)| (member.as_str(), *score))
    }
}

#[cfg(test)]
mod tests {
    use super::ZSet;

    #[test]
    fn orders_by_score_then_member() {
        let mut set = ZSet::default();
        set.add("b", 5);
        set.add("a", 5);
        set.add("c", 1);
        let members: Vec<_> = set.iter().map(|(member, _)| member).collect();
        assert_eq!(members, ["c", "a", "b"]);
    }

    #[test]
    fn moving_a_member_keeps_one_entry() {
        let mut set = ZSet::default();
        assert!(set.add("a", 1));
        assert!(!set.add("a", 9));
        assert_eq!(set.len(), 1);
        assert_eq!(set.up_to(8), Vec::<String>::new());
        assert_eq!(set.up_to(9), ["a"]);
    }

    #[test]
    fn update_ignores_absent_members() {
        let mut set = ZSet::default();
        set.update("ghost", 3);
        assert!(!set.contains("ghost"));
        set.add("a", 1);
        set.update("a", 3);
        assert_eq!(set.score("a"), Some(3));
    }

    #[test]
    fn remove_reports_presence() {
        let mut set = ZSet::default();
        set.add("a", 1);
        assert!(set.remove("a"));
        assert!(!set.remove("a"));
        assert_eq!(set.take_lowest(5), Vec::<String>::new());
    }

    #[test]
    fn take_removes_what_it_returns() {
        let mut set = ZSet::default();
        for (member, score) in [("a", 1), ("b", 2), ("c", 3)] {
            set.add(member, score);
        }
        assert_eq!(set.take_up_to(2), ["a", "b"]);
        assert_eq!(set.take_lowest(5), ["c"]);
        assert_eq!(set.len(), 0);
        assert!(!set.contains("a"));
    }
}
