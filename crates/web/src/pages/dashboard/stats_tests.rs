//! Exact figures from a real call database with calls set at chosen times.

use rusqlite::{params, Connection};
use standardiste_booking::{AppointmentType, Interval, NewBooking, Schedule};
use standardiste_profile::BusinessProfile;
use standardiste_store::{CallOutcome, IntakeRow, NewTurn, Speaker, Store};
use time::macros::{date, datetime, offset};
use time::{PrimitiveDateTime, UtcOffset};

use super::stats::{after_hours, collect, Period};

/// A database of calls whose start times the test chooses.
struct Calls {
    _dir: tempfile::TempDir,
    store: Store,
    conn: Connection,
    offset: UtcOffset,
}

/// A test call's start, outcome and length.
struct Call {
    start: PrimitiveDateTime,
    outcome: CallOutcome,
    caller_spoke: bool,
    duration_ms: u64,
}

impl Call {
    fn answered(start: PrimitiveDateTime) -> Call {
        Call {
            start,
            outcome: CallOutcome::Completed,
            caller_spoke: true,
            duration_ms: 60_000,
        }
    }
}

impl Calls {
    fn new(offset: UtcOffset) -> Calls {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.db");
        let store = Store::open(&path).unwrap();
        let conn = Connection::open(&path).unwrap();
        Calls {
            _dir: dir,
            store,
            conn,
            offset,
        }
    }

    /// Stores a call that started at `call.start`, local time, and returns its id.
    fn add(&mut self, call: Call) -> i64 {
        let id = self.store.start_call("sim0", Some("+447700900123"), None).unwrap();
        if call.caller_spoke {
            let turn = NewTurn {
                speaker: Some(Speaker::Caller),
                text: "hello".into(),
                start_ms: 1_000,
                end_ms: 2_000,
                ..NewTurn::default()
            };
            self.store.add_turn(id, &turn).unwrap();
        }
        if call.outcome != CallOutcome::InProgress {
            self.store.finish_call(id, call.outcome, call.duration_ms).unwrap();
        }
        self.set_start(id, &self.stored(call.start));
        id
    }

    fn set_start(&self, id: i64, stored: &str) {
        self.conn
            .execute("UPDATE calls SET started_at = ?1 WHERE id = ?2", params![stored, id])
            .unwrap();
    }

    /// Formats `local` as the store writes times: RFC 3339 UTC text.
    fn stored(&self, local: PrimitiveDateTime) -> String {
        let utc = local.assume_offset(self.offset).to_offset(UtcOffset::UTC);
        utc.format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap()
    }

    fn intake(&self, id: i64, intake: IntakeRow) {
        self.store.save_intake(id, &intake).unwrap();
    }

    fn period(&self, days: u32) -> Period {
        Period::ending(date!(2026 - 12 - 04), days, self.offset)
    }
}

#[test]
fn outcomes_follow_the_missed_definition() {
    let mut calls = Calls::new(UtcOffset::UTC);
    let at = datetime!(2026-12-03 10:00);
    let cases = [
        (CallOutcome::Completed, true),
        (CallOutcome::Transferred, true),
        (CallOutcome::CallerHungUp, true),
        (CallOutcome::Silence, true),
        (CallOutcome::TimeLimit, true),
        // Missed: the caller never spoke, or the box failed or stopped.
        (CallOutcome::Silence, false),
        (CallOutcome::CallerHungUp, false),
        (CallOutcome::Failed, true),
        (CallOutcome::Interrupted, true),
        // Neither: still running.
        (CallOutcome::InProgress, false),
    ];
    for (outcome, caller_spoke) in cases {
        calls.add(Call {
            start: at,
            outcome,
            caller_spoke,
            duration_ms: 10_000,
        });
    }
    let stats = collect(&calls.conn, &calls.period(7)).unwrap();
    assert_eq!(stats.outcomes.total, 10);
    assert_eq!(stats.outcomes.answered, 5);
    assert_eq!(stats.outcomes.missed, 4);
    assert_eq!(stats.outcomes.in_progress, 1);
}

