//! Opening hours with a lunch break and closures: is_open_at, hours_on, next_opening.

use standardiste_profile::{BusinessProfile, Interval};
use time::macros::{date, datetime};
use time::Weekday;

const PROFILE: &str = r#"
name = "Harbor Dental"
greeting = "Hello"

[opening_hours]
monday = "08:30-12:30, 13:30-18:00"
tuesday = "08:30-12:30, 13:30-18:00"
wednesday = "08:30-12:30"
thursday = "08:30-12:30, 13:30-18:00"
friday = "08:30-12:30, 13:30-17:00"
saturday = "09:00-12:00"
sunday = "closed"

[[closures]]
from = "2026-12-24"
to = 2026-12-26
reason = "Christmas"

[[closures]]
date = 2026-12-31
hours = "09:00-12:00"
reason = "New Year's Eve"
"#;

fn profile() -> BusinessProfile {
    BusinessProfile::parse(PROFILE).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn calendar_assumptions() {
    assert_eq!(date!(2026 - 12 - 21).weekday(), Weekday::Monday);
    assert_eq!(date!(2026 - 12 - 24).weekday(), Weekday::Thursday);
    assert_eq!(date!(2026 - 12 - 31).weekday(), Weekday::Thursday);
}

#[test]
fn lunch_break_edges() {
    let profile = profile();
    assert!(!profile.is_open_at(datetime!(2026-12-21 08:29)));
    assert!(profile.is_open_at(datetime!(2026-12-21 08:30)));
    assert!(profile.is_open_at(datetime!(2026-12-21 12:29:59)));
    assert!(!profile.is_open_at(datetime!(2026-12-21 12:30)));
    assert!(!profile.is_open_at(datetime!(2026-12-21 13:29)));
    assert!(profile.is_open_at(datetime!(2026-12-21 13:30)));
    assert!(profile.is_open_at(datetime!(2026-12-21 17:59)));
    assert!(!profile.is_open_at(datetime!(2026-12-21 18:00)));
}

#[test]
fn closure_days_are_closed() {
    let profile = profile();
    // Wednesday before Christmas: the usual morning only.
    assert!(profile.is_open_at(datetime!(2026-12-23 10:00)));
    assert!(!profile.is_open_at(datetime!(2026-12-23 14:00)));
    // Thursday 24 to Saturday 26 are closed, the last day included.
    assert!(!profile.is_open_at(datetime!(2026-12-24 10:00)));
    assert!(!profile.is_open_at(datetime!(2026-12-25 10:00)));
    assert!(!profile.is_open_at(datetime!(2026-12-26 10:00)));
    // Sunday is closed as usual, Monday opens again.
    assert!(!profile.is_open_at(datetime!(2026-12-27 10:00)));
    assert!(profile.is_open_at(datetime!(2026-12-28 10:00)));
}

#[test]
fn special_hours_replace_the_day() {
    let profile = profile();
    assert!(profile.is_open_at(datetime!(2026-12-31 11:00)));
    assert!(!profile.is_open_at(datetime!(2026-12-31 08:45)));
    // A usual Thursday afternoon, closed on New Year's Eve.
    assert!(profile.is_open_at(datetime!(2026-12-17 14:00)));
    assert!(!profile.is_open_at(datetime!(2026-12-31 14:00)));
}

#[test]
fn hours_on_applies_closures() {
    let profile = profile();
    assert_eq!(
        profile.hours_on(date!(2026 - 12 - 21)),
        vec![
            Interval {
                open: 510,
                close: 750
            },
            Interval {
                open: 810,
                close: 1080
            }
        ]
    );
    assert_eq!(profile.hours_on(date!(2026 - 12 - 24)), Vec::new());
    assert_eq!(
        profile.hours_on(date!(2026 - 12 - 31)),
        vec![Interval {
            open: 540,
            close: 720
        }]
    );
    assert_eq!(profile.hours_on(date!(2026 - 12 - 27)), Vec::new());
    let closure = profile.closure_on(date!(2026 - 12 - 25)).expect("closure");
    assert_eq!(closure.reason.as_deref(), Some("Christmas"));
    assert!(profile.closure_on(date!(2026 - 12 - 27)).is_none());
}

#[test]
fn next_opening_skips_lunch_and_closures() {
    let profile = profile();
    assert_eq!(
        profile.next_opening(datetime!(2026-12-21 12:45)),
        Some(datetime!(2026-12-21 13:30))
    );
    assert_eq!(
        profile.next_opening(datetime!(2026-12-21 13:30)),
        Some(datetime!(2026-12-21 13:30))
    );
    assert_eq!(
        profile.next_opening(datetime!(2026-12-21 06:00)),
        Some(datetime!(2026-12-21 08:30))
    );
    // Wednesday afternoon: Christmas closure, then Sunday, so Monday morning.
    assert_eq!(
        profile.next_opening(datetime!(2026-12-23 13:00)),
        Some(datetime!(2026-12-28 08:30))
    );
    assert_eq!(
        profile.next_opening(datetime!(2026-12-30 19:00)),
        Some(datetime!(2026-12-31 09:00))
    );
}

#[test]
fn next_opening_none_when_never_open() {
    let profile = BusinessProfile::parse("name = \"X\"\ngreeting = \"Hello\"\n").unwrap();
    assert_eq!(profile.next_opening(datetime!(2026-12-21 12:00)), None);
    assert!(!profile.is_open_at(datetime!(2026-12-21 12:00)));
    assert_eq!(profile.hours_text(), "");
}
