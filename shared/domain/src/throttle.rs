//! Login throttling (security issue, item 1): a few free failures, then a lockout that grows
//! with each further failure, capped; a success forgets everything. Pure: the stored attempts
//! and the time in, the decision out.

use serde::{Deserialize, Serialize};

/// Failures allowed before the first lockout.
pub const FREE_FAILURES: u32 = 5;
/// After this long without a failure (and out of any lockout), the count starts again.
pub const WINDOW_SECS: i64 = 15 * 60;
/// The longest lockout.
pub const LONGEST_LOCK_SECS: i64 = 15 * 60;

/// The failed attempts of one account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    pub failures: u32,
    /// When the last failure happened (unix seconds).
    pub last: i64,
    /// No attempt is checked before this (unix seconds).
    pub locked_until: i64,
}

impl Attempts {
    /// Seconds to wait before the next attempt, if locked at `now`.
    pub fn retry_after(&self, now: i64) -> Option<i64> {
        (self.locked_until > now).then(|| self.locked_until - now)
    }

    /// The attempts after a failure at `now`: beyond the free ones, locked 1, 2, 4 … minutes,
    /// at most [`LONGEST_LOCK_SECS`].
    pub fn after_failure(self, now: i64) -> Attempts {
        let fresh = now - self.last > WINDOW_SECS && self.locked_until <= now;
        let failures = if fresh { 1 } else { self.failures + 1 };
        let locked_until = match failures.checked_sub(FREE_FAILURES) {
            Some(over) if over > 0 => now + (60_i64 << (over - 1).min(10)).min(LONGEST_LOCK_SECS),
            _ => 0,
        };
        Attempts { failures, last: now, locked_until }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_failures_then_growing_lockouts_capped_and_forgotten_after_the_window() {
        let mut a = Attempts::default();
        let t = 1_000_000;
        for i in 0..FREE_FAILURES {
            a = a.after_failure(t + i as i64);
            assert_eq!(a.retry_after(t + i as i64), None, "failure {} is free", i + 1);
        }
        a = a.after_failure(t + 10);
        assert_eq!(a.retry_after(t + 10), Some(60));
        a = a.after_failure(t + 80);
        assert_eq!(a.retry_after(t + 80), Some(120));
        for _ in 0..10 {
            a = a.after_failure(a.locked_until);
        }
        assert_eq!(a.retry_after(a.locked_until - LONGEST_LOCK_SECS), Some(LONGEST_LOCK_SECS));
        // Waiting out each lockout does not reset the count…
        assert_eq!(a.failures, FREE_FAILURES + 12);
        // …but a quarter of an hour without any failure does.
        let later = a.last + WINDOW_SECS + 1;
        assert_eq!(a.after_failure(later), Attempts { failures: 1, last: later, locked_until: 0 });
    }
}
