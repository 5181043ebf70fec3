//! The week page: navigation between weeks, each day with its opening hours
//! and bookings, the booking form and the calendar feed.

use axum::response::Html;
use maud::{html, Markup};
use standardiste_booking::{Booking, Status};
use standardiste_profile::BusinessProfile;
use time::macros::format_description;
use time::Date;

use super::change::MoveForm;
use super::feed;
use super::form::{create_form, CreateForm};
use super::input::clock;
use super::view::{Forms, WeekData};
use super::week::IsoWeek;
use crate::auth::Session;
use crate::pages::format::tel_href;
use crate::pages::layout::{csrf_input, field_error, page};

pub fn week_page(session: &Session, data: &WeekData, forms: &Forms) -> Html<String> {
    let week = data.week.to_string();
    let title = format!("Bookings, week {week}");
    let blank = CreateForm::blank(proposed_date(data));
    let create = forms.create.as_ref().unwrap_or(&blank);
    page(
        &title,
        session,
        "/bookings",
        html! {
            h1 { "Bookings" }
            (week_navigation(data))
            @if let Err(problem) = &data.profile {
                p.warning role="alert" {
                    "Opening hours are not shown and nothing can be booked or moved, because the business profile is invalid: "
                    (problem)
                }
            }
            @if let Some(moving) = forms.moving.as_ref().filter(|moving| !shows_booking(data, moving.id)) {
                p.error role="alert" { "Booking " (moving.id) " was not moved: " (moving.error) }
            }
            @for date in data.week.days() {
                (day(session, data, date, forms.moving.as_ref()))
            }
            section.card #new-booking {
                h2 { "Book an appointment" }
                @match &data.profile {
                    Ok(profile) => (create_form(session, create, profile, &week)),
                    Err(_) => p.muted { "Fix the business profile on the Settings page to book appointments." },
                }
            }
            (feed::panel(session, &data.feed_address, &data.certificate_fingerprint, &week))
        },
    )
}

/// Returns the date the empty form proposes: today in the current week, or
/// else the Monday of the week shown.
fn proposed_date(data: &WeekData) -> Date {
    if data.week.contains(data.now.date()) {
        data.now.date()
    } else {
        data.week.monday()
    }
}

fn shows_booking(data: &WeekData, id: i64) -> bool {
    data.bookings
        .iter()
        .any(|booking| booking.id == id && booking.status == Status::Booked)
}

fn week_navigation(data: &WeekData) -> Markup {
    let week = data.week;
    let current = IsoWeek::containing(data.now.date());
    let days = week.days();
    html! {
        nav.weeks aria-label="Weeks" {
            @if let Some(previous) = week.previous() {
                a href=(week_link(previous)) rel="prev" { "← Week " (previous.number()) }
            }
            @if week == current {
                span.current { "This week" }
            } @else {
                a href=(week_link(current)) { "This week" }
            }
            @if let Some(next) = week.next() {
                a href=(week_link(next)) rel="next" { "Week " (next.number()) " →" }
            }
        }
        p.week-range {
            "Week " (week.number()) ": " (long_date(week.monday()))
            @if let Some(sunday) = days.last() { " to " (long_date(*sunday)) }
        }
    }
}

/// Returns the address of `week`'s page.
pub fn week_link(week: IsoWeek) -> String {
    format!("/bookings?week={week}")
}

fn long_date(date: Date) -> String {
    date.format(format_description!(
        "[weekday] [day padding:none] [month repr:long] [year]"
    ))
    .unwrap_or_else(|_| date.to_string())
}

fn day(session: &Session, data: &WeekData, date: Date, moving: Option<&MoveForm>) -> Markup {
    let bookings: Vec<&Booking> = data
        .bookings
        .iter()
        .filter(|booking| booking.start.date() == date)
        .collect();
    let today = date == data.now.date();
    html! {
        section.day.today[today] id=(format!("day-{date}")) {
            h2 {
                (long_date(date))
                @if let Ok(profile) = &data.profile {
                    " " span.hours { (hours_text(profile, date)) }
                }
            }
            @if bookings.is_empty() {
                p.muted { "No bookings." }
            } @else {
                table.bookings {
                    thead {
                        tr {
                            th { "Time" } th { "Appointment" } th { "Staff" } th { "Caller" } th { "Number" }
                            th { "Status" } th { span.visually-hidden { "Actions" } }
                        }
                    }
                    tbody {
                        @for booking in bookings {
                            (row(session, data, booking, moving.filter(|moving| moving.id == booking.id)))
                        }
                    }
                }
            }
        }
    }
}

