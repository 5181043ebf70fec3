//! A call database filled through the store's own API with the kinds of
//! text callers give: quotes, commas, line breaks, HTML, emoji and formulas.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use standardiste_booking::{AppointmentType, Interval, NewBooking, Schedule};
use standardiste_outbox::{Channel, NewDelivery};
use standardiste_store::{CallOutcome, IntakeRow, NewTurn, Speaker, Store};
use time::macros::datetime;

pub const NAME: &str = "O'Brien, \"Ana\" <b>Ana</b> 🎉";
pub const REASON: &str = "Leak under the sink,\nwater everywhere\r\nsince \"Monday\"";
pub const CALLER_TEXT: &str = "Hello, I'm calling about <script>alert(1)</script>, \"urgent\" 📞\nthanks";
pub const REPLY_TEXT: &str = "D'accord, je note : « fuite » — à rappeler.";
pub const FORMULA_NAME: &str = "=HYPERLINK(\"http://example.invalid\",\"click\")";
pub const NUMBER: &str = "+44 7700 900123";
pub const NOTES: &str = "Bring the invoice,\nand the \"old\" part";

/// Ids of the rows [`fill`] wrote.
#[derive(Debug, Clone, Copy)]
pub struct Filled {
    /// A finished call whose transcript retention deleted.
    pub deleted_transcript: i64,
    /// A call with a message, two turns and a booking.
    pub message: i64,
    /// A call whose caller name starts like a spreadsheet formula.
    pub formula: i64,
    pub booking: i64,
}

pub fn turn(speaker: Speaker, text: &str, start_ms: u64) -> NewTurn {
    NewTurn {
        speaker: Some(speaker),
        text: text.to_string(),
        start_ms,
        end_ms: start_ms + 1_500,
        stt_confidence: Some(0.75),
        latency_ms: Some(820),
        ..NewTurn::default()
    }
}

/// Fills the database at `path` (created if needed) and returns the ids.
pub fn fill(path: &Path) -> Filled {
    let mut store = Store::open(path).unwrap();

    let deleted_transcript = store.start_call("sim0", Some("0612345678"), None).unwrap();
    store.add_turn(deleted_transcript, &turn(Speaker::Caller, "secret words", 0)).unwrap();
    store.finish_call(deleted_transcript, CallOutcome::Completed, 2_000).unwrap();
    assert_eq!(store.delete_transcripts_ended_by("9999-12-31T23:59:59Z").unwrap(), 1);

    let message = store.start_call("gsm0", Some(NUMBER), Some("/var/lib/standardiste/recordings/call-2.wav")).unwrap();
    store.add_turn(message, &turn(Speaker::Caller, CALLER_TEXT, 0)).unwrap();
    store.add_turn(message, &turn(Speaker::Assistant, REPLY_TEXT, 2_000)).unwrap();
    store.set_call_language(message, "fr").unwrap();
    store
        .save_intake(
            message,
            &IntakeRow {
                caller_name: Some(NAME.to_string()),
                callback_number: Some("07700 900456".to_string()),
                callback_confirmed: true,
                reason: Some(REASON.to_string()),
                urgency: Some("high".to_string()),
                escalation: None,
                message_taken: true,
                callback_promised: true,
                booking_id: None,
            },
        )
        .unwrap();
    store.add_reading(message, Some("message"), None, 900).unwrap();
    store.finish_call(message, CallOutcome::Completed, 4_000).unwrap();

    let formula = store.start_call("sim0", Some("-1"), None).unwrap();
    store
        .save_intake(
            formula,
            &IntakeRow {
                caller_name: Some(FORMULA_NAME.to_string()),
                reason: Some("@mention +1".to_string()),
                escalation: Some("angry caller".to_string()),
                ..IntakeRow::default()
            },
        )
        .unwrap();
    store.finish_call(formula, CallOutcome::CallerHungUp, 1_000).unwrap();
    store.mark_callback_done(formula).unwrap();

    store
        .queue_deliveries(&[NewDelivery {
            channel: Channel::Sms,
            recipient: "+447700900999".to_string(),
            subject: String::new(),
            body: format!("Recap: {NAME}"),
            idempotency_key: format!("call-{message}-recap-sms-1"),
        }])
        .unwrap();

    let booking = book(path, message, datetime!(2026-12-08 09:30));
    let mut intake = store.intake(message).unwrap();
    intake.booking_id = Some(booking);
    store.save_intake(message, &intake).unwrap();
    Filled {
        deleted_transcript,
        message,
        formula,
        booking,
    }
}

/// Books a check-up at `start` for call `call_id` and returns the booking id.
pub fn book(path: &Path, call_id: i64, start: time::PrimitiveDateTime) -> i64 {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    standardiste_booking::configure_connection(&conn).unwrap();
    let schedule = Schedule {
        weekly: std::array::from_fn(|_| vec![Interval::hm(0, 0, 24, 0)]),
        ..Schedule::default()
    };
    let kind = AppointmentType {
        name: "Check-up".to_string(),
        duration_min: 30,
        buffer_min: 5,
        staff: Vec::new(),
    };
    let request = NewBooking {
        schedule: &schedule,
        kind: &kind,
        staff: None,
        start,
        caller_name: NAME.to_string(),
        caller_number: NUMBER.to_string(),
        call_id: Some(call_id),
        notes: NOTES.to_string(),
    };
    standardiste_booking::book(&mut conn, &request).unwrap().id
}

/// Lists every file and folder under `root`, with each file's content, to compare
/// a tree before and after an operation.
pub fn tree(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut found = BTreeMap::new();
    if root.exists() {
        walk(root, root, &mut found);
    }
    found
}

fn walk(root: &Path, path: &Path, found: &mut BTreeMap<String, Option<Vec<u8>>>) {
    for entry in std::fs::read_dir(path).unwrap() {
        let entry = entry.unwrap();
        let child = entry.path();
        let name = child.strip_prefix(root).unwrap().display().to_string();
        if entry.file_type().unwrap().is_dir() {
            found.insert(name, None);
            walk(root, &child, found);
        } else {
            found.insert(name, Some(std::fs::read(&child).unwrap()));
        }
    }
}

/// Asserts that two results of [`tree`] are equal, naming the paths that differ.
pub fn assert_same_tree(before: &BTreeMap<String, Option<Vec<u8>>>, after: &BTreeMap<String, Option<Vec<u8>>>) {
    let differing: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|name| before.get(*name) != after.get(*name))
        .collect();
    assert!(differing.is_empty(), "changed, added or removed: {differing:?}");
}
