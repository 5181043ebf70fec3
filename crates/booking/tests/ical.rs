//! The iCalendar feed against the RFC 5545 rules: CRLF, 75-octet folding,
//! TEXT escaping, one VEVENT per booking.

mod support;

use standardiste_booking::{escape_text, ical_feed, ical_feed_with_timezone, Booking, Status};
use support::*;
use time::macros::datetime;

const TRICKY_NAME: &str = "Hélène Dupont-Lefèvre, née Martin; épouse Bézier";

fn feed_of(bookings: &[Booking]) -> String {
    ical_feed(
        bookings,
        "Cabinet Médical, Dr Lefèvre",
        datetime!(2026-12-04 21:30:15 UTC),
    )
}

/// Physical lines without their CRLF. Panics on a bare CR or LF.
fn physical_lines(feed: &str) -> Vec<&str> {
    assert!(feed.ends_with("\r\n"), "the feed must end with CRLF");
    let lines: Vec<&str> = feed[..feed.len() - 2].split("\r\n").collect();
    for line in &lines {
        assert!(
            !line.contains('\r') && !line.contains('\n'),
            "bare CR or LF in {line:?}"
        );
    }
    lines
}

/// Content lines after unfolding (RFC 5545 section 3.1: CRLF followed by one space or tab).
fn unfolded_lines(feed: &str) -> Vec<String> {
    feed.replace("\r\n ", "")
        .replace("\r\n\t", "")
        .split("\r\n")
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reverses TEXT escaping.
fn unescape(value: &str) -> String {
    let mut text = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n') | Some('N') => text.push('\n'),
            Some(other) => text.push(other),
            None => panic!("dangling backslash in {value:?}"),
        }
    }
    text
}

fn property<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
    let prefix = format!("{name}:");
    lines
        .iter()
        .filter_map(|line| line.strip_prefix(prefix.as_str()))
        .collect()
}

fn sample(id: i64, caller_name: &str) -> Booking {
    let mut booking = existing(id, Some("Dr Lefèvre"), datetime!(2026-12-08 09:30), 30, 0);
    booking.caller_name = caller_name.to_owned();
    booking.caller_number = "+33 6 12 34 56 78".to_owned();
    booking.notes = "Back pain\nBring the X-ray; C:\\scans".to_owned();
    booking
}

