//! The appointment book: `bookings.csv`, `bookings.json` and `bookings.ics`.
//! The iCalendar file is [`standardiste_booking::ical_feed`]'s document, the
//! same one `standardiste bookings --ical` writes.
//!
//! Appointment times are the business's local wall-clock time, written
//! without an offset. `created_at` and `updated_at` are UTC.

use std::io::Write;

use serde::Serialize;
use standardiste_booking::Booking;
use time::macros::{datetime, format_description};
use time::{OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::csv::{CsvWriter, Field};
use super::json::{DocumentHeader, JsonDocument};
use super::{write_error, ExportError, Source};
use crate::staged_file::StagedFile;

/// A booking as exported.
#[derive(Debug, Serialize)]
struct BookingRecord {
    id: i64,
    appointment: String,
    staff: Option<String>,
    /// Local start, `YYYY-MM-DDTHH:MM:SS`.
    start: String,
    /// Local end without the buffer, `YYYY-MM-DDTHH:MM:SS`.
    end: String,
    buffer_min: u16,
    /// `booked` or `cancelled`.
    status: &'static str,
    caller_name: String,
    caller_number: String,
    call_id: Option<i64>,
    notes: String,
    /// RFC 3339 UTC.
    created_at: String,
    /// RFC 3339 UTC.
    updated_at: String,
    /// Moves and cancellations so far.
    sequence: u32,
}

const CSV_HEADER: [&str; 14] = [
    "id",
    "appointment",
    "staff",
    "start",
    "end",
    "buffer_min",
    "status",
    "caller_name",
    "caller_number",
    "call_id",
    "notes",
    "created_at",
    "updated_at",
    "sequence",
];

fn local_text(at: PrimitiveDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    at.format(&format).unwrap_or_else(|_| at.to_string())
}

fn utc_text(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let utc = at.to_offset(UtcOffset::UTC);
    utc.format(&format).unwrap_or_else(|_| utc.to_string())
}

impl From<&Booking> for BookingRecord {
    fn from(booking: &Booking) -> BookingRecord {
        BookingRecord {
            id: booking.id,
            appointment: booking.appointment.clone(),
            staff: booking.staff.clone(),
            start: local_text(booking.start),
            end: local_text(booking.end),
            buffer_min: booking.buffer_min,
            status: booking.status.as_str(),
            caller_name: booking.caller_name.clone(),
            caller_number: booking.caller_number.clone(),
            call_id: booking.call_id,
            notes: booking.notes.clone(),
            created_at: utc_text(booking.created_at),
            updated_at: utc_text(booking.updated_at),
            sequence: booking.sequence,
        }
    }
}

impl BookingRecord {
    fn csv_fields(&self) -> Vec<Field<'_>> {
        vec![
            Field::integer(Some(self.id)),
            Field::Text(Some(&self.appointment)),
            Field::Text(self.staff.as_deref()),
            // A space instead of the `T`, which spreadsheets read as a date and time.
            Field::Plain(self.start.replacen('T', " ", 1)),
            Field::Plain(self.end.replacen('T', " ", 1)),
            Field::integer(Some(i64::from(self.buffer_min))),
            Field::Plain(self.status.to_string()),
            Field::Text(Some(&self.caller_name)),
            Field::Text(Some(&self.caller_number)),
            Field::integer(self.call_id),
            Field::Text(Some(&self.notes)),
            Field::Plain(self.created_at.clone()),
            Field::Plain(self.updated_at.clone()),
            Field::integer(Some(i64::from(self.sequence))),
        ]
    }
}

/// Reads the bookings, booked and cancelled, whose appointment ends after
/// the start of the export's date (every booking without a date), ordered by
/// start. A database without the `bookings` table has none.
pub(super) fn read(source: &Source<'_>) -> Result<Vec<Booking>, ExportError> {
    let conn = &source.store.conn;
    let has_table: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bookings')",
            [],
            |row| row.get(0),
        )
        .map_err(|error| source.read_error("bookings", error))?;
    if !has_table {
        return Ok(Vec::new());
    }
    let from = match source.since_date {
        Some(date) => PrimitiveDateTime::new(date, Time::MIDNIGHT),
        None => datetime!(0001-01-01 00:00),
    };
    standardiste_booking::list(conn, from, datetime!(9999-12-31 23:59:59)).map_err(|error| ExportError::Bookings {
        path: source.path.to_path_buf(),
        source: error,
    })
}

/// Writes `bookings.csv` and returns its record count.
pub(super) fn write_csv(bookings: &[Booking], file: &mut StagedFile) -> Result<u64, ExportError> {
    let path = file.target().to_path_buf();
    let out = file.writer().map_err(write_error(&path))?;
    let mut csv = CsvWriter::new(out, &CSV_HEADER).map_err(write_error(&path))?;
    for booking in bookings {
        csv.record(&BookingRecord::from(booking).csv_fields())
            .map_err(write_error(&path))?;
    }
    Ok(csv.records())
}

/// Writes `bookings.json` and returns the number of bookings in it.
pub(super) fn write_json(
    bookings: &[Booking],
    file: &mut StagedFile,
    header: &DocumentHeader<'_>,
) -> Result<u64, ExportError> {
    let path = file.target().to_path_buf();
    let out = file.writer().map_err(write_error(&path))?;
    let mut document = JsonDocument::begin(out, header).map_err(write_error(&path))?;
    for booking in bookings {
        document.item(&BookingRecord::from(booking)).map_err(write_error(&path))?;
    }
    document.end().map_err(write_error(&path))?;
    Ok(document.items())
}

/// Writes `bookings.ics` and returns the number of events in it.
pub(super) fn write_ical(
    bookings: &[Booking],
    calendar_name: &str,
    file: &mut StagedFile,
) -> Result<u64, ExportError> {
    let path = file.target().to_path_buf();
    let feed = standardiste_booking::ical_feed(bookings, calendar_name, OffsetDateTime::now_utc());
    file.writer()
        .and_then(|out| out.write_all(feed.as_bytes()))
        .map_err(write_error(&path))?;
    Ok(bookings.len() as u64)
}
