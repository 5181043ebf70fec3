//! The webhook document: it parses back, has every documented field with its
//! type, and uses null for missing facts.

mod common;

use common::{bare, sample};
use serde_json::Value;
use standardiste_recap::{webhook_json, BookingAction, BookingNote, SCHEMA_VERSION};
use time::macros::datetime;

/// Kind of a JSON value, for the schema table.
#[derive(Clone, Copy, Debug)]
enum Kind {
    String,
    Number,
    Bool,
    Array,
    Object,
}

fn has_kind(value: &Value, kind: Kind) -> bool {
    match kind {
        Kind::String => value.is_string(),
        Kind::Number => value.is_number(),
        Kind::Bool => value.is_boolean(),
        Kind::Array => value.is_array(),
        Kind::Object => value.is_object(),
    }
}

/// The fields the crate documentation lists, and whether each may be null.
const SCHEMA: [(&str, Kind, bool); 31] = [
    ("/schema_version", Kind::Number, false),
    ("/call_id", Kind::Number, false),
    ("/business", Kind::String, true),
    ("/line", Kind::String, true),
    ("/language", Kind::String, false),
    ("/started_at", Kind::String, false),
    ("/ended_at", Kind::String, true),
    ("/duration_s", Kind::Number, false),
    ("/outcome", Kind::String, false),
    ("/caller/name", Kind::String, true),
    ("/caller/caller_id", Kind::String, true),
    ("/caller/callback_number", Kind::String, true),
    ("/caller/callback_confirmed", Kind::Bool, false),
    ("/caller/language", Kind::String, true),
    ("/intake/reason", Kind::String, true),
    ("/intake/urgency", Kind::String, true),
    ("/intake/message_taken", Kind::Bool, false),
    ("/booking", Kind::Object, true),
    ("/booking/action", Kind::String, false),
    ("/booking/service", Kind::String, true),
    ("/booking/start", Kind::String, false),
    ("/booking/previous_start", Kind::String, true),
    ("/escalation", Kind::Object, true),
    ("/escalation/reason", Kind::String, true),
    ("/escalation/transferred_to", Kind::String, true),
    ("/callback_promise", Kind::Object, true),
    ("/callback_promise/within_min", Kind::Number, false),
    ("/callback_promise/due_by", Kind::String, true),
    ("/transcript", Kind::Array, false),
    ("/transcript_omitted_lines", Kind::Number, false),
    ("/transcript_link", Kind::String, true),
];

/// Checks every field of `document` against [`SCHEMA`]. A field below a
/// null object is not checked.
fn assert_schema(document: &Value, context: &str) {
    for (pointer, kind, nullable) in SCHEMA {
        let parent = &pointer[..pointer.rfind('/').unwrap_or(0)];
        if !parent.is_empty() && document.pointer(parent).is_some_and(Value::is_null) {
            continue;
        }
        let value = document
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{context}: field {pointer} missing from {document}"));
        if value.is_null() {
            assert!(nullable, "{context}: {pointer} is null");
        } else {
            assert!(
                has_kind(value, kind),
                "{context}: {pointer} is not {kind:?}: {value}"
            );
        }
    }
}

