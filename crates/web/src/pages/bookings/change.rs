//! Changes the owner makes to a booking: `POST /bookings/{id}/move` and
//! `POST /bookings/{id}/cancel`. Both send the browser to the week the
//! booking is in afterwards.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use standardiste_booking::{Booking, BookingError};
use time::PrimitiveDateTime;

use super::input::{check_not_past, date_clock, parse_date, parse_time};
use super::render::week_link;
use super::storage::{blocking, book_failure, open_book, profile_for_change};
use super::view::{respond, viewed_week, Forms};
use super::week::IsoWeek;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::format::local_now;
use crate::server::Console;

/// The move form's fields as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MoveFields {
    pub date: String,
    pub time: String,
    /// The week the page showed.
    pub week: String,
}

/// A rejected move, shown again in the booking's row.
#[derive(Debug, Clone)]
pub struct MoveForm {
    pub id: i64,
    pub date: String,
    pub time: String,
    pub error: String,
}

/// Parses the id in the address. An id that is not a number names no booking.
fn booking_id(text: &str) -> Result<i64, PageError> {
    text.parse()
        .map_err(|_| PageError::NotFound(format!("booking {text:?}")))
}

pub async fn move_booking(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<MoveFields>,
) -> Result<Response, PageError> {
    let id = booking_id(&id)?;
    let requested = new_start(&fields, local_now(console.settings.fixed_now));
    let moved = blocking(&console, move |console| {
        let mut conn = open_book(console)?;
        // An unknown id is a 404 even when the form is wrong too.
        if standardiste_booking::find_by_id(&conn, id)
            .map_err(book_failure)?
            .is_none()
        {
            return Err(PageError::NotFound(format!("booking {id}")));
        }
        let start = match requested {
            Ok(start) => start,
            Err(problem) => return Ok(Err(problem)),
        };
        let schedule = profile_for_change(console)?.booking_schedule();
        match standardiste_booking::reschedule_by_owner(&mut conn, &schedule, id, start) {
            Ok(booking) => Ok(Ok(booking)),
            Err(BookingError::NotFound(_)) => Err(PageError::NotFound(format!("booking {id}"))),
            Err(BookingError::Taken) => Ok(Err(format!(
                "{} is already taken by another booking with the same staff; pick another time",
                date_clock(start)
            ))),
            Err(BookingError::Invalid(problem)) => Ok(Err(problem)),
            Err(other) => Err(book_failure(other)),
        }
    })
    .await?;
    match moved {
        Ok(booking) => {
            tracing::info!(booking_id = id, "owner moved a booking");
            Ok(to_booking(&booking))
        }
        Err(problem) => reject_move(&console, &session, &headers, id, fields, problem).await,
    }
}

/// Returns the start the form requests, or the reason it cannot be used.
fn new_start(fields: &MoveFields, now: PrimitiveDateTime) -> Result<PrimitiveDateTime, String> {
    let date = parse_date(&fields.date)?;
    let time = parse_time(&fields.time)?;
    let start = PrimitiveDateTime::new(date, time);
    check_not_past(start, now)?;
    Ok(start)
}

async fn reject_move(
    console: &Arc<Console>,
    session: &crate::auth::Session,
    headers: &HeaderMap,
    id: i64,
    fields: MoveFields,
    error: String,
) -> Result<Response, PageError> {
    let week = viewed_week(&fields.week, local_now(console.settings.fixed_now));
    let forms = Forms {
        create: None,
        moving: Some(MoveForm {
            id,
            date: fields.date,
            time: fields.time,
            error,
        }),
    };
    respond(console, session, headers, week, forms, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn cancel(
    State(console): State<Arc<Console>>,
    Admin(_session): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = booking_id(&id)?;
    let cancelled = blocking(&console, move |console| {
        let mut conn = open_book(console)?;
        standardiste_booking::cancel_by_owner(&mut conn, id).map_err(|error| match error {
            BookingError::NotFound(_) => PageError::NotFound(format!("booking {id}")),
            other => book_failure(other),
        })
    })
    .await?;
    tracing::info!(booking_id = id, "owner cancelled a booking");
    Ok(to_booking(&cancelled))
}

/// Sends the browser to `booking` in its week.
fn to_booking(booking: &Booking) -> Response {
    let week = IsoWeek::containing(booking.start.date());
    Redirect::to(&format!("{}#booking-{}", week_link(week), booking.id)).into_response()
}
