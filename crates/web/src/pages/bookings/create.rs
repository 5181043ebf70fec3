//! `POST /bookings`: the owner books an appointment by hand. A rejected
//! form comes back with a message beside each wrong field and nothing saved.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use rusqlite::Connection;
use standardiste_booking::{BookingError, NewBooking, Schedule};
use time::{PrimitiveDateTime, Time};

use super::check::{check, CheckedBooking};
use super::form::{CreateErrors, CreateFields, CreateForm};
use super::input::{clock, date_clock};
use super::render::week_link;
use super::storage::{blocking, book_failure, open_book, profile_for_change};
use super::view::{respond, viewed_week, Forms};
use super::week::IsoWeek;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::format::local_now;
use crate::server::Console;

/// Free times suggested when the requested one is taken.
const SUGGESTED_TIMES: usize = 6;

pub async fn create(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    headers: HeaderMap,
    Form(fields): Form<CreateFields>,
) -> Result<Response, PageError> {
    let now = local_now(console.settings.fixed_now);
    let submitted = fields.clone();
    let outcome = blocking(&console, move |console| {
        let profile = profile_for_change(console)?;
        let request = match check(&submitted, &profile, now) {
            Ok(request) => request,
            Err(errors) => return Ok(Err(errors)),
        };
        let schedule = profile.booking_schedule();
        let mut conn = open_book(console)?;
        let new = NewBooking {
            schedule: &schedule,
            kind: &request.kind,
            staff: None,
            start: request.start,
            caller_name: request.caller_name.clone(),
            caller_number: request.caller_number.clone(),
            call_id: None,
            notes: request.notes.clone(),
        };
        let time_error = |message: String| CreateErrors {
            time: Some(message),
            ..CreateErrors::default()
        };
        match standardiste_booking::book(&mut conn, &new) {
            Ok(booking) => Ok(Ok(booking)),
            Err(BookingError::Taken) => Ok(Err(time_error(taken_message(&conn, &schedule, &request, now)))),
            Err(BookingError::Invalid(problem)) => Ok(Err(time_error(problem))),
            Err(other) => Err(book_failure(other)),
        }
    })
    .await?;

    match outcome {
        Ok(booking) => {
            tracing::info!(booking_id = booking.id, "owner booked an appointment");
            let week = IsoWeek::containing(booking.start.date());
            Ok(Redirect::to(&format!("{}#booking-{}", week_link(week), booking.id)).into_response())
        }
        Err(errors) => {
            let week = viewed_week(&fields.week, now);
            let forms = Forms {
                create: Some(CreateForm { fields, errors }),
                moving: None,
            };
            respond(
                &console,
                &session,
                &headers,
                week,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Says that the requested time is taken and lists the first free times of
/// the same type that day, so the owner can pick one.
fn taken_message(conn: &Connection, schedule: &Schedule, request: &CheckedBooking, now: PrimitiveDateTime) -> String {
    let date = request.start.date();
    let after = now.max(PrimitiveDateTime::new(date, Time::MIDNIGHT));
    let free = match standardiste_booking::find_free_slots_on(conn, schedule, &request.kind, date, after) {
        Ok(free) => free,
        Err(error) => {
            tracing::warn!(%error, "cannot list free times for the taken-time message");
            Vec::new()
        }
    };
    let problem = format!(
        "{} is already booked for {}",
        date_clock(request.start),
        request.kind.name
    );
    if free.is_empty() {
        return format!("{problem}, and no other time is free that day; pick another day");
    }
    let times: Vec<String> = free
        .iter()
        .take(SUGGESTED_TIMES)
        .map(|slot| clock(slot.start.time()))
        .collect();
    format!("{problem}; free times that day: {}", times.join(", "))
}
