//! The dialogue's appointment book: the business's schedule and
//! appointment types over the SQLite bookings table.

use std::path::Path;

use rusqlite::Connection;
use standardiste_booking as booking;
use time::PrimitiveDateTime;

use super::dialogue::{Appointment, BookError, Desk, Offer};

/// How far ahead the box looks for free slots.
const HORIZON_DAYS: u16 = 42;

/// An appointment type with the other words callers use for it.
#[derive(Debug, Clone)]
pub struct Service {
    pub kind: booking::AppointmentType,
    /// Other lowercase names callers use for it ("check-up", "contrôle").
    pub aliases: Vec<String>,
}

/// The appointment book of one call.
pub struct BookDesk {
    conn: Connection,
    schedule: booking::Schedule,
    services: Vec<Service>,
    call_id: Option<i64>,
}

impl BookDesk {
    /// Opens the bookings in the database at `path`. The schema must be
    /// current, so open the database with [`crate::store::Store::open`] first.
    pub fn open(
        path: &Path,
        schedule: booking::Schedule,
        services: Vec<Service>,
        call_id: Option<i64>,
    ) -> Result<BookDesk, booking::BookingError> {
        let conn = Connection::open(path)?;
        booking::configure_connection(&conn)?;
        Ok(BookDesk {
            conn,
            schedule,
            services,
            call_id,
        })
    }

    fn kind(&self, name: &str) -> Option<&booking::AppointmentType> {
        self.services.iter().map(|s| &s.kind).find(|kind| kind.name == name)
    }
}

fn appointment(booking: booking::Booking) -> Appointment {
    Appointment {
        id: booking.id,
        service: booking.appointment,
        start: booking.start,
    }
}

fn book_error(error: booking::BookingError) -> BookError {
    match error {
        booking::BookingError::Taken => BookError::Taken,
        other => BookError::Failed(other.to_string()),
    }
}

/// Lowercases `text`, drops French, German and Spanish accents and turns `-`
/// and `_` into spaces, for matching a caller's words against names.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            '-' | '_' => ' ',
            other => other,
        })
        .collect()
}

impl Desk for BookDesk {
    fn services(&self) -> Vec<String> {
        self.services.iter().map(|s| s.kind.name.clone()).collect()
    }

    fn match_service(&self, words: &str) -> Option<String> {
        let words = fold(words);
        self.services
            .iter()
            .find(|service| {
                std::iter::once(&service.kind.name)
                    .chain(&service.aliases)
                    .any(|name| !name.trim().is_empty() && words.contains(&fold(name)))
            })
            .map(|service| service.kind.name.clone())
    }

    fn free(&mut self, service: &str, from: PrimitiveDateTime, limit: usize) -> Vec<Offer> {
        let Some(kind) = self.kind(service) else {
            return Vec::new();
        };
        match booking::find_free_slots(&self.conn, &self.schedule, kind, from, limit, HORIZON_DAYS) {
            Ok(slots) => slots
                .into_iter()
                .map(|slot| Offer {
                    start: slot.start,
                    end: slot.end,
                    staff: slot.staff,
                })
                .collect(),
            Err(error) => {
                tracing::error!(%error, call_id = ?self.call_id, "cannot read the appointment book, so no slots are offered");
                Vec::new()
            }
        }
    }

    fn book(&mut self, service: &str, offer: &Offer, name: &str, number: &str) -> Result<Appointment, BookError> {
        let kind = self
            .kind(service)
            .cloned()
            .ok_or_else(|| BookError::Failed(format!("no appointment type named {service:?}")))?;
        let request = booking::NewBooking {
            schedule: &self.schedule,
            kind: &kind,
            staff: offer.staff.clone(),
            start: offer.start,
            caller_name: name.to_string(),
            caller_number: number.to_string(),
            call_id: self.call_id,
            notes: String::new(),
        };
        booking::book(&mut self.conn, &request).map(appointment).map_err(book_error)
    }

    fn upcoming(&mut self, number: &str, now: PrimitiveDateTime) -> Vec<Appointment> {
        match booking::find_for_caller(&self.conn, number, now) {
            Ok(found) => found.into_iter().map(appointment).collect(),
            Err(error) => {
                tracing::error!(%error, call_id = ?self.call_id, "cannot read the appointment book, so the caller's bookings are not listed");
                Vec::new()
            }
        }
    }

    fn cancel(&mut self, id: i64, number: &str) -> Result<Appointment, BookError> {
        booking::cancel(&mut self.conn, id, number).map(appointment).map_err(book_error)
    }

    fn reschedule(&mut self, id: i64, number: &str, offer: &Offer) -> Result<Appointment, BookError> {
        booking::reschedule(&mut self.conn, &self.schedule, id, number, offer.start)
            .map(appointment)
            .map_err(book_error)
    }
}
