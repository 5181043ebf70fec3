//! Hostile free text in every field: every output stays valid and bounded,
//! and the outbox accepts every item.

mod common;

use common::{assert_valid_sms, enqueue_all, outbox_db, sample, LANGUAGES};
use serde_json::Value;
use standardiste_outbox::MAX_BODY_BYTES;
use standardiste_recap::{
    deliveries, email, sms_text, urgent_alert, webhook_json, CallRecap, Channel, Recipients,
    Speaker, TranscriptLine, UrgentAlert,
};

/// Text a caller, a recogniser or a bad integration could produce.
fn hostile_texts() -> Vec<(&'static str, String)> {
    vec![
        ("quotes", r#"O'Brien "the boss" \ \" \u0000"#.to_owned()),
        (
            "newlines",
            "Alex\r\nSubject: spoofed\n\nBcc: x@evil.test".to_owned(),
        ),
        (
            "html",
            "<script>alert('x')</script><b>bold</b>&amp;".to_owned(),
        ),
        ("emoji", "🦷💥 Zoë 👨‍👩‍👧 ".repeat(5)),
        (
            "controls",
            "a\u{0}b\u{7}c\u{1B}[2Jd\u{7F}e\u{85}f".to_owned(),
        ),
        (
            "bidi",
            "\u{202E}321 009 0077 44+\u{202C} \u{2066}x\u{2069}".to_owned(),
        ),
        (
            "json",
            r#"{"schema_version": 99, "call_id": "x"}"#.to_owned(),
        ),
        ("placeholder", "None null {} Some(x)".to_owned()),
        ("long", "ten bytes ".repeat(1024)),
        ("long-accents", "ê".repeat(10_000)),
        ("only-spaces", " \t\n ".to_owned()),
        ("empty", String::new()),
        ("cyrillic", "Иван Петрович Сидоров ".repeat(50)),
        ("gsm-extension", "{[|]}~^€\\".repeat(100)),
    ]
}

/// Returns a recap with `text` in every free-text field and in the transcript.
fn hostile_recap(language: &str, text: &str) -> CallRecap {
    let mut recap = sample(language);
    recap.business = text.to_owned();
    recap.caller_language = Some(text.to_owned());
    recap.line = text.to_owned();
    recap.caller_id = Some(text.to_owned());
    recap.name = Some(text.to_owned());
    recap.callback_number = Some(text.to_owned());
    recap.reason = Some(text.to_owned());
    recap.escalation = Some(text.to_owned());
    recap.transferred_to = Some(text.to_owned());
    recap.transcript_link = Some(text.to_owned());
    if let Some(note) = &mut recap.booking {
        note.service = text.to_owned();
    }
    recap.transcript = (0..100)
        .map(|n| TranscriptLine {
            speaker: if n % 2 == 0 {
                Speaker::Caller
            } else {
                Speaker::Receptionist
            },
            text: text.to_owned(),
        })
        .collect();
    recap
}

#[test]
fn sms_stays_valid() {
    for language in LANGUAGES {
        for (case, text) in hostile_texts() {
            let context = format!("{language} {case}");
            let sms = sms_text(&hostile_recap(language, &text));
            assert_valid_sms(&sms, &context);
            assert!(!sms.contains('\u{202E}'), "{context}: {sms:?}");
        }
    }
}

#[test]
fn alert_stays_valid() {
    for language in LANGUAGES {
        for (case, text) in hostile_texts() {
            let context = format!("{language} {case}");
            let alert = UrgentAlert {
                call_id: 42,
                language: language.to_owned(),
                name: Some(text.clone()),
                callback_number: Some(text.clone()),
                caller_id: Some(text.clone()),
                reason: Some(text.clone()),
                escalation: Some(text.clone()),
                callback_within_min: Some(u32::MAX),
            };
            let item = urgent_alert(&alert, "+447700900126");
            assert_valid_sms(&item.body, &context);
            assert!(
                item.body.contains(&u32::MAX.to_string()),
                "{context}: promise kept: {}",
                item.body
            );
        }
    }
}

#[test]
fn email_stays_bounded_and_line_safe() {
    for language in ["en", "fr"] {
        for (case, text) in hostile_texts() {
            let context = format!("{language} {case}");
            let mail = email(&hostile_recap(language, &text));
            assert!(
                !mail.subject.chars().any(char::is_control),
                "{context}: subject {:?}",
                mail.subject
            );
            assert!(
                mail.subject.chars().count() <= 200,
                "{context}: subject {:?}",
                mail.subject
            );
            assert!(
                mail.body.len() < MAX_BODY_BYTES / 2,
                "{context}: {} bytes",
                mail.body.len()
            );
            // A field cannot start a line of its own, such as a spoofed header.
            for line in mail.body.lines() {
                assert!(!line.starts_with("Subject:"), "{context}: {line:?}");
                assert!(!line.starts_with("Bcc:"), "{context}: {line:?}");
                assert!(!line.contains('\r'), "{context}: {line:?}");
            }
        }
    }
}

#[test]
fn webhook_parses_back_bounded() {
    for language in ["en", "fr"] {
        for (case, text) in hostile_texts() {
            let context = format!("{language} {case}");
            let json = webhook_json(&hostile_recap(language, &text));
            assert!(
                json.len() < MAX_BODY_BYTES / 2,
                "{context}: {} bytes",
                json.len()
            );
            let document: Value = serde_json::from_str(&json)
                .unwrap_or_else(|err| panic!("{context}: invalid JSON ({err}): {json}"));
            assert_eq!(document["schema_version"], 1, "{context}");
            assert_eq!(document["call_id"], 42, "{context}");
            let name = &document["caller"]["name"];
            assert!(
                name.is_null()
                    || name
                        .as_str()
                        .is_some_and(|name| name.chars().count() <= 200),
                "{context}: {name}"
            );
            for line in document["transcript"].as_array().unwrap() {
                let text = line["text"].as_str().unwrap();
                assert!(!text.chars().any(char::is_control), "{context}: {text:?}");
                assert!(text.chars().count() <= 2000, "{context}");
            }
        }
    }
}

#[test]
fn outbox_accepts_hostile_items() {
    let dir = tempfile::tempdir().unwrap();
    let conn = outbox_db(dir.path());
    let recipients = Recipients {
        sms: vec!["+44 7700 900125".to_owned()],
        email: vec!["front-desk@example.com".to_owned()],
        webhook: vec!["https://crm.example.com/hooks/recap".to_owned()],
    };
    let mut call_id = 0;
    for language in ["en", "fr"] {
        for (case, text) in hostile_texts() {
            call_id += 1;
            let mut recap = hostile_recap(language, &text);
            recap.call_id = call_id;
            let items = deliveries(&recap, &recipients);
            assert_eq!(items.len(), 3, "{language} {case}");
            assert_eq!(items[2].channel, Channel::Webhook);
            enqueue_all(&conn, &items);
        }
    }
}

#[test]
fn huge_transcript_stays_under_body_limit() {
    let mut recap = sample("en");
    recap.transcript = (0..5000)
        .map(|_| TranscriptLine {
            speaker: Speaker::Caller,
            text: "\"\\".repeat(2000) + &"😀".repeat(2000),
        })
        .collect();
    let json = webhook_json(&recap);
    let body = email(&recap).body;
    assert!(json.len() < MAX_BODY_BYTES, "webhook {} bytes", json.len());
    assert!(body.len() < MAX_BODY_BYTES, "email {} bytes", body.len());
    let document: Value = serde_json::from_str(&json).unwrap();
    assert!(document["transcript_omitted_lines"].as_u64().unwrap() > 4900);
}
