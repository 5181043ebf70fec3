//! The profile as the appointment book reads it: weekly hours, closures
//! spread over their days, and appointment types.

use standardiste_booking::Interval;
use standardiste_profile::BusinessProfile;
use time::macros::date;

const PROFILE: &str = r#"
name = "Harbor Dental"
greeting = "Hello"

[opening_hours]
monday = "08:30-12:30, 13:30-18:00"
wednesday = "08:30-12:30"
saturday = "09:00-12:00"

[[closures]]
from = 2026-12-24
to = 2026-12-26
reason = "Christmas"

[[closures]]
date = 2026-12-31
hours = "09:00-12:00"
reason = "New Year's Eve"

[[staff]]
name = "Dr. Patel"

[[appointment_types]]
name = "Check-up"
duration_min = 30
buffer_min = 10
staff = ["Dr. Patel"]
aliases = ["checkup"]

[[appointment_types]]
name = "Emergency"
duration_min = 20
"#;

fn profile() -> BusinessProfile {
    BusinessProfile::parse(PROFILE).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn weekly_hours_become_the_schedule() {
    let schedule = profile().booking_schedule();
    assert_eq!(
        schedule.weekly[0],
        vec![Interval::hm(8, 30, 12, 30), Interval::hm(13, 30, 18, 0)]
    );
    assert!(schedule.weekly[1].is_empty(), "a day left out is closed");
    assert_eq!(schedule.weekly[2], vec![Interval::hm(8, 30, 12, 30)]);
    assert_eq!(schedule.weekly[5], vec![Interval::hm(9, 0, 12, 0)]);
    assert!(schedule.blocked.is_empty());
    assert_eq!(schedule.slot_step_min, 0);
}

#[test]
fn closures_cover_each_of_their_days() {
    let schedule = profile().booking_schedule();
    for day in [
        date!(2026 - 12 - 24),
        date!(2026 - 12 - 25),
        date!(2026 - 12 - 26),
    ] {
        assert_eq!(schedule.exceptions.get(&day), Some(&Vec::new()), "{day}");
        assert!(schedule.hours_on(day).is_empty(), "{day}");
    }
    assert_eq!(
        schedule.exceptions.get(&date!(2026 - 12 - 31)),
        Some(&vec![Interval::hm(9, 0, 12, 0)])
    );
    assert_eq!(schedule.exceptions.len(), 4);
    // The Monday after Christmas keeps its weekly hours.
    assert_eq!(schedule.hours_on(date!(2026 - 12 - 28)).len(), 2);
}

#[test]
fn appointment_type_keeps_its_rules() {
    let profile = profile();
    let kind = profile.appointment_types[0].booking_type();
    assert_eq!(kind.name, "Check-up");
    assert_eq!(kind.duration_min, 30);
    assert_eq!(kind.buffer_min, 10);
    assert_eq!(kind.staff, vec!["Dr. Patel".to_string()]);
    let anyone = profile.appointment_types[1].booking_type();
    assert_eq!(anyone.duration_min, 20);
    assert_eq!(anyone.buffer_min, 0);
    assert!(anyone.staff.is_empty());
}

#[test]
fn oversized_duration_is_capped() {
    // Validation keeps durations within a day; a hand-built type may not.
    let mut kind = profile().appointment_types[1].clone();
    kind.duration_min = 70_000;
    kind.buffer_min = 100_000;
    let capped = kind.booking_type();
    assert_eq!(capped.duration_min, u16::MAX);
    assert_eq!(capped.buffer_min, u16::MAX);
}
