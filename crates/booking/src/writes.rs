//! Changes to the appointment book: book, cancel, move.
//!
//! Each change runs in a `BEGIN IMMEDIATE` transaction, which takes the
//! database write lock before reading. Two connections booking the same time
//! therefore run one after the other: the second waits (up to the busy timeout
//! set by [`crate::configure_connection`]), then reads the first booking and
//! returns [`BookingError::Taken`].

use rusqlite::{params, Connection, Transaction, TransactionBehavior};
use time::PrimitiveDateTime;

use crate::booking::{Booking, NewBooking, Status};
use crate::caller::{caller_key, mask_number};
use crate::error::BookingError;
use crate::queries::busy_until;
use crate::rows::{format_local, format_utc, now_utc, query_bookings};
use crate::rules::{check_fits_schedule, collides, date_clock, plus_minutes};
use crate::schedule::Schedule;

/// Books `request.kind` at `request.start` for the first free staff member
/// (or the requested one) and returns the stored booking.
///
/// Inside the transaction it checks the opening hours, exception days and
/// blocked periods ([`BookingError::Invalid`]) and the booked appointments
/// of the same staff member with both buffers ([`BookingError::Taken`]). The
/// start need not lie on the slot grid. It is not compared with the clock,
/// so the caller decides whether past times are allowed.
pub fn book(conn: &mut Connection, request: &NewBooking<'_>) -> Result<Booking, BookingError> {
    let kind = request.kind;
    let start = whole_seconds(request.start);
    let (start, end) = appointment_times(start, u32::from(kind.duration_min), &kind.name)?;
    let candidates = staff_candidates(request)?;
    check_fits_schedule(request.schedule, start, end).map_err(BookingError::Invalid)?;

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let nearby = bookings_near(&tx, start, end, kind.buffer_min)?;
    let free_staff = candidates.into_iter().find(|staff| {
        !nearby
            .iter()
            .any(|booking| collides(start, end, kind.buffer_min, staff.as_deref(), booking))
    });
    let Some(staff) = free_staff else {
        tracing::debug!(appointment = %kind.name, start = %date_clock(start), "requested time already taken");
        return Err(BookingError::Taken);
    };

    let now = format_utc(now_utc());
    let inserted = tx.execute(
        "INSERT INTO bookings (appointment, staff, start_at, end_at, buffer_min, caller_name,
             caller_number, caller_key, call_id, status, created_at, updated_at, sequence, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'booked', ?10, ?10, 0, ?11)",
        params![
            kind.name,
            staff,
            format_local(start),
            format_local(end),
            kind.buffer_min,
            request.caller_name,
            request.caller_number,
            caller_key(&request.caller_number),
            request.call_id,
            now,
            request.notes,
        ],
    );
    inserted.map_err(taken_on_conflict)?;
    let booking = load(&tx, tx.last_insert_rowid(), None)?;
    tx.commit()?;
    tracing::info!(
        booking_id = booking.id,
        appointment = %booking.appointment,
        staff = booking.staff.as_deref().unwrap_or("-"),
        start = %date_clock(booking.start),
        caller = %mask_number(&booking.caller_number),
        call_id = booking.call_id,
        "booked appointment"
    );
    Ok(booking)
}

/// Cancels booking `id` if it belongs to the caller with `caller_number`
/// (same [`caller_key`]) and returns it. Returns [`BookingError::NotFound`]
/// both when the id does not exist and when it belongs to someone else, so a
/// caller cannot probe other people's bookings. Cancelling a cancelled
/// booking returns it unchanged, so a retry after a lost reply succeeds.
pub fn cancel(
    conn: &mut Connection,
    id: i64,
    caller_number: &str,
) -> Result<Booking, BookingError> {
    set_cancelled(conn, id, Some(caller_number))
}

/// Cancels booking `id` regardless of the caller, for the owner's console.
/// Otherwise works as [`cancel`].
pub fn cancel_by_owner(conn: &mut Connection, id: i64) -> Result<Booking, BookingError> {
    set_cancelled(conn, id, None)
}

/// Moves booking `id` of the caller with `caller_number` to `new_start`,
/// keeping its duration, buffer and staff member, and returns it. Owner
/// checks and errors are those of [`cancel`] and the time checks those of
/// [`book`]. The move is one transaction, so on any error the booking keeps
/// its old time. A cancelled booking cannot be moved ([`BookingError::Invalid`]).
pub fn reschedule(
    conn: &mut Connection,
    schedule: &Schedule,
    id: i64,
    caller_number: &str,
    new_start: PrimitiveDateTime,
) -> Result<Booking, BookingError> {
    move_booking(conn, schedule, id, Some(caller_number), new_start)
}

/// Moves booking `id` regardless of the caller, for the owner's console.
/// Otherwise works as [`reschedule`].
pub fn reschedule_by_owner(
    conn: &mut Connection,
    schedule: &Schedule,
    id: i64,
    new_start: PrimitiveDateTime,
) -> Result<Booking, BookingError> {
    move_booking(conn, schedule, id, None, new_start)
}

fn set_cancelled(
    conn: &mut Connection,
    id: i64,
    caller_number: Option<&str>,
) -> Result<Booking, BookingError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let booking = load(&tx, id, caller_number)?;
    if booking.status == Status::Cancelled {
        return Ok(booking);
    }
    tx.execute(
        "UPDATE bookings SET status = 'cancelled', updated_at = ?1, sequence = sequence + 1
         WHERE id = ?2",
        params![format_utc(now_utc()), id],
    )?;
    let booking = load(&tx, id, None)?;
    tx.commit()?;
    tracing::info!(
        booking_id = id,
        by_owner = caller_number.is_none(),
        start = %date_clock(booking.start),
        "cancelled appointment"
    );
    Ok(booking)
}

