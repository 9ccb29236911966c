//! The order in which queues are polled, as asynq computes it.

/// Queue names with priorities, normalised.
#[derive(Clone, Debug)]
pub(crate) struct QueuePlan {
    queues: Vec<(String, u32)>,
    strict: bool,
}

impl QueuePlan {
    /// Drops zero priorities and blank names; falls back to `default` when nothing is left.
    /// Strict plans are sorted once, highest priority first.
    pub(crate) fn new(queues: &[(String, u32)], strict: bool) -> Self {
        let mut queues: Vec<_> = queues
            .iter()
            .filter(|(name, p)| *p > 0 && !name.trim().is_empty())
            .cloned()
            .collect();
        if queues.is_empty() {
            queues.push(("default".to_owned(), 1));
        }
        if strict {
            queues.sort_by_key(|q| std::cmp::Reverse(q.1));
        }
        Self { queues, strict }
    }

    /// The queues with their priorities.
    pub(crate) fn queues(&self) -> &[(String, u32)] {
        &self.queues
    }

    /// Queue names only.
    pub(crate) fn names(&self) -> Vec<String> {
        self.queues.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The order for one dequeue: fixed when strict; otherwise a random permutation in
    /// which each queue comes first with probability proportional to its priority.
    pub(crate) fn order(&self) -> Vec<String> {
        if self.strict || self.queues.len() == 1 {
            return self.names();
        }
        weighted_order(&self.queues)
    }
}

/// Draws queues one after another, each with probability proportional to its priority
/// among those not yet drawn.
fn weighted_order(queues: &[(String, u32)]) -> Vec<String> {
    let mut left: Vec<&(String, u32)> = queues.iter().collect();
    let mut order = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let total: u64 = left.iter().map(|(_, p)| u64::from(*p)).sum();
        let mut pick = fastrand::u64(0..total);
        let index = left
            .iter()
            .position(|(_, p)| {
                let p = u64::from(*p);
                if pick < p {
                    return true;
                }
                pick -= p;
                false
            })
            .unwrap_or(0);
        order.push(left.remove(index).0.clone());
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(qs: &[(&str, u32)], strict: bool) -> QueuePlan {
        let qs: Vec<_> = qs.iter().map(|(n, p)| ((*n).to_owned(), *p)).collect();
        QueuePlan::new(&qs, strict)
    }

    #[test]
    fn strict_order_is_by_priority() {
        let p = plan(&[("low", 1), ("critical", 6), ("default", 3)], true);
        assert_eq!(p.order(), ["critical", "default", "low"]);
    }

    #[test]
    fn zero_priorities_and_blank_names_are_dropped() {
        let p = plan(&[("off", 0), (" ", 3)], false);
        assert_eq!(p.names(), ["default"]);
    }

    #[test]
    fn weighted_first_choice_follows_priorities() {
        let p = plan(&[("a", 6), ("b", 3), ("c", 1)], false);
        let mut first_a = 0;
        for _ in 0..10_000 {
            let order = p.order();
            assert_eq!(order.len(), 3);
            if order[0] == "a" {
                first_a += 1;
            }
        }
        // Expected 6000; five standard deviations is about 245.
        assert!((5_700..6_300).contains(&first_a), "{first_a}");
    }
}
