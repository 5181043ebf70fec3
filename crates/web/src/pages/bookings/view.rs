//! `GET /bookings`: one week of the appointment book. The handlers whose
//! form was rejected show the same page, with their messages, through
//! [`respond`].

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use standardiste_booking::Booking;
use standardiste_profile::BusinessProfile;
use time::{Duration, PrimitiveDateTime, Time};

use super::change::MoveForm;
use super::feed;
use super::feed_token;
use super::form::CreateForm;
use super::render;
use super::storage::{blocking, book_failure, load_profile, open_book};
use super::week::IsoWeek;
use crate::auth::Session;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::format::local_now;
use crate::server::Console;

/// Everything the week page shows besides its forms.
pub struct WeekData {
    pub week: IsoWeek,
    pub now: PrimitiveDateTime,
    /// The profile, or why it cannot be read: the page still lists the
    /// bookings without opening hours.
    pub profile: Result<BusinessProfile, String>,
    /// Bookings of the week, booked and cancelled, by start time.
    pub bookings: Vec<Booking>,
    /// The calendar feed's address.
    pub feed_address: String,
    /// SHA-256 fingerprint of the console's certificate, which calendar apps must trust.
    pub certificate_fingerprint: String,
}

/// The forms of the page, with what was typed into a rejected one.
#[derive(Default)]
pub struct Forms {
    /// `None` shows an empty booking form.
    pub create: Option<CreateForm>,
    pub moving: Option<MoveForm>,
}

#[derive(serde::Deserialize)]
pub struct WeekQuery {
    week: Option<String>,
}

pub async fn show(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    headers: HeaderMap,
    Query(query): Query<WeekQuery>,
) -> Result<Response, PageError> {
    let now = local_now(console.settings.fixed_now);
    let week = match query.week {
        Some(text) => IsoWeek::parse(&text).map_err(PageError::BadRequest)?,
        None => IsoWeek::containing(now.date()),
    };
    respond(&console, &session, &headers, week, Forms::default(), StatusCode::OK).await
}

/// Renders `week` with `forms` as a response with `status`.
pub async fn respond(
    console: &Arc<Console>,
    session: &Session,
    headers: &HeaderMap,
    week: IsoWeek,
    forms: Forms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let host = feed::request_host(console, headers);
    let data = blocking(console, move |console| load_week(console, week, &host)).await?;
    Ok((status, render::week_page(session, &data, &forms)).into_response())
}

/// Returns the week named in a form's hidden `week` field, or the current
/// week when it names none.
pub fn viewed_week(text: &str, now: PrimitiveDateTime) -> IsoWeek {
    IsoWeek::parse(text).unwrap_or_else(|_| IsoWeek::containing(now.date()))
}

fn load_week(console: &Console, week: IsoWeek, host: &str) -> Result<WeekData, PageError> {
    let now = local_now(console.settings.fixed_now);
    let profile = load_profile(console);
    let conn = open_book(console)?;
    let from = PrimitiveDateTime::new(week.monday(), Time::MIDNIGHT);
    let to = from.checked_add(Duration::days(7)).unwrap_or(from);
    let bookings = standardiste_booking::list(&conn, from, to).map_err(book_failure)?;
    let state_dir = &console.settings.state_dir;
    let token = feed_token::read_or_create(state_dir).map_err(|error| feed::token_failure(state_dir, error))?;
    Ok(WeekData {
        week,
        now,
        profile,
        bookings,
        feed_address: feed::address(host, &token),
        certificate_fingerprint: console.certificate.fingerprint(),
    })
}