fn move_booking(
    conn: &mut Connection,
    schedule: &Schedule,
    id: i64,
    caller_number: Option<&str>,
    new_start: PrimitiveDateTime,
) -> Result<Booking, BookingError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let old = load(&tx, id, caller_number)?;
    if old.status == Status::Cancelled {
        return Err(BookingError::Invalid(format!(
            "booking {id} is cancelled and cannot be moved; book a new appointment instead"
        )));
    }
    let duration_min = u32::try_from((old.end - old.start).whole_minutes()).unwrap_or(0);
    let (start, end) = appointment_times(whole_seconds(new_start), duration_min, &old.appointment)?;
    check_fits_schedule(schedule, start, end).map_err(BookingError::Invalid)?;

    let nearby = bookings_near(&tx, start, end, old.buffer_min)?;
    let blocked_by_other = nearby.iter().any(|booking| {
        booking.id != id && collides(start, end, old.buffer_min, old.staff.as_deref(), booking)
    });
    if blocked_by_other {
        tracing::debug!(booking_id = id, start = %date_clock(start), "move target already taken");
        return Err(BookingError::Taken);
    }
    let updated = tx.execute(
        "UPDATE bookings SET start_at = ?1, end_at = ?2, updated_at = ?3, sequence = sequence + 1
         WHERE id = ?4",
        params![
            format_local(start),
            format_local(end),
            format_utc(now_utc()),
            id
        ],
    );
    updated.map_err(taken_on_conflict)?;
    let booking = load(&tx, id, None)?;
    tx.commit()?;
    tracing::info!(
        booking_id = id,
        by_owner = caller_number.is_none(),
        from = %date_clock(old.start),
        to = %date_clock(booking.start),
        "moved appointment"
    );
    Ok(booking)
}

/// Drops fractions of a second, which the stored format does not keep.
fn whole_seconds(at: PrimitiveDateTime) -> PrimitiveDateTime {
    at.replace_nanosecond(0).unwrap_or(at)
}

/// Returns `(start, start + duration_min)` after checking that the duration is
/// positive and the times fit the stored format (years 1 to 9998).
fn appointment_times(
    start: PrimitiveDateTime,
    duration_min: u32,
    appointment: &str,
) -> Result<(PrimitiveDateTime, PrimitiveDateTime), BookingError> {
    if duration_min == 0 {
        return Err(BookingError::Invalid(format!(
            "appointment type {appointment:?} lasts 0 minutes; set its duration_min above 0"
        )));
    }
    if !(1..=9998).contains(&start.year()) {
        return Err(BookingError::Invalid(format!(
            "start {} has year {}, outside the supported 1 to 9998",
            date_clock(start),
            start.year()
        )));
    }
    match plus_minutes(start, duration_min) {
        Some(end) => Ok((start, end)),
        None => Err(BookingError::Invalid(format!(
            "start {} plus {duration_min} minutes is past the last supported date",
            date_clock(start)
        ))),
    }
}

/// Returns the staff values to try, in order: the requested member, every
/// member of the type, or `None` for a type without staff.
fn staff_candidates(request: &NewBooking<'_>) -> Result<Vec<Option<String>>, BookingError> {
    let kind = request.kind;
    match &request.staff {
        None if kind.staff.is_empty() => Ok(vec![None]),
        None => Ok(kind.staff.iter().cloned().map(Some).collect()),
        Some(name) if kind.staff.iter().any(|member| member == name) && !name.is_empty() => {
            Ok(vec![Some(name.clone())])
        }
        Some(name) if kind.staff.is_empty() => Err(BookingError::Invalid(format!(
            "staff {name:?} was requested but appointment type {:?} has no staff list; request no staff",
            kind.name
        ))),
        Some(name) => Err(BookingError::Invalid(format!(
            "staff {name:?} does not take appointment type {:?}; choose one of {:?}",
            kind.name, kind.staff
        ))),
    }
}

/// Returns the booked appointments of any staff member whose time plus buffer
/// overlaps `[start, end + buffer_min)`.
fn bookings_near(
    tx: &Transaction<'_>,
    start: PrimitiveDateTime,
    end: PrimitiveDateTime,
    buffer_min: u16,
) -> Result<Vec<Booking>, BookingError> {
    busy_until(tx, start, plus_minutes(end, u32::from(buffer_min)))
}

/// Reads booking `id`, owned by the caller with `caller_number` when given.
fn load(conn: &Connection, id: i64, caller_number: Option<&str>) -> Result<Booking, BookingError> {
    let rows = match caller_number {
        None => query_bookings(conn, "WHERE id = ?1", params![id])?,
        Some(number) => match caller_key(number) {
            None => Vec::new(),
            Some(key) => {
                query_bookings(conn, "WHERE id = ?1 AND caller_key = ?2", params![id, key])?
            }
        },
    };
    rows.into_iter().next().ok_or(BookingError::NotFound(id))
}

/// Maps a unique-index violation, a second booked row with the same staff and
/// start, to [`BookingError::Taken`].
fn taken_on_conflict(error: rusqlite::Error) -> BookingError {
    match &error {
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            BookingError::Taken
        }
        _ => BookingError::from(error),
    }
}
