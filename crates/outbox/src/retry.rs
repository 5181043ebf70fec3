//! When to try a failed delivery again.

use std::time::Duration;

/// Exponential backoff with jitter, and the number of attempts before an item
/// is marked failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Upper bound of the delay after the first failed attempt.
    pub first: Duration,
    /// Upper bound of any delay. It also bounds how far in the future a
    /// retry may be scheduled, which the outbox uses to survive a clock that
    /// jumped backwards.
    pub max: Duration,
    /// Attempts after which a transient failure marks the item failed.
    /// A value of 0 is treated as 1.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 30 s after the first failure, doubling up to one hour, 100 attempts:
    /// about four days offline before an item is marked failed.
    fn default() -> Self {
        RetryPolicy {
            first: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            max_attempts: 100,
        }
    }
}

impl RetryPolicy {
    /// Returns the delay before the next attempt once `attempts` attempts have
    /// failed, for a jitter value `unit` in `[0, 1]` (clamped). The delay lies
    /// in `[cap / 2, cap]`, where `cap = min(first * 2^(attempts - 1), max)`,
    /// so that boxes that went offline together do not retry in step.
    pub fn backoff(&self, attempts: u32, unit: f64) -> Duration {
        let cap = self.cap(attempts);
        let unit = if unit.is_nan() {
            0.0
        } else {
            unit.clamp(0.0, 1.0)
        };
        cap / 2 + cap.mul_f64(unit) / 2
    }

    /// Returns [`backoff`](Self::backoff) with a random jitter.
    pub fn next_delay(&self, attempts: u32) -> Duration {
        self.backoff(attempts, fastrand::f64())
    }

    /// Returns whether an item that has had `attempts` attempts gets no more.
    pub fn is_exhausted(&self, attempts: u32) -> bool {
        attempts >= self.max_attempts.max(1)
    }

    fn cap(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(63);
        let factor = 1u64 << doublings;
        let cap = u32::try_from(factor)
            .ok()
            .and_then(|factor| self.first.checked_mul(factor))
            .unwrap_or(self.max);
        cap.min(self.max)
    }
}
