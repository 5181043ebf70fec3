//! The appointment book of the business (a clinic, a plumber): which times
//! are free, booking them without double booking, cancelling and moving by
//! the caller, and an iCalendar feed for the owner's calendar.
//!
//! All appointment times are the business's local wall-clock time
//! ([`time::PrimitiveDateTime`], no time zone). Bookings live in SQLite tables
//! that this crate defines in [`MIGRATIONS`]. Every connection passed to the
//! functions here should first go through [`configure_connection`], which sets
//! the busy timeout that lets concurrent writers wait for each other.

mod availability;
mod booking;
mod caller;
mod error;
mod ical;
mod queries;
mod rows;
mod rules;
mod schedule;
mod schema;
mod writes;

pub use availability::{free_slots, free_slots_on};
pub use booking::{Booking, NewBooking, Status};
pub use caller::{caller_key, CALLER_KEY_DIGITS, MIN_CALLER_DIGITS};
pub use error::BookingError;
pub use ical::{escape_text, ical_feed, ical_feed_with_timezone, MAX_LINE_OCTETS};
pub use queries::{busy, find_by_id, find_for_caller, find_free_slots, find_free_slots_on, list};
pub use schedule::{
    AppointmentType, Interval, Schedule, Slot, DEFAULT_SLOT_STEP_MIN, MINUTES_PER_DAY,
};
pub use schema::{configure_connection, BUSY_TIMEOUT, MIGRATIONS};
pub use writes::{book, cancel, cancel_by_owner, reschedule, reschedule_by_owner};
