//! Outbox items of a recap and of an alert: one per recipient, stable and
//! distinct keys, and items the outbox accepts.

mod common;

use std::collections::HashSet;

use common::{enqueue_all, outbox_db, sample};
use standardiste_outbox::{enqueue, MAX_KEY_BYTES};
use standardiste_recap::{
    deliveries, email, recap_key, sms_text, urgent_alert, webhook_json, Channel, Recipients,
    UrgentAlert,
};

fn recipients() -> Recipients {
    Recipients {
        sms: vec!["+44 7700 900125".to_owned(), "07700-900.126".to_owned()],
        email: vec![
            "front-desk@example.com".to_owned(),
            "a.patel@example.com".to_owned(),
        ],
        webhook: vec![
            "http://127.0.0.1:8080/recap".to_owned(),
            "https://crm.example.com/hooks/recap?token=abc".to_owned(),
        ],
    }
}

#[test]
fn one_item_per_recipient() {
    let recap = sample("en");
    let items = deliveries(&recap, &recipients());
    let summary: Vec<(Channel, &str)> = items
        .iter()
        .map(|item| (item.channel, item.recipient.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (Channel::Sms, "+447700900125"),
            (Channel::Sms, "07700900126"),
            (Channel::Email, "front-desk@example.com"),
            (Channel::Email, "a.patel@example.com"),
            (Channel::Webhook, "http://127.0.0.1:8080/recap"),
            (
                Channel::Webhook,
                "https://crm.example.com/hooks/recap?token=abc"
            ),
        ]
    );
    let mail = email(&recap);
    for item in &items {
        assert_eq!(item.subject, mail.subject, "{item:?}");
        let expected_body = match item.channel {
            Channel::Sms => sms_text(&recap),
            Channel::Email => mail.body.clone(),
            Channel::Webhook => webhook_json(&recap),
        };
        assert_eq!(item.body, expected_body, "{item:?}");
    }
}

#[test]
fn keys_follow_documented_format() {
    let items = deliveries(&sample("en"), &recipients());
    let keys: Vec<&str> = items
        .iter()
        .map(|item| item.idempotency_key.as_str())
        .collect();
    assert_eq!(keys[2], "call-42-recap-email-front-desk@example.com");
    assert_eq!(keys[3], "call-42-recap-email-a.patel@example.com");
    for (key, prefix) in [
        (keys[0], "call-42-recap-sms-"),
        (keys[1], "call-42-recap-sms-"),
        (keys[4], "call-42-recap-webhook-"),
        (keys[5], "call-42-recap-webhook-"),
    ] {
        let hash = key.strip_prefix(prefix).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(hash.len(), 16, "{key}");
        assert!(hash.bytes().all(|byte| byte.is_ascii_hexdigit()), "{key}");
    }
    for key in &keys {
        assert!(!key.contains("7700"), "no phone number in {key}");
        assert!(!key.contains("token"), "no URL query in {key}");
    }
}

#[test]
fn keys_stable_across_runs() {
    let first = deliveries(&sample("en"), &recipients());
    // Another language, other facts, separators and case: same call, same recipients.
    let mut changed = sample("fr");
    changed.reason = Some("something else".to_owned());
    let respelled = Recipients {
        sms: vec!["+447700900125".to_owned(), "07700 900 126".to_owned()],
        email: vec![
            " Front-Desk@Example.com ".to_owned(),
            "a.patel@example.com".to_owned(),
        ],
        webhook: recipients().webhook,
    };
    let second = deliveries(&changed, &respelled);
    let keys = |items: &[standardiste_recap::NewDelivery]| -> Vec<String> {
        items
            .iter()
            .map(|item| item.idempotency_key.clone())
            .collect()
    };
    assert_eq!(keys(&first), keys(&second));

    let mut other_call = sample("en");
    other_call.call_id = 43;
    let third = deliveries(&other_call, &recipients());
    for (before, after) in keys(&first).iter().zip(keys(&third)) {
        assert_ne!(before, &after, "another call gets other keys");
        assert!(after.starts_with("call-43-recap-"), "{after}");
    }
}