/// Returns the opening hours of `date` in words, closures included.
fn hours_text(profile: &BusinessProfile, date: Date) -> String {
    let hours = profile.hours_on(date);
    let listed = hours.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    match profile.closure_on(date) {
        Some(closure) if hours.is_empty() => match &closure.reason {
            Some(reason) => format!("Closed: {reason}"),
            None => "Closed".to_string(),
        },
        Some(closure) => match &closure.reason {
            Some(reason) => format!("Special hours {listed} ({reason})"),
            None => format!("Special hours {listed}"),
        },
        None if hours.is_empty() => "Closed".to_string(),
        None => listed,
    }
}

fn row(session: &Session, data: &WeekData, booking: &Booking, moving: Option<&MoveForm>) -> Markup {
    let cancelled = booking.status == Status::Cancelled;
    let week = data.week.to_string();
    html! {
        tr.cancelled[cancelled] id=(format!("booking-{}", booking.id)) {
            td.when { (clock(booking.start.time())) "–" (clock(booking.end.time())) }
            td {
                (booking.appointment)
                @if let Some(call) = booking.call_id {
                    " " a.muted href=(format!("/calls/{call}")) { "(call)" }
                }
                @if !booking.notes.is_empty() {
                    br; span.muted.notes { (booking.notes) }
                }
            }
            td { (booking.staff.as_deref().unwrap_or("–")) }
            td { (booking.caller_name) }
            td { a href=(tel_href(&booking.caller_number)) { (booking.caller_number) } }
            td { span class=(format!("badge {}", booking.status.as_str())) { (booking.status.as_str()) } }
            td.actions {
                @if !cancelled && data.profile.is_ok() {
                    (move_form(session, booking, moving, &week))
                }
                @if !cancelled {
                    form.inline method="post" action=(format!("/bookings/{}/cancel", booking.id)) data-confirm="Cancel this booking?" {
                        (csrf_input(session))
                        button.danger type="submit" { "Cancel" }
                    }
                }
            }
        }
    }
}

fn move_form(session: &Session, booking: &Booking, moving: Option<&MoveForm>, week: &str) -> Markup {
    let id = booking.id;
    let (date, time) = match moving {
        Some(moving) => (moving.date.clone(), moving.time.clone()),
        None => (booking.start.date().to_string(), clock(booking.start.time())),
    };
    html! {
        details.move open[moving.is_some()] {
            summary { "Move" }
            form method="post" action=(format!("/bookings/{id}/move")) {
                (csrf_input(session))
                input type="hidden" name="week" value=(week);
                label for=(format!("move-date-{id}")) { "New date" }
                input id=(format!("move-date-{id}")) name="date" type="date" required value=(date);
                label for=(format!("move-time-{id}")) { "New time" }
                input id=(format!("move-time-{id}")) name="time" type="time" required value=(time);
                (field_error(moving.map(|moving| moving.error.as_str())))
                button type="submit" { "Move" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn hours_text_names_closures() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/profile.toml");
        let profile = BusinessProfile::load(&path).unwrap();
        assert_eq!(hours_text(&profile, date!(2026 - 12 - 07)), "08:30-12:30, 13:30-18:00");
        assert_eq!(hours_text(&profile, date!(2026 - 12 - 06)), "Closed");
        assert_eq!(hours_text(&profile, date!(2026 - 12 - 25)), "Closed: Christmas");
        assert_eq!(
            hours_text(&profile, date!(2026 - 12 - 31)),
            "Special hours 09:00-12:00 (New Year's Eve)"
        );
    }
}
