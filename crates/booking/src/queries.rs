//! Read-only look-ups of the appointment book.

use rusqlite::{params, Connection};
use time::{Date, PrimitiveDateTime, Time};

use crate::availability::{free_slots, free_slots_on};
use crate::booking::Booking;
use crate::caller::caller_key;
use crate::error::BookingError;
use crate::rows::{format_local, format_local_or_last, query_bookings};
use crate::rules::plus_minutes;
use crate::schedule::{AppointmentType, Schedule, Slot, MINUTES_PER_DAY};

/// Returns every booking, booked or cancelled, whose time overlaps
/// `[from, to)`, ordered by start. For the owner's console and the calendar feed.
pub fn list(
    conn: &Connection,
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
) -> Result<Vec<Booking>, BookingError> {
    query_bookings(
        conn,
        "WHERE start_at < ?1 AND end_at > ?2 ORDER BY start_at, id",
        params![format_local(to), format_local(from)],
    )
}

/// Returns booking `id`, booked or cancelled, or `None` when no booking has
/// that id. For the owner's console, which may see every booking.
pub fn find_by_id(conn: &Connection, id: i64) -> Result<Option<Booking>, BookingError> {
    let rows = query_bookings(conn, "WHERE id = ?1", params![id])?;
    Ok(rows.into_iter().next())
}

/// Returns the booked appointments whose time or following buffer overlaps
/// `[from, to)`, ordered by start: the `busy` input of [`free_slots`]. To
/// respect the buffer of a new appointment that ends near `to`, extend `to`
/// by that buffer, as [`find_free_slots`] does.
pub fn busy(
    conn: &Connection,
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
) -> Result<Vec<Booking>, BookingError> {
    busy_until(conn, from, Some(to))
}

/// Returns the booked appointments of the caller with `number` that start
/// at or after `from`, ordered by start. Numbers match by [`caller_key`]: the
/// last 9 digits, so `+33 6 12 34 56 78` finds a booking made as
/// `06 12 34 56 78`. A number with fewer than 6 digits finds nothing.
pub fn find_for_caller(
    conn: &Connection,
    number: &str,
    from: PrimitiveDateTime,
) -> Result<Vec<Booking>, BookingError> {
    let Some(key) = caller_key(number) else {
        return Ok(Vec::new());
    };
    query_bookings(
        conn,
        "WHERE status = 'booked' AND caller_key = ?1 AND start_at >= ?2 ORDER BY start_at, id",
        params![key, format_local(from)],
    )
}

/// Reads the bookings that matter for a search of `horizon_days` dates from
/// `after` and returns up to `limit` free slots, as [`free_slots`] does.
pub fn find_free_slots(
    conn: &Connection,
    schedule: &Schedule,
    kind: &AppointmentType,
    after: PrimitiveDateTime,
    limit: usize,
    horizon_days: u16,
) -> Result<Vec<Slot>, BookingError> {
    let from = PrimitiveDateTime::new(after.date(), Time::MIDNIGHT);
    let window_min =
        u32::from(horizon_days) * u32::from(MINUTES_PER_DAY) + u32::from(kind.buffer_min);
    let to = plus_minutes(from, window_min);
    let bookings = busy_until(conn, from, to)?;
    Ok(free_slots(
        schedule,
        kind,
        &bookings,
        after,
        limit,
        horizon_days,
    ))
}

/// Reads the bookings that matter for `date` and returns its free slots
/// starting at or after `after`, as [`free_slots_on`] does.
pub fn find_free_slots_on(
    conn: &Connection,
    schedule: &Schedule,
    kind: &AppointmentType,
    date: Date,
    after: PrimitiveDateTime,
) -> Result<Vec<Slot>, BookingError> {
    let from = PrimitiveDateTime::new(date, Time::MIDNIGHT);
    let to = plus_minutes(
        from,
        u32::from(MINUTES_PER_DAY) + u32::from(kind.buffer_min),
    );
    let bookings = busy_until(conn, from, to)?;
    Ok(free_slots_on(schedule, kind, &bookings, date, after))
}

/// Returns what [`busy`] returns, with `to = None` meaning no end (a window
/// end past the last date `time` supports).
pub(crate) fn busy_until(
    conn: &Connection,
    from: PrimitiveDateTime,
    to: Option<PrimitiveDateTime>,
) -> Result<Vec<Booking>, BookingError> {
    query_bookings(
        conn,
        "WHERE status = 'booked' AND start_at < ?1
           AND datetime(end_at, '+' || buffer_min || ' minutes') > ?2
         ORDER BY start_at, id",
        params![format_local_or_last(to), format_local(from)],
    )
}
