//! Whether the box takes a ringing call, by the business profile's
//! `[answering]` policy and `[numbers] blocked` list.

use std::sync::Arc;

use crate::call::Engines;
use crate::line::{mask_number, AnswerPolicy, Ring, RingDecision};
use crate::profile::{AnsweringMode, BusinessProfile};

/// The profile's answering policy on one line. `line_ring` is the ring the
/// line's device needs before answering (a voice modem hears caller ID
/// between the first and second ring), so the box never answers earlier.
pub struct ProfilePolicy {
    engines: Engines,
    line_ring: u32,
}

impl ProfilePolicy {
    pub fn new(engines: Engines, line_ring: u32) -> ProfilePolicy {
        ProfilePolicy { engines, line_ring: line_ring.max(1) }
    }

    /// Returns the profile as of this ring. A watched file is checked with one
    /// `stat`, and read again only after the owner changed it.
    ///
    /// NOTE: this runs on the async worker that drives the line: a stat per
    /// ring, and a file read after an edit, block it briefly.
    fn profile(&self) -> Arc<BusinessProfile> {
        match &self.engines.profile_file {
            Some(watcher) => watcher.current(),
            None => self.engines.profile.clone(),
        }
    }
}

impl AnswerPolicy for ProfilePolicy {
    fn on_ring(&self, line: &str, ring: &Ring) -> RingDecision {
        let profile = self.profile();
        decide(&profile, self.line_ring, ring, self.engines.now(), line)
    }
}

/// Decides one ring: blocked numbers are rejected; otherwise the box answers
/// on the ring the mode asks for, and outside-hours mode lets calls ring
/// through to the staff while the business is open.
pub fn decide(profile: &BusinessProfile, line_ring: u32, ring: &Ring, now: time::PrimitiveDateTime, line: &str) -> RingDecision {
    if let Some(number) = ring.caller.number() {
        if profile.is_blocked(number) {
            if ring.count == 1 || ring.count == line_ring {
                tracing::info!(line, caller = %mask_number(number), "blocked number; rejecting the call");
            }
            return RingDecision::Reject;
        }
    }
    let answer_on = match profile.answering.mode {
        AnsweringMode::Always | AnsweringMode::WhenBusy => line_ring,
        AnsweringMode::AfterRings => profile.answering.rings.max(line_ring),
        AnsweringMode::OutsideHours => {
            if profile.is_open_at(now) {
                return RingDecision::Ignore;
            }
            line_ring
        }
    };
    if ring.count >= answer_on {
        RingDecision::Answer
    } else {
        RingDecision::Wait
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::line::CallerId;

    fn profile(answering: &str) -> BusinessProfile {
        BusinessProfile::parse(&format!(
            "name = \"Harbor Dental\"\ngreeting = \"Hello\"\n\
             [opening_hours]\nfriday = \"09:00-17:00\"\n\
             [numbers]\nblocked = [\"+44 7700 900666\"]\n\
             [answering]\n{answering}\n"
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn ring(count: u32, number: &str) -> Ring {
        Ring { count, caller: CallerId::Number { number: number.to_string(), name: None } }
    }

    /// Friday 4 December 2026: open at 10:00, closed at 20:00.
    const OPEN: time::PrimitiveDateTime = datetime!(2026-12-04 10:00);
    const CLOSED: time::PrimitiveDateTime = datetime!(2026-12-04 20:00);

    #[test]
    fn rings_decide_by_mode() {
        let cases = [
            ("mode = \"always\"", 1, 1, OPEN, RingDecision::Answer),
            ("mode = \"always\"", 2, 1, OPEN, RingDecision::Wait),
            ("mode = \"always\"", 2, 2, OPEN, RingDecision::Answer),
            ("mode = \"after_rings\"\nrings = 4", 1, 3, OPEN, RingDecision::Wait),
            ("mode = \"after_rings\"\nrings = 4", 1, 4, OPEN, RingDecision::Answer),
            ("mode = \"after_rings\"\nrings = 1", 2, 1, OPEN, RingDecision::Wait),
            ("mode = \"outside_hours\"", 1, 1, OPEN, RingDecision::Ignore),
            ("mode = \"outside_hours\"", 1, 5, OPEN, RingDecision::Ignore),
            ("mode = \"outside_hours\"", 1, 1, CLOSED, RingDecision::Answer),
            ("mode = \"when_busy\"", 1, 1, OPEN, RingDecision::Answer),
        ];
        for (answering, line_ring, count, now, expected) in cases {
            let decision = decide(&profile(answering), line_ring, &ring(count, "+44 7700 900301"), now, "gsm0");
            assert_eq!(decision, expected, "{answering:?}, line ring {line_ring}, ring {count}, at {now}");
        }
    }

    #[test]
    fn blocked_numbers_are_rejected() {
        let profile = profile("mode = \"always\"");
        for number in ["+44 7700 900666", "+447700900666", "07700 900666"] {
            assert_eq!(decide(&profile, 1, &ring(1, number), OPEN, "gsm0"), RingDecision::Reject, "{number}");
        }
        let withheld = Ring { count: 1, caller: CallerId::Withheld };
        assert_eq!(decide(&profile, 1, &withheld, OPEN, "gsm0"), RingDecision::Answer);
    }
}
