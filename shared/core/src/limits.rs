//! Limits each process keeps in memory (security issue, items 1 and 5): how many public
//! lookups one client address may make. A generous burst for a person checking a few dossiers,
//! then one every few seconds: walking a thousand codes takes most of an hour instead of three
//! seconds. On AWS every Lambda instance counts for itself; the API's own throttling and the
//! per-code lockout (stored, so shared by all instances) stand behind it.

use crate::{CoreError, CoreResult};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;

/// Lookups a client address may make in a burst, and per minute after it.
pub const LOOKUPS_PER_MINUTE: u32 = 20;

/// Addresses remembered before the idle ones are forgotten.
const TRACKED_ADDRESSES: usize = 100_000;

pub struct Limits {
    lookups: DefaultKeyedRateLimiter<String>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(LOOKUPS_PER_MINUTE)
    }
}

impl Limits {
    /// Public lookups allowed per client address and minute (at least 1).
    pub fn new(lookups_per_minute: u32) -> Limits {
        let per_minute = NonZeroU32::new(lookups_per_minute.max(1)).expect("non-zero");
        Limits { lookups: RateLimiter::keyed(Quota::per_minute(per_minute)) }
    }

    /// One more public lookup from `client`, or how long it must wait (429).
    pub fn lookup(&self, client: &str) -> CoreResult<()> {
        if self.lookups.len() > TRACKED_ADDRESSES {
            self.lookups.retain_recent();
        }
        self.lookups.check_key(&client.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            CoreError::TooManyRequests(wait.as_secs().max(1) as i64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_a_burst_then_waits_while_others_are_not_affected() {
        let limits = Limits::default();
        for _ in 0..LOOKUPS_PER_MINUTE {
            limits.lookup("203.0.113.7").unwrap();
        }
        let Err(CoreError::TooManyRequests(wait)) = limits.lookup("203.0.113.7") else { panic!("not limited") };
        assert!((1..=3).contains(&wait), "one lookup every 3 seconds: {wait}");
        limits.lookup("198.51.100.1").unwrap();
    }
}
