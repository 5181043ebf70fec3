//! Schedules, appointment types and databases shared by the tests.
//! Dates: 2026-12-07 is a Monday.

#![allow(dead_code)]

use std::path::Path;

use rusqlite::Connection;
use standardiste_booking::{
    configure_connection, AppointmentType, Booking, Interval, NewBooking, Schedule, Status,
    MIGRATIONS,
};
use time::macros::datetime;
use time::PrimitiveDateTime;

pub const MONDAY: time::Date = time::macros::date!(2026 - 12 - 07);

/// Monday to Friday 09:00-12:00 and 14:00-18:00, Saturday 09:00-12:00, closed Sunday.
pub fn clinic_hours() -> Schedule {
    let weekday = vec![Interval::hm(9, 0, 12, 0), Interval::hm(14, 0, 18, 0)];
    Schedule {
        weekly: [
            weekday.clone(),
            weekday.clone(),
            weekday.clone(),
            weekday.clone(),
            weekday,
            vec![Interval::hm(9, 0, 12, 0)],
            vec![],
        ],
        ..Schedule::default()
    }
}

/// Open every day from midnight to midnight.
pub fn always_open() -> Schedule {
    Schedule {
        weekly: std::array::from_fn(|_| vec![Interval::hm(0, 0, 24, 0)]),
        ..Schedule::default()
    }
}

pub fn kind(duration_min: u16, buffer_min: u16, staff: &[&str]) -> AppointmentType {
    AppointmentType {
        name: "Consultation".to_owned(),
        duration_min,
        buffer_min,
        staff: staff.iter().map(|name| (*name).to_owned()).collect(),
    }
}

/// Builds a booked appointment for the in-memory slot search.
pub fn existing(
    id: i64,
    staff: Option<&str>,
    start: PrimitiveDateTime,
    duration_min: i64,
    buffer_min: u16,
) -> Booking {
    Booking {
        id,
        appointment: "Consultation".to_owned(),
        staff: staff.map(str::to_owned),
        start,
        end: start + time::Duration::minutes(duration_min),
        buffer_min,
        caller_name: "Someone".to_owned(),
        caller_number: "0600000000".to_owned(),
        call_id: None,
        status: Status::Booked,
        created_at: datetime!(2026-12-01 08:00 UTC),
        updated_at: datetime!(2026-12-01 08:00 UTC),
        sequence: 0,
        notes: String::new(),
    }
}

/// Opens `path` and applies every migration in order, as the application's store does.
pub fn open_db(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open the test database");
    configure_connection(&conn).expect("set the busy timeout");
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .expect("read user_version");
    for (index, step) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        conn.execute_batch(step).expect("apply a migration");
        conn.pragma_update(None, "user_version", index as i64 + 1)
            .expect("record the version");
    }
    conn
}

/// Creates a temporary directory with a migrated `book.db`.
pub fn temp_db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let conn = open_db(&dir.path().join("book.db"));
    (dir, conn)
}

pub fn request<'a>(
    schedule: &'a Schedule,
    kind: &'a AppointmentType,
    start: PrimitiveDateTime,
    caller_number: &str,
) -> NewBooking<'a> {
    NewBooking {
        schedule,
        kind,
        staff: None,
        start,
        caller_name: "Jeanne Martin".to_owned(),
        caller_number: caller_number.to_owned(),
        call_id: Some(42),
        notes: String::new(),
    }
}

pub fn count_rows(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM bookings", [], |row| row.get(0))
        .expect("count bookings")
}

pub fn starts(slots: &[standardiste_booking::Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|slot| {
            format!(
                "{} {:02}:{:02}",
                slot.start.date(),
                slot.start.hour(),
                slot.start.minute()
            )
        })
        .collect()
}

pub fn clocks(slots: &[standardiste_booking::Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|slot| format!("{:02}:{:02}", slot.start.hour(), slot.start.minute()))
        .collect()
}
