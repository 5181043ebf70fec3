//! Slot search tables: opening hours, buffers, staff, exceptions, blocked periods.

mod support;

use std::collections::BTreeMap;

use standardiste_booking::{free_slots, free_slots_on, Interval, Schedule, Status};
use support::*;
use time::macros::{date, datetime};

const TUESDAY: time::Date = date!(2026 - 12 - 08);
const SATURDAY: time::Date = date!(2026 - 12 - 12);

fn clock_list(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// Lists every quarter hour from `from` to `to` inclusive, as "HH:MM".
fn quarters(from: (u16, u16), to: (u16, u16)) -> Vec<String> {
    let first = from.0 * 60 + from.1;
    let last = to.0 * 60 + to.1;
    (first..=last)
        .step_by(15)
        .map(|minute| format!("{:02}:{:02}", minute / 60, minute % 60))
        .collect()
}

#[test]
fn day_follows_opening_hours_and_lunch_break() {
    let slots = free_slots_on(
        &clinic_hours(),
        &kind(30, 0, &[]),
        &[],
        MONDAY,
        datetime!(2026-12-07 00:00),
    );
    let mut expected = quarters((9, 0), (11, 30));
    expected.extend(quarters((14, 0), (17, 30)));
    assert_eq!(clocks(&slots), expected);
    assert!(slots.iter().all(|slot| slot.staff.is_none()));
    assert_eq!(slots[0].end, datetime!(2026-12-07 09:30));
}

#[test]
fn slot_running_past_close_is_not_offered() {
    let slots = free_slots_on(
        &clinic_hours(),
        &kind(45, 0, &[]),
        &[],
        MONDAY,
        datetime!(2026-12-07 00:00),
    );
    let clocks = clocks(&slots);
    assert!(
        clocks.contains(&"11:15".to_owned()),
        "11:15 + 45 min ends at 12:00: {clocks:?}"
    );
    assert!(
        !clocks.contains(&"11:30".to_owned()),
        "11:30 would end after 12:00: {clocks:?}"
    );
    assert!(
        !clocks.contains(&"12:00".to_owned()),
        "lunch break: {clocks:?}"
    );
    assert!(
        !clocks.contains(&"13:45".to_owned()),
        "lunch break: {clocks:?}"
    );
    assert_eq!(clocks.last().map(String::as_str), Some("17:15"));
}

#[test]
fn buffer_applies_after_and_before_existing() {
    // Existing 10:00-10:30 followed by 15 minutes; new 30-minute slots also need 15 after.
    let busy = [existing(1, None, datetime!(2026-12-07 10:00), 30, 15)];
    let morning = Schedule {
        weekly: std::array::from_fn(|_| vec![Interval::hm(9, 0, 12, 0)]),
        ..Schedule::default()
    };
    let slots = free_slots_on(
        &morning,
        &kind(30, 15, &[]),
        &busy,
        MONDAY,
        datetime!(2026-12-07 00:00),
    );
    assert_eq!(
        clocks(&slots),
        clock_list(&["09:00", "09:15", "10:45", "11:00", "11:15", "11:30"])
    );
}

#[test]
fn existing_buffer_is_its_own() {
    // The existing booking has no buffer, so a type with no buffer may start at its end.
    let busy = [existing(1, None, datetime!(2026-12-07 10:00), 30, 0)];
    let slots = free_slots_on(
        &clinic_hours(),
        &kind(30, 0, &[]),
        &busy,
        MONDAY,
        datetime!(2026-12-07 09:30),
    );
    assert_eq!(clocks(&slots)[..2], clock_list(&["09:30", "10:30"])[..]);
}

#[test]
fn two_staff_are_independent() {
    let dentists = kind(30, 0, &["Alice", "Bob"]);
    let busy = [existing(
        1,
        Some("Alice"),
        datetime!(2026-12-07 10:00),
        30,
        0,
    )];
    let slots = free_slots_on(
        &clinic_hours(),
        &dentists,
        &busy,
        MONDAY,
        datetime!(2026-12-07 09:30),
    );
    assert_eq!(slots[0].start, datetime!(2026-12-07 09:30));
    assert_eq!(
        slots[0].staff.as_deref(),
        Some("Alice"),
        "first staff in list order"
    );
    assert_eq!(slots[1].start, datetime!(2026-12-07 09:45));
    assert_eq!(
        slots[1].staff.as_deref(),
        Some("Bob"),
        "09:45-10:15 overlaps Alice's 10:00"
    );
    assert_eq!(slots[2].start, datetime!(2026-12-07 10:00));
    assert_eq!(slots[2].staff.as_deref(), Some("Bob"));
    assert_eq!(slots[4].start, datetime!(2026-12-07 10:30));
    assert_eq!(
        slots[4].staff.as_deref(),
        Some("Alice"),
        "Alice is free again"
    );

    let both = [
        existing(1, Some("Alice"), datetime!(2026-12-07 10:00), 30, 0),
        existing(2, Some("Bob"), datetime!(2026-12-07 10:00), 30, 0),
    ];
    let slots = free_slots_on(
        &clinic_hours(),
        &dentists,
        &both,
        MONDAY,
        datetime!(2026-12-07 09:30),
    );
    assert_eq!(
        clocks(&slots)[..3],
        clock_list(&["09:30", "10:30", "10:45"])[..]
    );
}

#[test]
fn business_booking_does_not_block_staff() {
    let busy = [existing(1, None, datetime!(2026-12-07 09:00), 30, 0)];
    let slots = free_slots_on(
        &clinic_hours(),
        &kind(30, 0, &["Alice"]),
        &busy,
        MONDAY,
        datetime!(2026-12-07 09:00),
    );
    assert_eq!(slots[0].start, datetime!(2026-12-07 09:00));
    assert_eq!(slots[0].staff.as_deref(), Some("Alice"));
}

#[test]
fn exception_day_closed() {
    let mut schedule = clinic_hours();
    schedule.exceptions.insert(TUESDAY, vec![]);
    let consult = kind(30, 0, &[]);
    let tuesday = free_slots_on(
        &schedule,
        &consult,
        &[],
        TUESDAY,
        datetime!(2026-12-08 00:00),
    );
    assert!(tuesday.is_empty(), "holiday offered {tuesday:?}");

    let next = free_slots(&schedule, &consult, &[], datetime!(2026-12-08 00:00), 1, 14);
    assert_eq!(starts(&next), vec!["2026-12-09 09:00".to_owned()]);
}

#[test]
fn exception_with_special_hours() {
    let mut schedule = clinic_hours();
    schedule
        .exceptions
        .insert(TUESDAY, vec![Interval::hm(10, 0, 11, 0)]);
    let slots = free_slots_on(
        &schedule,
        &kind(30, 0, &[]),
        &[],
        TUESDAY,
        datetime!(2026-12-08 00:00),
    );
    assert_eq!(clocks(&slots), clock_list(&["10:00", "10:15", "10:30"]));

    // An exception also opens a day that is closed every week.
    schedule
        .exceptions
        .insert(date!(2026 - 12 - 13), vec![Interval::hm(9, 0, 10, 0)]);
    let sunday = free_slots_on(
        &schedule,
        &kind(60, 0, &[]),
        &[],
        date!(2026 - 12 - 13),
        datetime!(2026-12-13 00:00),
    );
    assert_eq!(clocks(&sunday), clock_list(&["09:00"]));
}

#[test]
fn blocked_period_is_skipped() {
    let mut schedule = clinic_hours();
    schedule
        .blocked
        .push((datetime!(2026-12-07 10:00), datetime!(2026-12-07 10:30)));
    let slots = free_slots_on(
        &schedule,
        &kind(30, 0, &[]),
        &[],
        MONDAY,
        datetime!(2026-12-07 09:30),
    );
    assert_eq!(clocks(&slots)[..2], clock_list(&["09:30", "10:30"])[..]);
}

#[test]
fn blocked_period_across_days() {
    let mut schedule = clinic_hours();
    schedule
        .blocked
        .push((datetime!(2026-12-07 16:00), datetime!(2026-12-08 10:00)));
    let slots = free_slots(
        &schedule,
        &kind(30, 0, &[]),
        &[],
        datetime!(2026-12-07 15:00),
        6,
        7,
    );
    assert_eq!(
        starts(&slots),
        clock_list(&[
            "2026-12-07 15:00",
            "2026-12-07 15:15",
            "2026-12-07 15:30",
            "2026-12-08 10:00",
            "2026-12-08 10:15",
            "2026-12-08 10:30",
        ])
    );
}

#[test]
fn slots_before_now_are_excluded() {
    let slots = free_slots(
        &clinic_hours(),
        &kind(30, 0, &[]),
        &[],
        datetime!(2026-12-07 10:07),
        3,
        7,
    );
    assert_eq!(
        starts(&slots),
        clock_list(&["2026-12-07 10:15", "2026-12-07 10:30", "2026-12-07 10:45"])
    );
    let on_day = free_slots_on(
        &clinic_hours(),
        &kind(30, 0, &[]),
        &[],
        MONDAY,
        datetime!(2026-12-07 17:30),
    );
    assert_eq!(
        clocks(&on_day),
        clock_list(&["17:30"]),
        "a slot starting exactly now is offered"
    );
}

#[test]
fn saturday_without_hours_offers_nothing() {
    let mut schedule = clinic_hours();
    schedule.weekly[5] = vec![];
    let consult = kind(30, 0, &["Alice"]);
    let saturday = free_slots_on(
        &schedule,
        &consult,
        &[],
        SATURDAY,
        datetime!(2026-12-12 00:00),
    );
    assert!(saturday.is_empty(), "closed Saturday offered {saturday:?}");

    let next = free_slots(&schedule, &consult, &[], datetime!(2026-12-12 08:00), 1, 7);
    assert_eq!(
        starts(&next),
        vec!["2026-12-14 09:00".to_owned()],
        "Sunday is closed too"
    );

    let only_weekend = free_slots(&schedule, &consult, &[], datetime!(2026-12-12 08:00), 5, 2);
    assert!(
        only_weekend.is_empty(),
        "horizon of 2 days covers only Saturday and Sunday"
    );
}

#[test]
fn results_are_time_ordered_and_limited() {
    let slots = free_slots(
        &clinic_hours(),
        &kind(60, 0, &["Alice", "Bob"]),
        &[],
        datetime!(2026-12-07 16:30),
        10,
        7,
    );
    assert_eq!(slots.len(), 10);
    assert!(
        slots.windows(2).all(|pair| pair[0].start < pair[1].start),
        "{:?}",
        starts(&slots)
    );
    assert_eq!(slots[0].start, datetime!(2026-12-07 16:30));
    assert_eq!(slots[2].start, datetime!(2026-12-07 17:00));
    assert_eq!(slots[3].start, datetime!(2026-12-08 09:00));
    assert!(free_slots(
        &clinic_hours(),
        &kind(60, 0, &[]),
        &[],
        datetime!(2026-12-07 00:00),
        0,
        7
    )
    .is_empty());
    assert!(free_slots(
        &clinic_hours(),
        &kind(60, 0, &[]),
        &[],
        datetime!(2026-12-07 00:00),
        5,
        0
    )
    .is_empty());
}

#[test]
fn configurable_step() {
    let mut schedule = clinic_hours();
    schedule.slot_step_min = 40;
    let slots = free_slots_on(
        &schedule,
        &kind(30, 0, &[]),
        &[],
        MONDAY,
        datetime!(2026-12-07 00:00),
    );
    // The grid counts from midnight: 09:20 is 14 steps of 40 minutes.
    assert_eq!(
        clocks(&slots)[..4],
        clock_list(&["09:20", "10:00", "10:40", "11:20"])[..]
    );
}

#[test]
fn cancelled_bookings_do_not_block() {
    let mut cancelled = existing(1, None, datetime!(2026-12-07 09:00), 30, 0);
    cancelled.status = Status::Cancelled;
    let slots = free_slots_on(
        &clinic_hours(),
        &kind(30, 0, &[]),
        &[cancelled],
        MONDAY,
        datetime!(2026-12-07 00:00),
    );
    assert_eq!(slots[0].start, datetime!(2026-12-07 09:00));
}

#[test]
fn buffer_from_previous_day_counts() {
    let busy = [existing(1, None, datetime!(2026-12-06 23:00), 60, 90)];
    let slots = free_slots_on(
        &always_open(),
        &kind(30, 0, &[]),
        &busy,
        MONDAY,
        datetime!(2026-12-07 00:00),
    );
    assert_eq!(slots[0].start, datetime!(2026-12-07 01:30));
}

#[test]
fn weird_input_gives_empty_or_clamped_results() {
    let after = datetime!(2026-12-07 00:00);
    assert!(
        free_slots(&clinic_hours(), &kind(0, 0, &[]), &[], after, 10, 7).is_empty(),
        "zero duration"
    );
    assert!(
        free_slots(&Schedule::default(), &kind(30, 0, &[]), &[], after, 10, 400).is_empty(),
        "empty schedule"
    );
    assert!(
        free_slots(
            &clinic_hours(),
            &kind(u16::MAX, u16::MAX, &[]),
            &[],
            after,
            10,
            7
        )
        .is_empty(),
        "longer than a day"
    );

    let reversed = Schedule {
        weekly: std::array::from_fn(|_| {
            vec![Interval {
                open: 700,
                close: 600,
            }]
        }),
        ..Schedule::default()
    };
    assert!(
        free_slots(&reversed, &kind(30, 0, &[]), &[], after, 10, 7).is_empty(),
        "close before open"
    );

    let late = Schedule {
        weekly: std::array::from_fn(|_| {
            vec![
                Interval {
                    open: 23 * 60,
                    close: 3000,
                },
                Interval {
                    open: 5000,
                    close: 6000,
                },
            ]
        }),
        exceptions: BTreeMap::new(),
        blocked: vec![(datetime!(2026-12-07 12:00), datetime!(2026-12-07 11:00))],
        slot_step_min: 0,
    };
    let slots = free_slots_on(&late, &kind(30, 0, &[]), &[], MONDAY, after);
    assert_eq!(
        clocks(&slots),
        clock_list(&["23:00", "23:15", "23:30"]),
        "close cut to 24:00"
    );
    assert_eq!(slots[2].end, datetime!(2026-12-08 00:00));

    let end_of_time = free_slots(
        &always_open(),
        &kind(30, 0, &[]),
        &[],
        datetime!(9999-12-31 23:00),
        10,
        5,
    );
    assert_eq!(
        end_of_time.len(),
        2,
        "the last representable day ends the search"
    );
    let huge_buffer = [existing(1, None, datetime!(9999-12-31 22:00), 30, u16::MAX)];
    assert!(free_slots(
        &always_open(),
        &kind(30, u16::MAX, &[]),
        &huge_buffer,
        datetime!(9999-12-31 22:00),
        10,
        5
    )
    .is_empty());
}

#[test]
fn touching_intervals_merge() {
    let schedule = Schedule {
        weekly: std::array::from_fn(|_| {
            vec![Interval::hm(10, 0, 12, 0), Interval::hm(9, 0, 10, 0)]
        }),
        ..Schedule::default()
    };
    let slots = free_slots_on(
        &schedule,
        &kind(60, 0, &[]),
        &[],
        MONDAY,
        datetime!(2026-12-07 00:00),
    );
    assert_eq!(slots[0].start, datetime!(2026-12-07 09:00));
    assert_eq!(slots[1].start, datetime!(2026-12-07 09:15));
    assert_eq!(
        slots.len(),
        9,
        "09:00 to 11:00 every 15 minutes: {:?}",
        clocks(&slots)
    );
}
