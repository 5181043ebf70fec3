//! The simulated line's 20 ms clock, with absolute deadlines so that timing
//! errors do not add up: tick n is due at `start + n * 20 ms` however late
//! the previous ticks ran.

use std::time::{Duration, Instant};

/// Length of one audio frame: 160 samples at 8 kHz.
pub(crate) const TICK: Duration = Duration::from_millis(TICK_MS);
const TICK_MS: u64 = 20;

/// Ticks run back to back to catch up after a stall, up to this many
/// (one second). Beyond that the clock skips ahead and counts the skipped ticks,
/// rather than bursting seconds of audio at once.
const MAX_CATCH_UP: u64 = 50;

/// Deadlines of the 20 ms clock.
pub(crate) struct Ticker {
    start: Instant,
    next: u64,
    /// Ticks skipped after stalls longer than one second.
    pub(crate) skipped: u64,
}

impl Ticker {
    pub(crate) fn new(start: Instant) -> Ticker {
        Ticker {
            start,
            next: 1,
            skipped: 0,
        }
    }

    /// Returns the deadline of the next tick.
    pub(crate) fn deadline(&self) -> Instant {
        self.start + Duration::from_millis(TICK_MS * self.next)
    }

    /// Returns true and advances when the next tick is due at `now`.
    pub(crate) fn take_due(&mut self, now: Instant) -> bool {
        if self.deadline() > now {
            return false;
        }
        let elapsed_ticks = (now.duration_since(self.start).as_nanos() / TICK.as_nanos()) as u64;
        if elapsed_ticks > self.next + MAX_CATCH_UP {
            self.skipped += elapsed_ticks - self.next;
            self.next = elapsed_ticks;
        }
        self.next += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticker_keeps_absolute_deadlines() {
        let start = Instant::now();
        let mut ticker = Ticker::new(start);
        // A late check still yields each missed tick once, then waits.
        let late = start + Duration::from_millis(65);
        let mut ticks = 0;
        while ticker.take_due(late) {
            ticks += 1;
        }
        assert_eq!(ticks, 3);
        assert_eq!(ticker.deadline(), start + Duration::from_millis(80));
    }

    #[test]
    fn ticker_skips_long_stalls() {
        let start = Instant::now();
        let mut ticker = Ticker::new(start);
        let stalled = start + Duration::from_secs(10);
        let mut ticks = 0;
        while ticker.take_due(stalled) {
            ticks += 1;
        }
        assert_eq!(ticks, 1);
        assert_eq!(ticker.skipped, 499);
    }
}
