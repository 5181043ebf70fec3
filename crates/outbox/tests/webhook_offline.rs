//! A webhook receiver that is down, then comes up on the same port: items
//! wait with their errors and attempts, then each arrives exactly once.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::hook::{Hook, Reply};
use common::{
    fast_policy, ids, open, row, temp_db, unused_addr, webhook_item, webhook_transports, SECRET,
};
use standardiste_outbox::webhook::sign;
use standardiste_outbox::{enqueue, status, Outbox};

#[tokio::test]
async fn offline_receiver_then_delivered_once() {
    let (_dir, path) = temp_db();
    let addr = unused_addr();
    let url = format!("http://{addr}/hooks/recap");
    let conn = open(&path);
    let keys: Vec<String> = (1..=5).map(|n| format!("call-{n}-recap-webhook")).collect();
    for key in &keys {
        assert!(enqueue(&conn, &webhook_item(key)).unwrap());
    }
    let outbox = Outbox::new(&path, webhook_transports(&url), fast_policy(20))
        .await
        .unwrap();

    // Receiver down: two passes, each counts an attempt and keeps the error.
    for pass in 1..=2 {
        let report = outbox.run_due().await.unwrap();
        assert_eq!(report.retried.len(), 5, "pass {pass}: {report:?}");
        assert!(report.sent.is_empty(), "pass {pass}: {report:?}");
        assert!(report.failed.is_empty(), "pass {pass}: {report:?}");
        // Longer than the longest backoff (80 ms), so every item is due again.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for id in ids(&path) {
        let item = row(&path, id);
        assert_eq!(item.state, "pending", "item {id}");
        assert_eq!(item.attempts, 2, "item {id}");
        let error = item.last_error.unwrap_or_default();
        assert!(
            error.contains("cannot connect to webhook"),
            "item {id}: {error}"
        );
        assert!(error.contains(&addr.to_string()), "item {id}: {error}");
    }
    let offline = status(&conn).unwrap();
    assert_eq!(offline.pending, 5);
    assert!(offline
        .last_error
        .is_some_and(|error| error.contains("cannot connect")));

    // Receiver up on the same port: passes until nothing is pending.
    let hook = Hook::start(addr, Reply::Status(200)).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while status(&conn).unwrap().pending > 0 {
        assert!(
            Instant::now() < deadline,
            "items still pending: {:?}",
            status(&conn).unwrap()
        );
        outbox.run_due().await.unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    // A further pass sends nothing again.
    let report = outbox.run_due().await.unwrap();
    assert!(report.sent.is_empty(), "{report:?}");

    let online = status(&conn).unwrap();
    assert_eq!(online.sent, 5);
    assert_eq!(online.failed, 0);
    assert_eq!(online.sending, 0);

    let received = hook.received();
    assert_eq!(received.len(), 5, "total requests");
    let distinct: BTreeSet<String> = received
        .iter()
        .filter_map(|request| request.key.clone())
        .collect();
    assert_eq!(
        distinct,
        keys.iter().cloned().collect::<BTreeSet<_>>(),
        "one request per key"
    );

    for request in &received {
        let key = request.key.clone().unwrap();
        let expected = sign(SECRET.as_bytes(), &request.body);
        assert_eq!(
            request.signature.as_deref(),
            Some(expected.as_str()),
            "signature of {key}"
        );
        let envelope: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(envelope["idempotency_key"], key.as_str(), "key in the body");
        assert_eq!(envelope["recipient"], "crm");
        assert_eq!(envelope["recap"]["call"], key.as_str());
        assert_eq!(envelope["recap"]["summary"], "Rappel demandé : Mme Lefèvre");
        assert!(
            envelope["created_at"]
                .as_str()
                .is_some_and(|text| text.ends_with('Z')),
            "{envelope}"
        );
    }
}

#[tokio::test]
async fn wrong_secret_fails_signature_check() {
    // The receiver's check must be able to fail: a different secret gives a
    // different signature for the same body.
    let body = br#"{"idempotency_key":"call-9"}"#;
    assert_ne!(sign(SECRET.as_bytes(), body), sign(b"other-secret", body));
}
