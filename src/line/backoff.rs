//! Reopening a device that vanished or stopped answering, with exponential
//! backoff so an unplugged modem costs one log line per attempt, not a busy loop.

use std::time::Duration;

/// Delays between reopening attempts: 0.5 s doubling up to 30 s.
#[derive(Debug, Clone)]
pub struct Backoff {
    attempt: u32,
}

const FIRST: Duration = Duration::from_millis(500);
const MAX: Duration = Duration::from_secs(30);

impl Backoff {
    pub fn new() -> Backoff {
        Backoff { attempt: 0 }
    }

    /// Number of failed attempts since the last success.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Returns the delay before the next attempt and counts this failure.
    pub fn next_delay(&mut self) -> Duration {
        let delay = FIRST.saturating_mul(1u32 << self.attempt.min(16)).min(MAX);
        self.attempt = self.attempt.saturating_add(1);
        delay
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps() {
        let mut backoff = Backoff::new();
        let delays: Vec<u64> = (0..9).map(|_| backoff.next_delay().as_millis() as u64).collect();
        assert_eq!(delays, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
        backoff.reset();
        assert_eq!(backoff.next_delay(), FIRST);
    }
}
