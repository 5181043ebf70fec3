//! Webhook items routed by their recipient URL: two receivers, one that
//! goes down and comes back on the same port, and an invalid URL.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::hook::{Hook, Reply};
use common::{fast_policy, open, row, temp_db, SECRET};
use standardiste_outbox::webhook::sign;
use standardiste_outbox::{
    enqueue, status, Channel, NewDelivery, Outbox, Transports, WebhookRoutes, WebhookRoutesSettings,
};

fn routes() -> Transports {
    let routes = WebhookRoutes::new(WebhookRoutesSettings {
        secret: Some(SECRET.to_owned()),
        timeout: Duration::from_secs(2),
        extra_root_certificate_pem: None,
    })
    .expect("valid webhook settings");
    Transports {
        webhook: Some(Arc::new(routes)),
        ..Default::default()
    }
}

fn item_to(url: &str, key: &str) -> NewDelivery {
    NewDelivery {
        channel: Channel::Webhook,
        recipient: url.to_owned(),
        subject: format!("Recap {key}"),
        body: format!(r#"{{"call": "{key}"}}"#),
        idempotency_key: key.to_owned(),
    }
}

/// Returns the keys of the requests `hook` received, in order.
fn keys(hook: &Hook) -> Vec<String> {
    hook.received()
        .iter()
        .map(|request| request.key.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn items_reach_their_own_url() {
    let first = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(200)).await;
    let second = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(204)).await;
    let (_dir, path) = temp_db();
    let conn = open(&path);
    enqueue(&conn, &item_to(&first.url(), "call-1-recap-webhook-a")).unwrap();
    enqueue(&conn, &item_to(&second.url(), "call-1-recap-webhook-b")).unwrap();
    enqueue(&conn, &item_to(&first.url(), "call-2-recap-webhook-a")).unwrap();
    let outbox = Outbox::new(&path, routes(), fast_policy(3)).await.unwrap();

    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.sent, [1, 2, 3], "{report:?}");
    assert_eq!(
        keys(&first),
        ["call-1-recap-webhook-a", "call-2-recap-webhook-a"]
    );
    assert_eq!(keys(&second), ["call-1-recap-webhook-b"]);

    for request in first.received().iter().chain(second.received().iter()) {
        let expected = sign(SECRET.as_bytes(), &request.body);
        assert_eq!(
            request.signature.as_deref(),
            Some(expected.as_str()),
            "signature of {:?}",
            request.key
        );
    }
    let envelope: serde_json::Value = serde_json::from_slice(&second.received()[0].body).unwrap();
    assert_eq!(envelope["recipient"], second.url().as_str());
    assert_eq!(envelope["recap"]["call"], "call-1-recap-webhook-b");
}

#[tokio::test]
async fn stopped_receiver_gets_item_after_retry() {
    let steady = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(200)).await;
    let flaky = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(200)).await;
    let flaky_addr = flaky.addr;
    let flaky_url = flaky.url();
    let (_dir, path) = temp_db();
    let conn = open(&path);
    let outbox = Outbox::new(&path, routes(), fast_policy(20)).await.unwrap();

    // Both up: the first item of each URL arrives, which caches both transports.
    enqueue(
        &conn,
        &item_to(&steady.url(), "call-5-recap-webhook-steady"),
    )
    .unwrap();
    enqueue(&conn, &item_to(&flaky_url, "call-5-recap-webhook-flaky")).unwrap();
    assert_eq!(outbox.run_due().await.unwrap().sent, [1, 2]);

    // The second receiver stops: its item waits, the other URL still works.
    flaky.stop().await;
    enqueue(
        &conn,
        &item_to(&steady.url(), "call-6-recap-webhook-steady"),
    )
    .unwrap();
    enqueue(&conn, &item_to(&flaky_url, "call-6-recap-webhook-flaky")).unwrap();
    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.sent, [3], "{report:?}");
    assert_eq!(report.retried, [4], "{report:?}");
    let waiting = row(&path, 4);
    assert_eq!(waiting.state, "pending");
    assert_eq!(waiting.attempts, 1);
    let error = waiting.last_error.unwrap_or_default();
    assert!(error.contains("cannot connect to webhook"), "{error}");
    assert!(error.contains(&flaky_addr.to_string()), "{error}");

    // The receiver starts again on the same port: a later pass delivers it.
    let restarted = Hook::start(flaky_addr, Reply::Status(200)).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while status(&conn).unwrap().pending > 0 {
        assert!(
            Instant::now() < deadline,
            "item still pending: {:?}",
            row(&path, 4)
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
        outbox.run_due().await.unwrap();
    }
    let delivered = row(&path, 4);
    assert_eq!(delivered.state, "sent");
    assert!(delivered.attempts >= 2, "{delivered:?}");
    assert_eq!(keys(&restarted), ["call-6-recap-webhook-flaky"]);
    assert_eq!(
        keys(&steady),
        ["call-5-recap-webhook-steady", "call-6-recap-webhook-steady"]
    );
}

#[tokio::test]
async fn invalid_url_fails_at_once() {
    let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(200)).await;
    let (_dir, path) = temp_db();
    let conn = open(&path);
    let invalid = "ftp://127.0.0.1/hooks/recap?token=s3cret";
    enqueue(&conn, &item_to(invalid, "call-7-recap-webhook-bad")).unwrap();
    enqueue(&conn, &item_to(&hook.url(), "call-7-recap-webhook-good")).unwrap();
    let outbox = Outbox::new(&path, routes(), fast_policy(5)).await.unwrap();

    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.failed, [1], "{report:?}");
    assert_eq!(report.sent, [2], "{report:?}");
    let failed = row(&path, 1);
    assert_eq!(failed.state, "failed");
    assert_eq!(failed.attempts, 1);
    let error = failed.last_error.unwrap_or_default();
    assert!(error.contains("ftp://127.0.0.1/hooks/recap"), "{error}");
    assert!(error.contains("not a valid URL"), "{error}");
    assert!(
        !error.contains("s3cret"),
        "query kept out of the error: {error}"
    );
    assert_eq!(keys(&hook), ["call-7-recap-webhook-good"]);
}
