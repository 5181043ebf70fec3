//! The calendar feed. `GET /calendar.ics?token=…` serves calendar apps,
//! which cannot sign in, so the token in the address is the only key.
//! `POST /bookings/feed-token` makes a new token, and so a new address.
//! The feed covers [`DAYS_BEFORE`] days back to [`DAYS_AFTER`] days ahead,
//! which keeps recent visits visible and the file small.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time};

use super::feed_token;
use super::storage::{blocking, book_failure, load_profile, open_book};
use super::view::viewed_week;
use crate::auth::{same_token, Session};
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::format::local_now;
use crate::pages::layout::csrf_input;
use crate::server::Console;

/// Days before today that the feed includes.
pub const DAYS_BEFORE: i64 = 30;
/// Days after today that the feed includes.
pub const DAYS_AFTER: i64 = 365;

/// Calendar name used when the profile cannot be read.
const FALLBACK_CALENDAR_NAME: &str = "Standardiste bookings";

pub async fn calendar(
    State(console): State<Arc<Console>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let presented = query.get("token").cloned().unwrap_or_default();
    let feed = blocking(&console, move |console| {
        let state_dir = &console.settings.state_dir;
        let stored = feed_token::read(state_dir).map_err(|error| token_failure(state_dir, error))?;
        match stored {
            Some(stored) if same_token(&stored, &presented) => build_feed(console).map(Some),
            _ => Ok(None),
        }
    })
    .await?;
    let Some(feed) = feed else {
        log_rejected(peer.ip());
        let message = "no calendar feed at this address; copy the current address from the console's Bookings page";
        return Ok((
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response());
    };
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], feed).into_response())
}

/// Logs a request with a missing or wrong token, at warn level at most once a
/// minute, because a calendar still subscribed to an old address requests it
/// again on every refresh.
fn log_rejected(client: IpAddr) {
    static LAST_WARNING_SECS: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let last = LAST_WARNING_SECS.load(Ordering::Relaxed);
    let due = now >= last.saturating_add(60);
    if due
        && LAST_WARNING_SECS
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        tracing::warn!(%client, "calendar feed requested with a missing or wrong token; later ones within a minute are logged at debug level");
    } else {
        tracing::debug!(%client, "calendar feed requested with a missing or wrong token");
    }
}

fn build_feed(console: &Console) -> Result<String, PageError> {
    let today = PrimitiveDateTime::new(local_now(console.settings.fixed_now).date(), Time::MIDNIGHT);
    let from = today.checked_sub(Duration::days(DAYS_BEFORE)).unwrap_or(today);
    let to = today.checked_add(Duration::days(DAYS_AFTER + 1)).unwrap_or(today);
    let conn = open_book(console)?;
    let bookings = standardiste_booking::list(&conn, from, to).map_err(book_failure)?;
    let name = match load_profile(console) {
        Ok(profile) => profile.name,
        Err(problem) => {
            tracing::warn!(%problem, "the calendar feed uses a default name, because the profile is invalid");
            FALLBACK_CALENDAR_NAME.to_string()
        }
    };
    tracing::debug!(bookings = bookings.len(), "serving the calendar feed");
    Ok(standardiste_booking::ical_feed(
        &bookings,
        &name,
        OffsetDateTime::now_utc(),
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct TokenFields {
    week: String,
}

pub async fn new_token(
    State(console): State<Arc<Console>>,
    Admin(_session): Admin,
    Form(fields): Form<TokenFields>,
) -> Result<Response, PageError> {
    blocking(&console, |console| {
        let state_dir = &console.settings.state_dir;
        feed_token::replace(state_dir).map_err(|error| token_failure(state_dir, error))
    })
    .await?;
    tracing::info!("made a new calendar feed token; the previous feed address no longer works");
    let week = viewed_week(&fields.week, local_now(console.settings.fixed_now));
    Ok(Redirect::to(&format!("{}#feed", super::render::week_link(week))).into_response())
}

/// Converts a failure to read or write the token file.
pub fn token_failure(state_dir: &Path, error: std::io::Error) -> PageError {
    PageError::Internal(format!(
        "cannot use the calendar feed token {}: {error}; check that the service user may write to the console folder",
        feed_token::token_path(state_dir).display()
    ))
}

/// Returns the host and port the browser used to reach the console, from
/// its `Host` header, or the listening address when that header is missing
/// or contains characters a host cannot have.
pub fn request_host(console: &Console, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok());
    match host {
        Some(host) if is_plain_host(host) => host.to_string(),
        _ => console.settings.listen.to_string(),
    }
}

fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// Returns the feed's address on `host`.
pub fn address(host: &str, token: &str) -> String {
    format!("https://{host}/calendar.ics?token={token}")
}

/// Renders the feed's address with what each calendar app can do with it.
pub fn panel(session: &Session, address: &str, fingerprint: &str, week: &str) -> Markup {
    let download = address.find("/calendar.ics").map_or(address, |start| &address[start..]);
    html! {
        section.card #feed {
            h2 { "Calendar feed" }
            p { "Calendar apps can subscribe to this address and refresh the bookings on their own schedule. "
                "It lists the bookings from " (DAYS_BEFORE) " days ago to " (DAYS_AFTER) " days ahead, cancelled ones marked as cancelled." }
            input.feed-address readonly value=(address) aria-label="Calendar feed address";
            p { a download="bookings.ics" href=(download) { "Download the bookings as a file (.ics)" } }
            ul.feed-help {
                li { strong { "Outlook and Apple Calendar" } " on a computer on the office network can subscribe: "
                    "use the app's option to add a calendar from the internet (in Apple Calendar, File, New Calendar Subscription) and paste the address." }
                li { strong { "Google Calendar" } " fetches subscribed addresses from Google's servers, on the internet, "
                    "and they cannot reach this box on the office network. Download the file and import it in Google Calendar's settings instead. "
                    "An imported copy does not follow later changes. Subscribing works only if the box is reachable from the internet at this address." }
                li { "Calendar apps check the box's certificate as browsers do. The box made its own certificate, "
                    "so if an app rejects the address, add the certificate to the computer's trusted certificates first. Its SHA-256 fingerprint is "
                    code.fingerprint { (fingerprint) } "." }
            }
            p { "Anyone who has the address can read the bookings, with callers' names and numbers. "
                "If it reached someone it should not have, make a new address: the old one stops working, and subscribed calendars need the new one." }
            form method="post" action="/bookings/feed-token" data-confirm="Make a new address? Calendars subscribed to the current one stop updating." {
                (csrf_input(session))
                input type="hidden" name="week" value=(week);
                button.secondary type="submit" { "Make a new address" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_hosts_are_not_used() {
        assert!(is_plain_host("box.lan:8443"));
        assert!(is_plain_host("[fe80::1]:8443"));
        assert!(!is_plain_host("box.lan/x"));
        assert!(!is_plain_host("a\"b"));
        assert!(!is_plain_host(""));
    }

    #[test]
    fn address_names_host_and_token() {
        assert_eq!(
            address("box.lan:8443", "ab12"),
            "https://box.lan:8443/calendar.ics?token=ab12"
        );
    }
}
