//! Conversion between `bookings` rows and [`Booking`] values.

use rusqlite::{Connection, Params, Row};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::booking::{Booking, Status};
use crate::error::BookingError;

/// Columns read by [`query_bookings`], in the order [`RawBooking::read`] expects.
pub(crate) const COLUMNS: &str = "id, appointment, staff, start_at, end_at, buffer_min, \
     caller_name, caller_number, call_id, status, created_at, updated_at, sequence, notes";

/// Stored time format. It sorts in time order and matches SQLite's `datetime()`.
const STORED_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

/// Formats a local wall-clock time for a `start_at` or `end_at` column.
pub(crate) fn format_local(at: PrimitiveDateTime) -> String {
    at.format(STORED_FORMAT)
        .unwrap_or_else(|_| format!("{} {}", at.date(), at.time()))
}

/// Latest time the stored text format can hold.
const LAST_STORED: &str = "9999-12-31 23:59:59";

/// Formats `at` like [`format_local`], or the latest storable time for
/// `None`, which stands for a sum past the last date `time` supports.
pub(crate) fn format_local_or_last(at: Option<PrimitiveDateTime>) -> String {
    at.map_or_else(|| LAST_STORED.to_owned(), format_local)
}

/// Formats an instant, converted to UTC, for a `created_at` or `updated_at` column.
pub(crate) fn format_utc(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    format_local(PrimitiveDateTime::new(utc.date(), utc.time()))
}

/// Returns the current UTC time, cut to whole seconds like the stored text.
pub(crate) fn now_utc() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

fn parse_stored(id: i64, column: &str, text: &str) -> Result<PrimitiveDateTime, BookingError> {
    PrimitiveDateTime::parse(text, STORED_FORMAT).map_err(|error| BookingError::Corrupt {
        id,
        reason: format!("{column} {text:?} is not a YYYY-MM-DD HH:MM:SS time: {error}"),
    })
}

/// A `bookings` row as stored, before its text is checked.
struct RawBooking {
    id: i64,
    appointment: String,
    staff: Option<String>,
    start_at: String,
    end_at: String,
    buffer_min: i64,
    caller_name: String,
    caller_number: String,
    call_id: Option<i64>,
    status: String,
    created_at: String,
    updated_at: String,
    sequence: i64,
    notes: String,
}

impl RawBooking {
    fn read(row: &Row<'_>) -> rusqlite::Result<RawBooking> {
        Ok(RawBooking {
            id: row.get(0)?,
            appointment: row.get(1)?,
            staff: row.get(2)?,
            start_at: row.get(3)?,
            end_at: row.get(4)?,
            buffer_min: row.get(5)?,
            caller_name: row.get(6)?,
            caller_number: row.get(7)?,
            call_id: row.get(8)?,
            status: row.get(9)?,
            created_at: row.get(10)?,
            updated_at: row.get(11)?,
            sequence: row.get(12)?,
            notes: row.get(13)?,
        })
    }

    fn into_booking(self) -> Result<Booking, BookingError> {
        let id = self.id;
        let corrupt = |reason: String| BookingError::Corrupt { id, reason };
        let status = Status::parse(&self.status).ok_or_else(|| {
            corrupt(format!(
                "status {:?} is not booked or cancelled",
                self.status
            ))
        })?;
        let buffer_min = u16::try_from(self.buffer_min).map_err(|_| {
            corrupt(format!(
                "buffer_min {} is outside 0..=65535",
                self.buffer_min
            ))
        })?;
        let sequence = u32::try_from(self.sequence).map_err(|_| {
            corrupt(format!(
                "sequence {} is negative or too large",
                self.sequence
            ))
        })?;
        Ok(Booking {
            id,
            appointment: self.appointment,
            staff: self.staff,
            start: parse_stored(id, "start_at", &self.start_at)?,
            end: parse_stored(id, "end_at", &self.end_at)?,
            buffer_min,
            caller_name: self.caller_name,
            caller_number: self.caller_number,
            call_id: self.call_id,
            status,
            created_at: parse_stored(id, "created_at", &self.created_at)?.assume_utc(),
            updated_at: parse_stored(id, "updated_at", &self.updated_at)?.assume_utc(),
            sequence,
            notes: self.notes,
        })
    }
}

/// Runs `SELECT COLUMNS FROM bookings <clause>` and returns the rows as bookings.
pub(crate) fn query_bookings<P: Params>(
    conn: &Connection,
    clause: &str,
    params: P,
) -> Result<Vec<Booking>, BookingError> {
    let sql = format!("SELECT {COLUMNS} FROM bookings {clause}");
    let mut statement = conn.prepare_cached(&sql)?;
    let raw_rows = statement
        .query_map(params, RawBooking::read)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw_rows.into_iter().map(RawBooking::into_booking).collect()
}