#[test]
fn keys_distinct_and_bounded() {
    let long_local = "x".repeat(190);
    let recipients = Recipients {
        sms: (0..50).map(|n| format!("+4477009{n:05}")).collect(),
        email: vec![
            format!("{long_local}1@example.com"),
            format!("{long_local}2@example.com"),
            "rené@exemple.fr".to_owned(),
            "rene@exemple.fr".to_owned(),
        ],
        webhook: (0..50)
            .map(|n| format!("https://hooks.example.com/{}/{n}", "p".repeat(300)))
            .collect(),
    };
    let items = deliveries(&sample("en"), &recipients);
    assert_eq!(items.len(), 104);
    let mut seen = HashSet::new();
    for item in &items {
        let key = &item.idempotency_key;
        assert!(key.len() <= MAX_KEY_BYTES, "{} bytes: {key}", key.len());
        assert!(key.bytes().all(|byte| byte.is_ascii_graphic()), "{key}");
        assert!(seen.insert(key.clone()), "repeated key {key}");
    }
    let long_key = recap_key(42, Channel::Email, &format!("{long_local}1@example.com"));
    assert!(
        long_key.starts_with("call-42-recap-email-sha256-"),
        "{long_key}"
    );
    let accented = recap_key(42, Channel::Email, "rené@exemple.fr");
    assert!(
        accented.starts_with("call-42-recap-email-sha256-"),
        "{accented}"
    );
    assert_eq!(
        recap_key(i64::MIN, Channel::Email, "a@b.fr"),
        "call--9223372036854775808-recap-email-a@b.fr"
    );
}

#[test]
fn repeats_and_blanks_skipped() {
    let recipients = Recipients {
        sms: vec![
            "+44 7700 900125".to_owned(),
            "+447700900125".to_owned(),
            " ".to_owned(),
        ],
        email: vec![
            "Owner@Example.com".to_owned(),
            "owner@example.com".to_owned(),
        ],
        webhook: vec![
            "https://a.example.com/X".to_owned(),
            "https://a.example.com/x".to_owned(),
            String::new(),
        ],
    };
    let items = deliveries(&sample("en"), &recipients);
    let summary: Vec<(Channel, &str)> = items
        .iter()
        .map(|item| (item.channel, item.recipient.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (Channel::Sms, "+447700900125"),
            (Channel::Email, "Owner@Example.com"),
            (Channel::Webhook, "https://a.example.com/X"),
            (Channel::Webhook, "https://a.example.com/x"),
        ],
        "URL paths are case-sensitive, email addresses are not"
    );
    assert!(deliveries(&sample("en"), &Recipients::default()).is_empty());
}

#[test]
fn outbox_accepts_every_item_once() {
    let dir = tempfile::tempdir().unwrap();
    let conn = outbox_db(dir.path());
    for language in ["en", "fr"] {
        let mut recap = sample(language);
        recap.call_id = if language == "en" { 1 } else { 2 };
        let items = deliveries(&recap, &recipients());
        enqueue_all(&conn, &items);
        // Building the items again after a crash stores nothing new.
        for item in deliveries(&recap, &recipients()) {
            assert!(!enqueue(&conn, &item).unwrap(), "{item:?} stored twice");
        }
    }
    let count: i64 = conn
        .query_row("SELECT COUNT(*) FROM outbox", [], |row| row.get(0))
        .unwrap();
    assert_eq!(count, 12);
}

#[test]
fn invalid_recipient_rejected_by_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let conn = outbox_db(dir.path());
    let recipients = Recipients {
        sms: vec!["call me".to_owned()],
        email: vec!["not-an-address".to_owned()],
        webhook: Vec::new(),
    };
    for item in deliveries(&sample("en"), &recipients) {
        let err = enqueue(&conn, &item).expect_err("invalid recipient must be rejected");
        assert!(err.to_string().contains("recipient"), "{err}");
    }
}

fn alert() -> UrgentAlert {
    UrgentAlert {
        call_id: 42,
        language: "en".to_owned(),
        name: Some("Alex Martin".to_owned()),
        callback_number: Some("+44 7700 900123".to_owned()),
        caller_id: None,
        reason: Some("heavy bleeding".to_owned()),
        escalation: Some("emergency".to_owned()),
        callback_within_min: Some(15),
    }
}

#[test]
fn alert_key_once_per_number() {
    let first = urgent_alert(&alert(), "+44 7700 900126");
    let again = urgent_alert(&alert(), "+447700900126");
    let other = urgent_alert(&alert(), "+44 7700 900127");
    assert_eq!(first.idempotency_key, again.idempotency_key);
    assert_ne!(first.idempotency_key, other.idempotency_key);
    assert!(
        first.idempotency_key.starts_with("call-42-alert-sms-"),
        "{}",
        first.idempotency_key
    );
    let recap_keys: Vec<String> = deliveries(
        &sample("en"),
        &Recipients {
            sms: vec!["+447700900126".to_owned()],
            ..Recipients::default()
        },
    )
    .into_iter()
    .map(|item| item.idempotency_key)
    .collect();
    assert!(
        !recap_keys.contains(&first.idempotency_key),
        "alert and recap differ"
    );

    let dir = tempfile::tempdir().unwrap();
    let conn = outbox_db(dir.path());
    assert!(enqueue(&conn, &first).unwrap());
    assert!(
        !enqueue(&conn, &again).unwrap(),
        "one call alerts a number once"
    );
    assert!(enqueue(&conn, &other).unwrap());
}