#[test]
fn deleted_transcript_falls_back_to_readings() {
    let mut calls = Calls::new(UtcOffset::UTC);
    let at = datetime!(2026-12-03 10:00);
    let spoke = calls.add(Call::answered(at));
    calls.store.add_reading(spoke, Some("question"), None, 300).unwrap();
    calls.add(Call {
        start: at,
        outcome: CallOutcome::Silence,
        caller_spoke: false,
        duration_ms: 8_000,
    });
    calls.store.delete_transcripts_ended_by("9999-12-31T00:00:00Z").unwrap();
    let stats = collect(&calls.conn, &calls.period(7)).unwrap();
    assert_eq!(stats.outcomes.answered, 1);
    assert_eq!(stats.outcomes.missed, 1);
}

#[test]
fn period_is_whole_local_days() {
    // One hour ahead of UTC: local midnight on 28 November is 23:00 UTC the day before.
    let mut calls = Calls::new(offset!(+1));
    let inside_first = calls.add(Call::answered(datetime!(2026-11-28 00:30)));
    let before = calls.add(Call::answered(datetime!(2026-11-27 23:59)));
    let inside_last = calls.add(Call::answered(datetime!(2026-12-04 23:59:59)));
    let after = calls.add(Call::answered(datetime!(2026-12-05 00:00)));
    assert_eq!(calls.stored(datetime!(2026-11-28 00:30)), "2026-11-27T23:30:00Z");
    let stats = collect(&calls.conn, &calls.period(7)).unwrap();
    assert_eq!(
        stats.outcomes.total, 2,
        "calls {inside_first} and {inside_last} only, not {before} or {after}"
    );
    assert_eq!(stats.per_day.len(), 7);
    assert_eq!(stats.per_day[0], (date!(2026 - 11 - 28), 1));
    assert_eq!(stats.per_day[6], (date!(2026 - 12 - 04), 1));
    assert_eq!(stats.per_day[1..6].iter().map(|(_, calls)| calls).sum::<u64>(), 0);
    assert_eq!(stats.per_hour[0], 1);
    assert_eq!(stats.per_hour[23], 1);
    assert_eq!(stats.per_hour.iter().sum::<u64>(), 2);
    let month = collect(&calls.conn, &calls.period(30)).unwrap();
    assert_eq!(month.outcomes.total, 3);
    assert_eq!(month.per_day[0].0, date!(2026 - 11 - 05));
}

