//! Outgoing deliveries (G2, national-connections §1): at least once, retried with back-off
//! until acknowledged, and after too many failures moved to a dead-letter list that an
//! operator sees and replays. The policy is pure: the attempt count in, the wait out.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first failure; doubled after each further one.
    pub first: Duration,
    /// The longest wait between two attempts.
    pub longest: Duration,
    /// Failures after which the delivery becomes a dead letter.
    pub attempts: u32,
}

impl Default for RetryPolicy {
    /// 30 s, 1 min, 2 min … capped at 30 min; dead after 60 failures (about a day), so that a
    /// counterpart down for hours loses nothing and needs no operator.
    fn default() -> Self {
        RetryPolicy { first: Duration::seconds(30), longest: Duration::minutes(30), attempts: 60 }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    DeadLetter,
}

impl RetryPolicy {
    /// After the `failures`-th failure (1 for the first) at `now`.
    pub fn after_failure(&self, failures: u32, now: DateTime<Utc>) -> AfterFailure {
        if failures >= self.attempts {
            return AfterFailure::DeadLetter;
        }
        let doubled = self.first * 2_i32.saturating_pow(failures.saturating_sub(1).min(20));
        AfterFailure::RetryAt(now + doubled.min(self.longest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_then_dead_letter() {
        let p = RetryPolicy::default();
        let now = Utc::now();
        let wait = |n| match p.after_failure(n, now) {
            AfterFailure::RetryAt(t) => t - now,
            AfterFailure::DeadLetter => Duration::MAX,
        };
        assert_eq!(wait(1), Duration::seconds(30));
        assert_eq!(wait(2), Duration::seconds(60));
        assert_eq!(wait(4), Duration::seconds(240));
        assert_eq!(wait(10), Duration::minutes(30));
        assert_eq!(wait(59), Duration::minutes(30));
        assert_eq!(p.after_failure(60, now), AfterFailure::DeadLetter);
        // A 10-minute outage is far from the dead-letter list.
        let spent: Duration = (1..=6).map(wait).sum();
        assert!(spent > Duration::minutes(10));
    }
}
