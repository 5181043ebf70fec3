//! Enqueue, status and the owner's actions, on a real SQLite file.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::hook::{Hook, Reply};
use common::{fast_policy, open, row, temp_db, webhook_item, webhook_transports};
use standardiste_outbox::{
    enqueue, purge_sent, retry_failed, status, Channel, NewDelivery, Outbox, OutboxError,
    Transports,
};

#[test]
fn enqueue_same_key_stores_one_item() {
    let (_dir, path) = temp_db();
    let conn = open(&path);
    let item = webhook_item("call-1-recap-webhook");
    assert!(enqueue(&conn, &item).unwrap(), "first enqueue inserts");
    assert!(!enqueue(&conn, &item).unwrap(), "second enqueue is ignored");
    let count: i64 = conn
        .query_row("SELECT COUNT(*) FROM outbox", [], |row| row.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn enqueue_follows_caller_transaction() {
    let (_dir, path) = temp_db();
    let mut conn = open(&path);

    let rolled_back = conn.transaction().unwrap();
    assert!(enqueue(&rolled_back, &webhook_item("call-2-a")).unwrap());
    rolled_back.rollback().unwrap();

    let committed = conn.transaction().unwrap();
    assert!(enqueue(&committed, &webhook_item("call-2-b")).unwrap());
    committed.commit().unwrap();

    let keys: Vec<String> = conn
        .prepare("SELECT idempotency_key FROM outbox")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(keys, ["call-2-b"]);
}

#[test]
fn enqueue_rejects_invalid_items() {
    let (_dir, path) = temp_db();
    let conn = open(&path);
    let valid_sms = NewDelivery {
        channel: Channel::Sms,
        recipient: "+33612345678".to_owned(),
        subject: String::new(),
        body: "Rappel demandé".to_owned(),
        idempotency_key: "call-3-sms".to_owned(),
    };
    let cases = [
        (
            "body",
            NewDelivery {
                channel: Channel::Webhook,
                body: "not json".to_owned(),
                ..valid_sms.clone()
            },
        ),
        (
            "recipient",
            NewDelivery {
                recipient: "06 12".to_owned(),
                ..valid_sms.clone()
            },
        ),
        (
            "recipient",
            NewDelivery {
                channel: Channel::Email,
                recipient: "owner".to_owned(),
                ..valid_sms.clone()
            },
        ),
        (
            "idempotency_key",
            NewDelivery {
                idempotency_key: String::new(),
                ..valid_sms.clone()
            },
        ),
        (
            "idempotency_key",
            NewDelivery {
                idempotency_key: "has space".to_owned(),
                ..valid_sms.clone()
            },
        ),
        (
            "subject",
            NewDelivery {
                subject: "two\nlines".to_owned(),
                ..valid_sms.clone()
            },
        ),
    ];
    for (field, item) in cases {
        match enqueue(&conn, &item) {
            Err(OutboxError::InvalidDelivery { field: named, .. }) => {
                assert_eq!(named, field, "{item:?}")
            }
            other => panic!("expected an invalid {field}, got {other:?} for {item:?}"),
        }
    }
    assert!(
        enqueue(&conn, &valid_sms).unwrap(),
        "the valid SMS is accepted"
    );
}

#[test]
fn invalid_phone_error_masks_number() {
    let (_dir, path) = temp_db();
    let conn = open(&path);
    let item = NewDelivery {
        channel: Channel::Sms,
        recipient: "+33 6 12 34 56 78".to_owned(),
        subject: String::new(),
        body: "x".to_owned(),
        idempotency_key: "call-4-sms".to_owned(),
    };
    let message = enqueue(&conn, &item).unwrap_err().to_string();
    assert!(!message.contains("12 34 56"), "{message}");
    assert!(message.contains("78"), "{message}");
}

#[tokio::test]
async fn missing_table_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite3");
    let err = Outbox::new(&path, Transports::default(), fast_policy(3))
        .await
        .err();
    assert!(
        matches!(err, Some(OutboxError::MissingTable { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn channel_without_transport_stays_pending() {
    let (_dir, path) = temp_db();
    let conn = open(&path);
    let sms = NewDelivery {
        channel: Channel::Sms,
        recipient: "+33612345678".to_owned(),
        subject: String::new(),
        body: "Rappel demandé".to_owned(),
        idempotency_key: "call-5-sms".to_owned(),
    };
    enqueue(&conn, &sms).unwrap();
    let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(200)).await;
    let outbox = Outbox::new(&path, webhook_transports(&hook.url()), fast_policy(3))
        .await
        .unwrap();

    for _ in 0..2 {
        let report = outbox.run_due().await.unwrap();
        assert_eq!(report.waiting_for_transport, 1);
        assert!(report.sent.is_empty(), "{report:?}");
        assert!(report.retried.is_empty(), "{report:?}");
        assert!(report.failed.is_empty(), "{report:?}");
    }
    let summary = status(&conn).unwrap();
    assert_eq!(summary.pending, 1);
    assert_eq!(row(&path, 1).attempts, 0, "no attempt without a transport");
    assert!(hook.received().is_empty());
}

#[tokio::test]
async fn status_counts_and_purge() {
    let (_dir, path) = temp_db();
    let conn = open(&path);
    let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(200)).await;
    enqueue(&conn, &webhook_item("call-6-a")).unwrap();
    enqueue(&conn, &webhook_item("call-6-b")).unwrap();

    let before = status(&conn).unwrap();
    assert_eq!(before.pending, 2);
    assert!(before.oldest_pending_age.is_some());
    assert_eq!(before.last_error, None);

    let outbox = Outbox::new(&path, webhook_transports(&hook.url()), fast_policy(3))
        .await
        .unwrap();
    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.sent.len(), 2);

    let after = status(&conn).unwrap();
    assert_eq!(
        (after.pending, after.sending, after.failed, after.sent),
        (0, 0, 0, 2)
    );
    assert_eq!(after.oldest_pending_age, None);

    assert_eq!(
        purge_sent(&conn, Duration::from_secs(3600)).unwrap(),
        0,
        "recent items are kept"
    );
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(purge_sent(&conn, Duration::from_millis(1)).unwrap(), 2);
    assert!(
        !retry_failed(&conn, 1).unwrap(),
        "a purged item cannot be retried"
    );
}

#[tokio::test]
async fn run_wakes_on_enqueue_and_stops() {
    let (_dir, path) = temp_db();
    let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(200)).await;
    let outbox = Arc::new(
        Outbox::new(&path, webhook_transports(&hook.url()), fast_policy(3))
            .await
            .unwrap(),
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let runner = tokio::spawn({
        let outbox = Arc::clone(&outbox);
        async move { outbox.run(stopped).await }
    });

    // With nothing pending, run sleeps up to a minute: only wake() makes it send now.
    tokio::time::sleep(Duration::from_millis(200)).await;
    enqueue(&open(&path), &webhook_item("call-7-recap")).unwrap();
    outbox.wake();
    assert!(
        hook.wait_for_requests(1, Duration::from_secs(5)).await,
        "wake() did not start a pass"
    );

    stop.send(true).unwrap();
    let joined = tokio::time::timeout(Duration::from_secs(5), runner).await;
    assert!(joined.is_ok(), "run did not stop on shutdown");
    assert_eq!(row(&path, 1).state, "sent");
}