#[test]
fn bookings_escalations_and_duration() {
    let mut calls = Calls::new(UtcOffset::UTC);
    let at = datetime!(2026-12-02 11:00);
    let booked = calls.add(Call {
        duration_ms: 120_000,
        ..Call::answered(at)
    });
    let cancelled = calls.add(Call {
        duration_ms: 90_000,
        ..Call::answered(at)
    });
    let escalated = calls.add(Call {
        duration_ms: 45_000,
        ..Call::answered(at)
    });
    calls.add(Call {
        start: at,
        outcome: CallOutcome::Silence,
        caller_spoke: false,
        duration_ms: 7_000,
    });
    let old = calls.add(Call::answered(datetime!(2026-10-01 11:00)));

    let schedule = Schedule {
        weekly: std::array::from_fn(|_| vec![Interval::hm(0, 0, 23, 59)]),
        ..Schedule::default()
    };
    let kind = AppointmentType {
        name: "Check-up".into(),
        duration_min: 30,
        buffer_min: 0,
        staff: Vec::new(),
    };
    let mut book = |call_id: Option<i64>, start: PrimitiveDateTime| {
        let request = NewBooking {
            schedule: &schedule,
            kind: &kind,
            staff: None,
            start,
            caller_name: "Ann".into(),
            caller_number: "+447700900123".into(),
            call_id,
            notes: String::new(),
        };
        standardiste_booking::book(&mut calls.conn, &request).unwrap().id
    };
    let first = book(Some(booked), datetime!(2026-12-07 09:00));
    let second = book(Some(cancelled), datetime!(2026-12-07 10:00));
    let from_old_call = book(Some(old), datetime!(2026-12-07 11:00));
    book(None, datetime!(2026-12-07 12:00));
    standardiste_booking::cancel_by_owner(&mut calls.conn, second).unwrap();
    calls.intake(
        booked,
        IntakeRow {
            booking_id: Some(first),
            ..IntakeRow::default()
        },
    );
    calls.intake(
        cancelled,
        IntakeRow {
            booking_id: Some(second),
            ..IntakeRow::default()
        },
    );
    calls.intake(
        old,
        IntakeRow {
            booking_id: Some(from_old_call),
            ..IntakeRow::default()
        },
    );
    calls.intake(
        escalated,
        IntakeRow {
            escalation: Some("emergency".into()),
            ..IntakeRow::default()
        },
    );
    calls.intake(
        cancelled,
        IntakeRow {
            booking_id: Some(second),
            escalation: Some("asked for a person".into()),
            ..IntakeRow::default()
        },
    );

    let stats = collect(&calls.conn, &calls.period(7)).unwrap();
    assert_eq!(stats.outcomes.total, 4);
    assert_eq!(stats.calls_with_booking, 2);
    assert_eq!(stats.bookings_made, 2);
    assert_eq!(stats.bookings_cancelled, 1);
    assert_eq!(stats.escalated, 2);
    assert_eq!(
        stats.escalations,
        vec![("asked for a person".to_string(), 1), ("emergency".to_string(), 1)]
    );
    // (120 + 90 + 45) / 3 seconds, because the silent call is missed and left out.
    assert_eq!(stats.average_answered_ms, Some(85_000));
    let quarter = collect(&calls.conn, &calls.period(90)).unwrap();
    assert_eq!(quarter.bookings_made, 3);
    assert_eq!(quarter.calls_with_booking, 3);
}

#[test]
fn topics_count_calls_not_turns() {
    let mut calls = Calls::new(UtcOffset::UTC);
    let at = datetime!(2026-12-04 09:00);
    let first = calls.add(Call::answered(at));
    let second = calls.add(Call::answered(at));
    let third = calls.add(Call::answered(at));
    let outside = calls.add(Call::answered(datetime!(2026-11-01 09:00)));
    let readings: [(i64, Option<&str>, Option<&str>); 10] = [
        (first, Some("question"), None),
        (first, Some("question"), None),
        (first, Some("book"), None),
        (first, Some("yes"), None),
        (second, Some("question"), None),
        (second, Some("goodbye"), None),
        (second, Some("emergency"), Some("invalid JSON")),
        (third, Some("book"), None),
        (third, None, Some("no intent")),
        (outside, Some("cancel"), None),
    ];
    for (call, intent, error) in readings {
        calls.store.add_reading(call, intent, error, 250).unwrap();
    }
    let stats = collect(&calls.conn, &calls.period(7)).unwrap();
    assert_eq!(stats.topics, vec![("book".to_string(), 2), ("question".to_string(), 2)]);
}

#[test]
fn reasons_group_by_folded_words() {
    let mut calls = Calls::new(UtcOffset::UTC);
    let reasons = [
        "Boiler leak",
        "boiler  leak!",
        "Toothache",
        "  ",
        "Réparation chaudière",
        "Boiler Leak",
    ];
    for (index, reason) in reasons.iter().enumerate() {
        let id = calls.add(Call::answered(
            datetime!(2026-12-01 09:00) + time::Duration::hours(index as i64),
        ));
        calls.intake(
            id,
            IntakeRow {
                reason: Some(reason.to_string()),
                ..IntakeRow::default()
            },
        );
    }
    calls.add(Call::answered(datetime!(2026-12-01 18:00)));
    let stats = collect(&calls.conn, &calls.period(7)).unwrap();
    assert_eq!(
        stats.reasons,
        vec![
            ("Boiler Leak".to_string(), 3),
            ("Réparation chaudière".to_string(), 1),
            ("Toothache".to_string(), 1),
        ]
    );
}

