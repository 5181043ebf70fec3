//! Ring counting and loop-current break detection from sampled input levels.
//!
//! Both detectors are fed the level of one input at each poll, with the poll
//! time, so they work the same on a real port and in tests with paused time.

use std::time::Duration;

use tokio::time::Instant;

/// Change reported by one poll of the ring input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingChange {
    /// A new burst of ring signal started: ring number `n` of this call, from 1.
    Ring(u32),
    /// No ring signal for the rings-stopped time: the caller gave up or
    /// someone else answered. The next ring starts a new call at 1.
    Stopped,
}

/// Counts rings, one per burst of ring signal.
///
/// The ring detector of a line interface pulses at the ring frequency (25 or
/// 50 Hz) during each burst, so single polls often see the input low in the
/// middle of a ring. A burst ends only after `ring_end` without any pulse.
#[derive(Debug)]
pub struct RingDetector {
    ring_end: Duration,
    rings_stop: Duration,
    count: u32,
    in_burst: bool,
    last_pulse: Option<Instant>,
}

impl RingDetector {
    /// Creates a detector that ends a burst after `ring_end` without pulses and
    /// a call's ringing after `rings_stop` without pulses.
    pub fn new(ring_end: Duration, rings_stop: Duration) -> RingDetector {
        RingDetector { ring_end, rings_stop, count: 0, in_burst: false, last_pulse: None }
    }

    /// Feeds the ring input's level at `now`.
    pub fn update(&mut self, now: Instant, active: bool) -> Option<RingChange> {
        if active {
            self.last_pulse = Some(now);
            if !self.in_burst {
                self.in_burst = true;
                self.count = self.count.saturating_add(1);
                return Some(RingChange::Ring(self.count));
            }
            return None;
        }
        let quiet = now.saturating_duration_since(self.last_pulse?);
        if quiet >= self.ring_end {
            self.in_burst = false;
        }
        if quiet >= self.rings_stop {
            self.reset();
            return Some(RingChange::Stopped);
        }
        None
    }

    /// Forgets the current call's rings.
    pub fn reset(&mut self) {
        self.count = 0;
        self.in_burst = false;
        self.last_pulse = None;
    }
}

/// Watches loop current during a call and reports a break, which on most
/// exchanges means the caller hung up.
#[derive(Debug)]
pub struct LoopMonitor {
    break_after: Duration,
    ignore_until: Instant,
    low_since: Option<Instant>,
}

impl LoopMonitor {
    /// Creates a monitor that ignores the input until `off_hook_at + settle`,
    /// while the current builds up after the relay closes, and then reports a
    /// break once the input stays low for `break_after`.
    pub fn new(off_hook_at: Instant, settle: Duration, break_after: Duration) -> LoopMonitor {
        LoopMonitor { break_after, ignore_until: off_hook_at + settle, low_since: None }
    }

    /// Feeds the loop-current input's level at `now`; returns `true` once the
    /// current has been off for the break time.
    pub fn update(&mut self, now: Instant, active: bool) -> bool {
        if now < self.ignore_until || active {
            self.low_since = None;
            return false;
        }
        let low_since = *self.low_since.get_or_insert(now);
        now.saturating_duration_since(low_since) >= self.break_after
    }
}
