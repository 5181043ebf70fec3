//! The business profile: what the receptionist may tell callers and how it
//! handles calls. The file format and its checks live in the
//! `standardiste-profile` crate; this module adds what the call flow builds
//! from a profile: the appointment book's schedule and services, and the
//! dialogue's escalation rules.

pub use standardiste_profile::*;

use standardiste_booking as booking;

use crate::agent::desk;
use crate::agent::dialogue::Rules;

/// The appointment book's schedule: weekly hours and closures.
pub fn schedule(profile: &BusinessProfile) -> booking::Schedule {
    profile.booking_schedule()
}

/// The appointment types the box may book, with their aliases.
pub fn services(profile: &BusinessProfile) -> Vec<desk::Service> {
    profile
        .appointment_types
        .iter()
        .map(|kind| desk::Service {
            kind: kind.booking_type(),
            aliases: kind.aliases.clone(),
        })
        .collect()
}

/// The dialogue's rules for a call on a line that can (or cannot) transfer.
pub fn rules(profile: &BusinessProfile, can_transfer: bool) -> Rules {
    let escalation = &profile.escalation;
    let mut emergency_words: Vec<String> =
        escalation.emergency_words.values().flatten().map(|word| desk::fold(word)).collect();
    emergency_words.sort();
    emergency_words.dedup();
    Rules {
        transfer_to: escalation.transfer_to.clone(),
        can_transfer,
        callback_within_min: escalation.callback_within_min,
        on_emergency: escalation.on_emergency,
        on_request: escalation.on_request_for_person,
        on_angry: escalation.on_angry_caller,
        on_vip: escalation.on_vip,
        on_keypad_zero: escalation.on_keypad_zero,
        facts: profile.facts_text(),
        facts_language: profile.default_language().code().to_string(),
        aliases: profile.appointment_types.iter().flat_map(|kind| kind.aliases.iter().cloned()).collect(),
        emergency_words,
        schedule: schedule(profile),
    }
}
