//! The progress of one incoming call, common to every device: rings, the
//! answer, the caller's keys and voice, and the caller hanging up.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::{CallerAudio, CallerIdSpec, IncomingCall};

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Ringing,
    Answered {
        at: Instant,
    },
    /// The caller hung up while the host was off hook. Only voice modems
    /// keep this phase: the line stays off hook with busy and dial tone until
    /// the host hangs up. GSM modules end the call at once.
    CallerGone {
        answered: Instant,
        at: Instant,
    },
}

/// What the ring schedule asks for at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RingStep {
    /// Send ring number n (1-based).
    Ring(u32),
    /// The caller gave up after `max_rings` rings.
    GiveUp,
    Wait,
}

/// One call in progress.
pub(crate) struct Call {
    /// Index of this call's record in the report.
    pub(crate) index: usize,
    pub(crate) caller: CallerIdSpec,
    audio: Box<dyn CallerAudio>,
    dtmf: VecDeque<(Duration, char)>,
    max_rings: u32,
    pub(crate) rings: u32,
    next_ring: Instant,
    pub(crate) phase: Phase,
}

impl Call {
    /// Starts ringing at `now`.
    pub(crate) fn new(index: usize, incoming: IncomingCall, now: Instant) -> Call {
        let mut dtmf: Vec<(Duration, char)> = incoming.dtmf;
        dtmf.sort_by_key(|(at, _)| *at);
        Call {
            index,
            caller: incoming.caller,
            audio: incoming.audio,
            dtmf: dtmf.into(),
            max_rings: incoming.max_rings.max(1),
            rings: 0,
            next_ring: now,
            phase: Phase::Ringing,
        }
    }

    /// Advances the ring schedule.
    pub(crate) fn ring_step(&mut self, now: Instant, interval: Duration) -> RingStep {
        if self.phase != Phase::Ringing || now < self.next_ring {
            return RingStep::Wait;
        }
        if self.rings >= self.max_rings {
            return RingStep::GiveUp;
        }
        self.rings += 1;
        self.next_ring += interval;
        RingStep::Ring(self.rings)
    }

    /// Returns when the last ring was sent, for caller ID that follows ring 1.
    pub(crate) fn last_ring_at(&self, interval: Duration) -> Instant {
        self.next_ring
            .checked_sub(interval)
            .unwrap_or(self.next_ring)
    }

    pub(crate) fn is_ringing(&self) -> bool {
        self.phase == Phase::Ringing
    }

    /// Returns when the call was answered, unless it is still ringing.
    pub(crate) fn answered_at(&self) -> Option<Instant> {
        match self.phase {
            Phase::Ringing => None,
            Phase::Answered { at } => Some(at),
            Phase::CallerGone { answered, .. } => Some(answered),
        }
    }

    pub(crate) fn answer(&mut self, now: Instant) {
        if self.phase == Phase::Ringing {
            self.phase = Phase::Answered { at: now };
        }
    }

    /// Removes and returns the keys due by `now`, once answered.
    pub(crate) fn due_keys(&mut self, now: Instant) -> Vec<char> {
        let Phase::Answered { at } = self.phase else {
            return Vec::new();
        };
        let talked = now.saturating_duration_since(at);
        let mut keys = Vec::new();
        while let Some(&(offset, key)) = self.dtmf.front() {
            if offset > talked {
                break;
            }
            keys.push(key);
            self.dtmf.pop_front();
        }
        keys
    }

    /// Lets the caller hear `heard` and returns the caller's next 20 ms, or
    /// None when the caller hangs up now: the audio source ended, or
    /// `hang_up_after` has passed since the answer.
    pub(crate) fn exchange(
        &mut self,
        now: Instant,
        heard: &[i16; 160],
        hang_up_after: Option<Duration>,
    ) -> Option<[i16; 160]> {
        let Phase::Answered { at } = self.phase else {
            return None;
        };
        if hang_up_after.is_some_and(|limit| now.saturating_duration_since(at) >= limit) {
            return None;
        }
        self.audio.exchange(heard)
    }

    /// Marks the caller as gone at `now` (voice modems keep the line off hook).
    pub(crate) fn caller_hung_up(&mut self, now: Instant) {
        if let Phase::Answered { at } = self.phase {
            self.phase = Phase::CallerGone {
                answered: at,
                at: now,
            };
        }
    }
}

/// Converts a byte slice of 16-bit little-endian samples to one frame,
/// padding a short slice with silence.
pub(crate) fn frame_from_le_bytes(bytes: &[u8]) -> [i16; 160] {
    let mut frame = [0i16; 160];
    for (sample, pair) in frame.iter_mut().zip(bytes.chunks_exact(2)) {
        *sample = i16::from_le_bytes([pair[0], pair[1]]);
    }
    frame
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Silence;

    impl CallerAudio for Silence {
        fn exchange(&mut self, _heard: &[i16; 160]) -> Option<[i16; 160]> {
            Some([0; 160])
        }
    }

    fn call(max_rings: u32, dtmf: Vec<(Duration, char)>, now: Instant) -> Call {
        let incoming = IncomingCall {
            caller: CallerIdSpec::Withheld,
            audio: Box::new(Silence),
            dtmf,
            max_rings,
        };
        Call::new(0, incoming, now)
    }

    #[test]
    fn rings_then_gives_up() {
        let start = Instant::now();
        let interval = Duration::from_millis(100);
        let mut call = call(2, Vec::new(), start);
        let steps: Vec<RingStep> = [0, 50, 100, 150, 200]
            .into_iter()
            .map(|ms| call.ring_step(start + Duration::from_millis(ms), interval))
            .collect();
        let expected = [
            RingStep::Ring(1),
            RingStep::Wait,
            RingStep::Ring(2),
            RingStep::Wait,
            RingStep::GiveUp,
        ];
        assert_eq!(steps, expected);
    }

    #[test]
    fn keys_come_due_after_answer() {
        let start = Instant::now();
        let keys = vec![
            (Duration::from_millis(300), '2'),
            (Duration::from_millis(100), '1'),
        ];
        let mut call = call(3, keys, start);
        assert!(
            call.due_keys(start + Duration::from_secs(5)).is_empty(),
            "no keys before the answer"
        );
        call.answer(start);
        assert_eq!(call.due_keys(start + Duration::from_millis(150)), vec!['1']);
        assert_eq!(call.due_keys(start + Duration::from_millis(400)), vec!['2']);
    }

    #[test]
    fn hang_up_after_limit() {
        let start = Instant::now();
        let mut call = call(3, Vec::new(), start);
        call.answer(start);
        let limit = Some(Duration::from_millis(100));
        assert!(call
            .exchange(start + Duration::from_millis(50), &[0; 160], limit)
            .is_some());
        assert!(call
            .exchange(start + Duration::from_millis(100), &[0; 160], limit)
            .is_none());
    }
}
