//! Recaps shared by the tests, and checks that outputs are usable.

#![allow(dead_code)]

use std::path::Path;

use rusqlite::Connection;
use standardiste_modem::{gsm7, sms};
use standardiste_outbox::{configure_connection, enqueue, NewDelivery, MIGRATIONS};
use standardiste_recap::{
    BookingAction, BookingNote, CallRecap, Outcome, Speaker, TranscriptLine, Urgency,
};
use time::macros::datetime;

/// Languages of the recap texts.
pub const LANGUAGES: [&str; 4] = ["en", "fr", "de", "es"];

/// Returns a complete recap: an urgent caller who booked a check-up and was
/// promised a callback.
pub fn sample(language: &str) -> CallRecap {
    CallRecap {
        call_id: 42,
        business: "Harbour Dental".to_owned(),
        language: language.to_owned(),
        caller_language: Some("fr".to_owned()),
        started_at: datetime!(2024-05-14 10:30:00),
        duration_s: 192,
        line: "Main line".to_owned(),
        outcome: Outcome::Completed,
        caller_id: Some("+44 7700 900123".to_owned()),
        name: Some("Alex Martin".to_owned()),
        callback_number: Some("+44 7700 900123".to_owned()),
        callback_confirmed: true,
        reason: Some("broken tooth".to_owned()),
        urgency: Some(Urgency::High),
        escalation: Some("emergency".to_owned()),
        transferred_to: None,
        callback_within_min: Some(30),
        message_taken: true,
        booking: Some(BookingNote {
            action: BookingAction::Booked,
            service: "Check-up".to_owned(),
            start: datetime!(2024-05-15 09:00),
            previous_start: None,
        }),
        transcript: vec![
            TranscriptLine {
                speaker: Speaker::Receptionist,
                text: "Harbour Dental, how can I help?".to_owned(),
            },
            TranscriptLine {
                speaker: Speaker::Caller,
                text: "I broke a tooth this morning.".to_owned(),
            },
        ],
        transcript_link: Some("https://box.local/calls/42".to_owned()),
    }
}

/// Returns a recap with every optional fact missing: a silent caller with a
/// withheld number.
pub fn bare(language: &str) -> CallRecap {
    CallRecap {
        call_id: 7,
        business: String::new(),
        language: language.to_owned(),
        caller_language: None,
        started_at: datetime!(2024-05-14 10:30:00),
        duration_s: 9,
        line: String::new(),
        outcome: Outcome::Silence,
        caller_id: None,
        name: None,
        callback_number: None,
        callback_confirmed: false,
        reason: None,
        urgency: None,
        escalation: None,
        transferred_to: None,
        callback_within_min: None,
        message_taken: false,
        booking: None,
        transcript: Vec::new(),
        transcript_link: None,
    }
}

/// Returns how many parts the modem splits `text` into.
pub fn sms_parts(text: &str) -> usize {
    sms::split(text).1.len()
}

/// Returns the size of `text` in its SMS encoding: GSM-7 septets, or UTF-16
/// units when a character is outside GSM-7. Also returns whether it is GSM-7.
pub fn sms_size(text: &str) -> (usize, bool) {
    let septets: Option<usize> = text.chars().map(gsm7::septet_count).sum();
    match septets {
        Some(septets) => (septets, true),
        None => (text.encode_utf16().count(), false),
    }
}

/// Fails unless `text` is a single line that fits two SMS parts.
pub fn assert_valid_sms(text: &str, context: &str) {
    assert!(
        !text.chars().any(char::is_control),
        "{context}: control character in {text:?}"
    );
    assert_eq!(text, text.trim(), "{context}: untrimmed {text:?}");
    let (size, gsm) = sms_size(text);
    let limit = if gsm { 306 } else { 134 };
    assert!(
        size <= limit,
        "{context}: {size} units, more than {limit} (GSM-7: {gsm}): {text:?}"
    );
    assert!(
        sms_parts(text) <= 2,
        "{context}: more than 2 parts: {text:?}"
    );
}

/// Fails when a text output shows a Rust or JSON placeholder for a missing value.
pub fn assert_no_placeholder(text: &str, context: &str) {
    for placeholder in ["None", "Some(", "{}", "null", "\"\""] {
        assert!(
            !text.contains(placeholder),
            "{context}: {placeholder:?} in {text:?}"
        );
    }
}

/// Creates an outbox database in `dir` and returns a connection to it.
pub fn outbox_db(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join("outbox.sqlite3")).expect("open the test database");
    configure_connection(&conn).expect("configure the test connection");
    for step in MIGRATIONS {
        conn.execute_batch(step)
            .expect("apply the outbox migrations");
    }
    conn
}

/// Enqueues every item and fails on the first one the outbox rejects.
pub fn enqueue_all(conn: &Connection, items: &[NewDelivery]) {
    for item in items {
        if let Err(err) = enqueue(conn, item) {
            panic!("outbox rejected {item:?}: {err}");
        }
    }
}
