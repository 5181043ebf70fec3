//! Errors of the booking functions.

use rusqlite::ErrorCode;

/// Failure of a booking, a cancellation or a move.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// Another booking occupies the time (or its buffer) for that staff
    /// member, or for every staff member when none was requested.
    #[error("the requested time is already taken; offer the caller another free slot")]
    Taken,
    /// The request breaks the schedule or the appointment type. The message
    /// names the value and the rule.
    #[error("invalid booking: {0}")]
    Invalid(String),
    /// No booking with that id belongs to that caller. The same error is
    /// returned whether the id does not exist or belongs to another caller.
    #[error("booking {0} not found for this caller; list the caller's bookings to get a valid id")]
    NotFound(i64),
    /// Another connection held the database write lock for longer than
    /// the busy timeout.
    #[error("the booking database stayed locked by another writer for more than the busy timeout; retry")]
    Busy(#[source] rusqlite::Error),
    /// A stored row could not be read as a booking.
    #[error("booking {id} in the database is unreadable: {reason}")]
    Corrupt { id: i64, reason: String },
    #[error("booking database error: {0}")]
    Database(rusqlite::Error),
}

impl From<rusqlite::Error> for BookingError {
    fn from(error: rusqlite::Error) -> BookingError {
        if error.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
            || error.sqlite_error_code() == Some(ErrorCode::DatabaseLocked)
        {
            BookingError::Busy(error)
        } else {
            BookingError::Database(error)
        }
    }
}
