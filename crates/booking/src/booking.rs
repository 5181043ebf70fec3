//! A stored appointment and the request that creates one.

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::schedule::{AppointmentType, Schedule};

/// State of a booking: booked, or cancelled and no longer blocking its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Booked,
    Cancelled,
}

impl Status {
    /// Value stored in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Cancelled => "cancelled",
        }
    }

    /// Parses a `status` column value.
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "booked" => Some(Status::Booked),
            "cancelled" => Some(Status::Cancelled),
            _ => None,
        }
    }
}

/// An appointment in the book, booked or cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: i64,
    /// Name of the [`AppointmentType`] at booking time.
    pub appointment: String,
    /// Staff member assigned to the appointment, or `None` for the business itself.
    pub staff: Option<String>,
    /// Local wall-clock start.
    pub start: PrimitiveDateTime,
    /// Local wall-clock end, without the buffer.
    pub end: PrimitiveDateTime,
    /// Minutes kept free after `end`, copied from the appointment type at
    /// booking time so that a later change of the type leaves this booking as it was.
    pub buffer_min: u16,
    pub caller_name: String,
    /// Number as given by the caller or the caller ID, kept as written.
    pub caller_number: String,
    /// Id of the call that made the booking, when a call did.
    pub call_id: Option<i64>,
    pub status: Status,
    pub created_at: OffsetDateTime,
    /// Time of the last change (booking, move or cancellation), in UTC.
    pub updated_at: OffsetDateTime,
    /// Number of moves and cancellations so far, written as the iCalendar
    /// `SEQUENCE` property that calendar clients compare to find the newer version.
    pub sequence: u32,
    pub notes: String,
}

/// A request for [`crate::book`]: who wants which appointment when, and the
/// rules it is checked against.
#[derive(Debug, Clone)]
pub struct NewBooking<'a> {
    pub schedule: &'a Schedule,
    pub kind: &'a AppointmentType,
    /// Staff member requested. `None` with a staff list takes the first free
    /// member in list order. Must be `None` when the type has no staff list.
    pub staff: Option<String>,
    /// Local wall-clock start. Fractions of a second are dropped.
    pub start: PrimitiveDateTime,
    pub caller_name: String,
    pub caller_number: String,
    pub call_id: Option<i64>,
    pub notes: String,
}
