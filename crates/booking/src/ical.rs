//! iCalendar feed of the appointment book (RFC 5545), for the owner's
//! calendar application to subscribe to.
//!
//! Start and end are written as floating times (`DTSTART:20261208T093000`,
//! no `Z` and no `TZID`), which calendar applications show as that
//! wall-clock time in the viewer's zone. That is right when the viewer is in
//! the business's zone. A `TZID` parameter would require a `VTIMEZONE`
//! component with the zone's offset rules, and the box has no time zone
//! database to write one from. [`ical_feed_with_timezone`] instead adds the
//! common `X-WR-TIMEZONE` extension, which Google Calendar and Apple Calendar
//! read as the zone of floating times.

use std::fmt::Write as _;

use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::booking::{Booking, Status};

/// Maximum octets of one content line, without its CRLF (RFC 5545 section 3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// Builds an iCalendar document with one `VEVENT` per booking, cancelled ones
/// included with `STATUS:CANCELLED` so that subscribed clients remove them.
/// `now_utc` becomes each event's `DTSTAMP`. Each `UID` is
/// `booking-ID@standardiste`, stable across feeds, and `SEQUENCE` counts the
/// booking's moves and cancellations. `SUMMARY` contains the appointment type
/// and the caller's name, and the phone number goes only in `DESCRIPTION`.
/// Lines end in CRLF and are folded at 75 octets.
pub fn ical_feed(bookings: &[Booking], calendar_name: &str, now_utc: OffsetDateTime) -> String {
    build_feed(bookings, calendar_name, None, now_utc)
}

/// Builds the same document as [`ical_feed`] plus an `X-WR-TIMEZONE` line
/// naming the business's zone (an IANA name such as `Europe/Paris`), for
/// viewers outside that zone.
pub fn ical_feed_with_timezone(
    bookings: &[Booking],
    calendar_name: &str,
    timezone: &str,
    now_utc: OffsetDateTime,
) -> String {
    build_feed(bookings, calendar_name, Some(timezone), now_utc)
}

fn build_feed(
    bookings: &[Booking],
    calendar_name: &str,
    timezone: Option<&str>,
    now_utc: OffsetDateTime,
) -> String {
    let mut feed = String::new();
    push_line(&mut feed, "BEGIN:VCALENDAR");
    push_line(&mut feed, "VERSION:2.0");
    push_line(
        &mut feed,
        &format!(
            "PRODID:-//Standardiste//Booking {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
    );
    push_line(&mut feed, "CALSCALE:GREGORIAN");
    push_line(&mut feed, "METHOD:PUBLISH");
    // NAME is the RFC 7986 property, X-WR-CALNAME the older one most clients read.
    push_line(&mut feed, &format!("NAME:{}", escape_text(calendar_name)));
    push_line(
        &mut feed,
        &format!("X-WR-CALNAME:{}", escape_text(calendar_name)),
    );
    if let Some(zone) = timezone {
        push_line(&mut feed, &format!("X-WR-TIMEZONE:{}", escape_text(zone)));
    }
    let stamp = utc_stamp(now_utc);
    for booking in bookings {
        push_event(&mut feed, booking, &stamp);
    }
    push_line(&mut feed, "END:VCALENDAR");
    feed
}

fn push_event(feed: &mut String, booking: &Booking, stamp: &str) {
    push_line(feed, "BEGIN:VEVENT");
    push_line(feed, &format!("UID:booking-{}@standardiste", booking.id));
    push_line(feed, &format!("DTSTAMP:{stamp}"));
    push_line(feed, &format!("CREATED:{}", utc_stamp(booking.created_at)));
    push_line(
        feed,
        &format!("LAST-MODIFIED:{}", utc_stamp(booking.updated_at)),
    );
    push_line(feed, &format!("SEQUENCE:{}", booking.sequence));
    push_line(feed, &format!("DTSTART:{}", floating(booking.start)));
    push_line(feed, &format!("DTEND:{}", floating(booking.end)));
    push_line(feed, &format!("SUMMARY:{}", escape_text(&summary(booking))));
    push_line(
        feed,
        &format!("DESCRIPTION:{}", escape_text(&description(booking))),
    );
    let status = match booking.status {
        Status::Booked => "CONFIRMED",
        Status::Cancelled => "CANCELLED",
    };
    push_line(feed, &format!("STATUS:{status}"));
    push_line(feed, "END:VEVENT");
}

fn summary(booking: &Booking) -> String {
    let name = booking.caller_name.trim();
    if name.is_empty() {
        booking.appointment.clone()
    } else {
        format!("{} - {name}", booking.appointment)
    }
}

fn description(booking: &Booking) -> String {
    let mut text = format!(
        "Caller: {}\nPhone: {}",
        booking.caller_name, booking.caller_number
    );
    if let Some(staff) = &booking.staff {
        let _ = write!(text, "\nStaff: {staff}");
    }
    if let Some(call_id) = booking.call_id {
        let _ = write!(text, "\nCall: {call_id}");
    }
    if !booking.notes.is_empty() {
        let _ = write!(text, "\nNotes: {}", booking.notes);
    }
    text
}

/// Formats a floating DATE-TIME: `YYYYMMDDTHHMMSS`.
fn floating(at: PrimitiveDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Formats a UTC DATE-TIME: `YYYYMMDDTHHMMSSZ`.
fn utc_stamp(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    format!(
        "{}Z",
        floating(PrimitiveDateTime::new(utc.date(), utc.time()))
    )
}

/// Escapes a TEXT value (RFC 5545 section 3.3.11): backslash, semicolon and
/// comma get a backslash, and each line break (LF, CRLF or CR) becomes `\n`.
/// Other control characters, which TEXT does not allow, are dropped.
pub fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                escaped.push_str("\\n");
            }
            '\t' => escaped.push(c),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Appends `line` folded into pieces of at most 75 octets, each continuation
/// starting with a space, every piece ending in CRLF. Folds fall between
/// characters, never inside a UTF-8 sequence.
fn push_line(feed: &mut String, line: &str) {
    let mut octets = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if octets + width > MAX_LINE_OCTETS {
            feed.push_str("\r\n ");
            octets = 1;
        }
        feed.push(c);
        octets += width;
    }
    feed.push_str("\r\n");
}