#[test]
fn sample_document_has_every_field() {
    for language in ["en", "fr"] {
        let mut recap = sample(language);
        recap.transferred_to = Some("+44 7700 900126".to_owned());
        let document: Value = serde_json::from_str(&webhook_json(&recap)).unwrap();
        assert_schema(&document, language);

        let cases: [(&str, Value); 24] = [
            ("/schema_version", SCHEMA_VERSION.into()),
            ("/call_id", 42.into()),
            ("/business", "Harbour Dental".into()),
            ("/line", "Main line".into()),
            ("/language", language.into()),
            ("/started_at", "2024-05-14T10:30:00".into()),
            ("/ended_at", "2024-05-14T10:33:12".into()),
            ("/duration_s", 192.into()),
            ("/outcome", "completed".into()),
            ("/caller/name", "Alex Martin".into()),
            ("/caller/callback_number", "+44 7700 900123".into()),
            ("/caller/callback_confirmed", true.into()),
            ("/caller/language", "fr".into()),
            ("/intake/reason", "broken tooth".into()),
            ("/intake/urgency", "high".into()),
            ("/intake/message_taken", true.into()),
            ("/booking/action", "booked".into()),
            ("/booking/service", "Check-up".into()),
            ("/booking/start", "2024-05-15T09:00:00".into()),
            ("/escalation/reason", "emergency".into()),
            ("/escalation/transferred_to", "+44 7700 900126".into()),
            ("/callback_promise/within_min", 30.into()),
            ("/callback_promise/due_by", "2024-05-14T11:03:12".into()),
            ("/transcript_link", "https://box.local/calls/42".into()),
        ];
        for (pointer, expected) in cases {
            assert_eq!(
                document.pointer(pointer),
                Some(&expected),
                "{language}: {pointer}"
            );
        }
        let transcript = document["transcript"].as_array().unwrap();
        assert_eq!(transcript.len(), 2);
        assert_eq!(transcript[0]["speaker"], "receptionist");
        assert_eq!(transcript[1]["speaker"], "caller");
        assert_eq!(transcript[1]["text"], "I broke a tooth this morning.");
        assert_eq!(document["transcript_omitted_lines"], 0);
    }
}

#[test]
fn bare_document_uses_null() {
    let document: Value = serde_json::from_str(&webhook_json(&bare("de"))).unwrap();
    assert_schema(&document, "bare");
    for pointer in [
        "/business",
        "/line",
        "/caller/name",
        "/caller/caller_id",
        "/caller/callback_number",
        "/caller/language",
        "/intake/reason",
        "/intake/urgency",
        "/booking",
        "/escalation",
        "/callback_promise",
        "/transcript_link",
    ] {
        assert_eq!(document.pointer(pointer), Some(&Value::Null), "{pointer}");
    }
    assert_eq!(document["outcome"], "silence");
    assert_eq!(document["language"], "de");
    assert_eq!(document["transcript"], Value::Array(Vec::new()));
}

#[test]
fn moved_booking_and_unknown_language() {
    let mut recap = sample("pt-BR");
    recap.booking = Some(BookingNote {
        action: BookingAction::Moved,
        service: "  ".to_owned(),
        start: datetime!(2024-05-17 14:15),
        previous_start: Some(datetime!(2024-05-16 08:45)),
    });
    let document: Value = serde_json::from_str(&webhook_json(&recap)).unwrap();
    assert_schema(&document, "moved");
    assert_eq!(
        document["language"], "en",
        "unknown languages fall back to English"
    );
    assert_eq!(document["booking"]["action"], "moved");
    assert_eq!(document["booking"]["service"], Value::Null, "blank service");
    assert_eq!(document["booking"]["start"], "2024-05-17T14:15:00");
    assert_eq!(document["booking"]["previous_start"], "2024-05-16T08:45:00");
}

#[test]
fn transfer_alone_is_an_escalation() {
    let mut recap = bare("en");
    recap.transferred_to = Some("+44 7700 900126".to_owned());
    let document: Value = serde_json::from_str(&webhook_json(&recap)).unwrap();
    assert_eq!(document["escalation"]["reason"], Value::Null);
    assert_eq!(document["escalation"]["transferred_to"], "+44 7700 900126");
}

#[test]
fn huge_duration_has_no_end() {
    let mut recap = sample("en");
    recap.duration_s = u64::MAX;
    let document: Value = serde_json::from_str(&webhook_json(&recap)).unwrap();
    assert_eq!(document["ended_at"], Value::Null);
    assert_eq!(document["duration_s"], u64::MAX);
    assert_eq!(document["callback_promise"]["due_by"], Value::Null);
    assert_eq!(document["callback_promise"]["within_min"], 30);
}