#[test]
fn lines_end_in_crlf_and_fit_75_octets() {
    let feed = feed_of(&[sample(1, TRICKY_NAME), sample(2, &"é".repeat(200))]);
    for line in physical_lines(&feed) {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    // Splitting the bytes at CRLF must give whole UTF-8 characters in every piece.
    for piece in feed.as_bytes().split(|&byte| byte == b'\n') {
        assert!(
            std::str::from_utf8(piece).is_ok(),
            "a fold split a character: {piece:?}"
        );
    }
}

#[test]
fn folding_is_exact_at_every_length() {
    for length in 50..160 {
        // Mixing one- and two-octet characters puts the fold on every kind of boundary.
        let name: String = (0..length)
            .map(|i| if i % 3 == 0 { 'é' } else { 'a' })
            .collect();
        let feed = feed_of(&[sample(7, &name)]);
        for line in physical_lines(&feed) {
            assert!(line.len() <= 75, "length {length}: {} octets", line.len());
        }
        let lines = unfolded_lines(&feed);
        assert_eq!(
            property(&lines, "SUMMARY")
                .first()
                .map(|value| unescape(value)),
            Some(format!("Consultation - {name}")),
            "length {length}"
        );
    }
}

#[test]
fn unfolding_restores_escaped_text() {
    let feed = feed_of(&[sample(1, TRICKY_NAME)]);
    let lines = unfolded_lines(&feed);

    let summaries = property(&lines, "SUMMARY");
    assert_eq!(summaries.len(), 1);
    assert!(
        summaries[0].contains("Dupont-Lefèvre\\, née Martin\\; épouse"),
        "{}",
        summaries[0]
    );
    assert_eq!(
        unescape(summaries[0]),
        format!("Consultation - {TRICKY_NAME}")
    );

    let description = unescape(property(&lines, "DESCRIPTION")[0]);
    assert!(
        description.contains("Phone: +33 6 12 34 56 78"),
        "{description}"
    );
    assert!(description.contains("Staff: Dr Lefèvre"), "{description}");
    assert!(
        description.contains("Notes: Back pain\nBring the X-ray; C:\\scans"),
        "{description}"
    );

    assert_eq!(
        unescape(property(&lines, "X-WR-CALNAME")[0]),
        "Cabinet Médical, Dr Lefèvre"
    );
}

#[test]
fn phone_number_stays_out_of_summary() {
    let feed = feed_of(&[sample(1, "Paul")]);
    let lines = unfolded_lines(&feed);
    let summary = property(&lines, "SUMMARY")[0];
    assert_eq!(summary, "Consultation - Paul");
    assert!(!summary.contains("12 34"), "{summary}");
}

#[test]
fn calendar_and_event_properties() {
    let mut cancelled = sample(8, "Anne");
    cancelled.status = Status::Cancelled;
    cancelled.sequence = 1;
    let feed = feed_of(&[sample(7, "Paul"), cancelled]);
    let lines = unfolded_lines(&feed);

    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert_eq!(property(&lines, "VERSION"), vec!["2.0"]);
    assert_eq!(property(&lines, "PRODID").len(), 1);
    assert_eq!(
        property(&lines, "BEGIN")
            .iter()
            .filter(|v| **v == "VEVENT")
            .count(),
        2
    );
    assert_eq!(
        property(&lines, "END")
            .iter()
            .filter(|v| **v == "VEVENT")
            .count(),
        2
    );
    assert_eq!(
        property(&lines, "UID"),
        vec!["booking-7@standardiste", "booking-8@standardiste"]
    );
    assert_eq!(property(&lines, "DTSTAMP"), vec!["20261204T213015Z"; 2]);
    assert_eq!(property(&lines, "DTSTART"), vec!["20261208T093000"; 2]);
    assert_eq!(property(&lines, "DTEND"), vec!["20261208T100000"; 2]);
    assert_eq!(property(&lines, "STATUS"), vec!["CONFIRMED", "CANCELLED"]);
    assert_eq!(property(&lines, "SEQUENCE"), vec!["0", "1"]);
    assert!(property(&lines, "X-WR-TIMEZONE").is_empty());

    // The UID depends only on the booking id.
    let again = feed_of(&[sample(7, "Someone else")]);
    assert_eq!(
        property(&unfolded_lines(&again), "UID"),
        vec!["booking-7@standardiste"]
    );
}

#[test]
fn timezone_hint_and_stamp_in_utc() {
    let paris_evening = datetime!(2026-12-04 22:30:15 +01:00);
    let feed = ical_feed_with_timezone(
        &[sample(1, "Paul")],
        "Cabinet",
        "Europe/Paris",
        paris_evening,
    );
    let lines = unfolded_lines(&feed);
    assert_eq!(property(&lines, "X-WR-TIMEZONE"), vec!["Europe/Paris"]);
    assert_eq!(property(&lines, "DTSTAMP"), vec!["20261204T213015Z"]);
    assert_eq!(
        property(&lines, "DTSTART"),
        vec!["20261208T093000"],
        "floating local time"
    );
}

#[test]
fn escape_text_rules() {
    assert_eq!(escape_text("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
    assert_eq!(escape_text("line\r\nnext\rlast"), "line\\nnext\\nlast");
    assert_eq!(escape_text("bell\u{7}tab\t"), "belltab\t");
    assert_eq!(escape_text("é:ok"), "é:ok");
}

#[test]
fn empty_feed_is_valid() {
    let feed = feed_of(&[]);
    let lines = unfolded_lines(&feed);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(property(&lines, "UID").is_empty());
}
