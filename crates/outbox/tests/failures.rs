//! Permanent and transient webhook failures, the attempt limit, and the
//! owner's retry.

mod common;

use std::time::Duration;

use common::hook::{Hook, Reply};
use common::{fast_policy, open, row, temp_db, webhook_item, webhook_transports};
use standardiste_outbox::{enqueue, retry_failed, status, Outbox};

#[tokio::test]
async fn http_400_fails_after_one_attempt() {
    let (_dir, path) = temp_db();
    let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(400)).await;
    enqueue(&open(&path), &webhook_item("call-10-recap")).unwrap();
    let outbox = Outbox::new(&path, webhook_transports(&hook.url()), fast_policy(5))
        .await
        .unwrap();

    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.failed, [1]);
    let item = row(&path, 1);
    assert_eq!(item.state, "failed");
    assert_eq!(item.attempts, 1);
    let error = item.last_error.unwrap_or_default();
    assert!(error.contains("400"), "{error}");
    assert!(
        error.contains("test receiver responds 400"),
        "response body in the error: {error}"
    );

    tokio::time::sleep(Duration::from_millis(100)).await;
    let again = outbox.run_due().await.unwrap();
    assert!(
        again.failed.is_empty(),
        "a failed item is not retried by itself"
    );
    assert!(
        again.sent.is_empty(),
        "a failed item is not retried by itself"
    );
    assert_eq!(hook.received().len(), 1);
}

#[tokio::test]
async fn http_503_retries_until_max_attempts() {
    let (_dir, path) = temp_db();
    let conn = open(&path);
    let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(503)).await;
    enqueue(&conn, &webhook_item("call-11-recap")).unwrap();
    let outbox = Outbox::new(&path, webhook_transports(&hook.url()), fast_policy(3))
        .await
        .unwrap();

    for attempt in 1..=2 {
        let report = outbox.run_due().await.unwrap();
        assert_eq!(report.retried, [1], "attempt {attempt}");
        let item = row(&path, 1);
        assert_eq!(item.state, "pending", "attempt {attempt}");
        assert_eq!(item.attempts, attempt);
        assert!(item.last_error.unwrap_or_default().contains("503"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.failed, [1], "third attempt reaches max_attempts");
    let item = row(&path, 1);
    assert_eq!(item.state, "failed");
    assert_eq!(item.attempts, 3);
    let error = item.last_error.unwrap_or_default();
    assert!(error.contains("gave up after 3 attempts"), "{error}");
    assert!(error.contains("503"), "{error}");
    assert_eq!(status(&conn).unwrap().failed, 1);

    // The owner presses "retry" once the receiver works again.
    assert!(retry_failed(&conn, 1).unwrap());
    assert!(
        !retry_failed(&conn, 1).unwrap(),
        "only a failed item can be retried"
    );
    assert!(!retry_failed(&conn, 999).unwrap(), "unknown id");
    let item = row(&path, 1);
    assert_eq!((item.state.as_str(), item.attempts), ("pending", 0));

    hook.set_reply(Reply::Status(200));
    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.sent, [1]);
    assert_eq!(row(&path, 1).state, "sent");
    assert_eq!(
        hook.received().len(),
        4,
        "three refused attempts and one accepted"
    );
}

#[tokio::test]
async fn http_429_and_408_are_transient() {
    for code in [408, 429] {
        let (_dir, path) = temp_db();
        let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Status(code)).await;
        enqueue(&open(&path), &webhook_item("call-12-recap")).unwrap();
        let outbox = Outbox::new(&path, webhook_transports(&hook.url()), fast_policy(5))
            .await
            .unwrap();
        let report = outbox.run_due().await.unwrap();
        assert_eq!(report.retried, [1], "HTTP {code}");
        assert_eq!(row(&path, 1).state, "pending", "HTTP {code}");
    }
}

#[tokio::test]
async fn held_request_times_out_transiently() {
    let (_dir, path) = temp_db();
    let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Hold).await;
    enqueue(&open(&path), &webhook_item("call-13-recap")).unwrap();
    let transport =
        standardiste_outbox::WebhookTransport::new(standardiste_outbox::WebhookSettings {
            url: hook.url(),
            secret: None,
            timeout: Duration::from_millis(300),
            extra_root_certificate_pem: None,
        })
        .unwrap();
    let transports = standardiste_outbox::Transports {
        webhook: Some(std::sync::Arc::new(transport)),
        ..Default::default()
    };
    let outbox = Outbox::new(&path, transports, fast_policy(5))
        .await
        .unwrap();
    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.retried, [1]);
    let error = row(&path, 1).last_error.unwrap_or_default();
    assert!(error.contains("timed out after 300ms"), "{error}");
    assert!(
        hook.received()[0].signature.is_none(),
        "no secret, no signature"
    );
}