#[test]
fn languages_most_frequent_first() {
    let mut calls = Calls::new(UtcOffset::UTC);
    for language in [Some("fr"), Some("en"), Some("en"), None, Some("de")] {
        let id = calls.add(Call::answered(datetime!(2026-12-02 14:00)));
        if let Some(language) = language {
            calls.store.set_call_language(id, language).unwrap();
        }
    }
    let stats = collect(&calls.conn, &calls.period(7)).unwrap();
    let expected = vec![
        (Some("en".to_string()), 2),
        (Some("de".to_string()), 1),
        (Some("fr".to_string()), 1),
        (None, 1),
    ];
    assert_eq!(stats.languages, expected);
}

#[test]
fn open_callbacks_ignore_the_period() {
    let mut calls = Calls::new(UtcOffset::UTC);
    let message = calls.add(Call::answered(datetime!(2026-12-04 09:00)));
    let promised = calls.add(Call::answered(datetime!(2025-01-10 09:00)));
    let done = calls.add(Call::answered(datetime!(2026-12-03 09:00)));
    calls.add(Call::answered(datetime!(2026-12-03 10:00)));
    calls.intake(
        message,
        IntakeRow {
            message_taken: true,
            ..IntakeRow::default()
        },
    );
    calls.intake(
        promised,
        IntakeRow {
            callback_promised: true,
            ..IntakeRow::default()
        },
    );
    calls.intake(
        done,
        IntakeRow {
            message_taken: true,
            callback_promised: true,
            ..IntakeRow::default()
        },
    );
    calls
        .conn
        .execute(
            "UPDATE calls SET callback_done_at = '2026-12-03T12:00:00Z' WHERE id = ?1",
            [done],
        )
        .unwrap();
    let stats = collect(&calls.conn, &calls.period(7)).unwrap();
    assert_eq!(stats.open_callbacks, 2);
}

#[test]
fn after_hours_uses_hours_and_closures() {
    let profile =
        BusinessProfile::load(&std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/profile.toml"))
            .unwrap();
    let mut calls = Calls::new(offset!(+1));
    // The example profile: Friday 08:30-12:30 and 13:30-17:00, Saturday
    // 09:00-12:00, closed on Sunday and from 24 to 26 December.
    let starts = [
        (datetime!(2026-12-04 08:29), false),
        (datetime!(2026-12-04 08:30), true),
        (datetime!(2026-12-04 12:45), false),
        (datetime!(2026-12-04 16:59), true),
        (datetime!(2026-12-05 10:00), true),
        (datetime!(2026-12-06 10:00), false),
        (datetime!(2026-12-24 10:00), false),
        (datetime!(2026-12-23 10:00), true),
    ];
    for (start, _) in starts {
        calls.add(Call::answered(start));
    }
    let closed = starts.iter().filter(|(_, open)| !open).count() as u64;
    let period = Period::ending(date!(2026 - 12 - 26), 30, offset!(+1));
    assert_eq!(after_hours(&calls.conn, &period, &profile).unwrap(), closed);
    assert_eq!(closed, 4);
}

#[test]
fn empty_database_has_zero_figures() {
    let calls = Calls::new(UtcOffset::UTC);
    let stats = collect(&calls.conn, &calls.period(90)).unwrap();
    assert_eq!(stats.outcomes.total, 0);
    assert_eq!(stats.average_answered_ms, None);
    assert_eq!(stats.per_day.len(), 90);
    assert!(stats.per_day.iter().all(|(_, calls)| *calls == 0));
    assert_eq!(stats.per_hour, [0; 24]);
    assert!(stats.topics.is_empty());
    assert!(stats.reasons.is_empty());
    assert!(stats.languages.is_empty());
    assert_eq!(stats.open_callbacks, 0);
}
