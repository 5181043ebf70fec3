//! The webhook over HTTPS, to a receiver with a self-signed certificate.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::hook::{Hook, Reply};
use common::{fast_policy, open, row, temp_db, webhook_item, SECRET};
use standardiste_outbox::webhook::sign;
use standardiste_outbox::{enqueue, Outbox, Transports, WebhookSettings, WebhookTransport};
use tokio_rustls::rustls::pki_types::PrivatePkcs8KeyDer;

async fn tls_hook() -> (Hook, String) {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let certified = rcgen::generate_simple_self_signed(names).expect("generate a certificate");
    let key = PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der());
    let hook = Hook::start_tls(Reply::Status(200), certified.cert.der().clone(), key).await;
    (hook, certified.cert.pem())
}

fn transports(url: String, extra_root: Option<String>) -> Transports {
    let transport = WebhookTransport::new(WebhookSettings {
        url,
        secret: Some(SECRET.to_owned()),
        timeout: Duration::from_secs(2),
        extra_root_certificate_pem: extra_root.map(String::into_bytes),
    })
    .expect("valid webhook settings");
    Transports {
        webhook: Some(Arc::new(transport)),
        ..Default::default()
    }
}

#[tokio::test]
async fn https_with_trusted_certificate_delivers() {
    let (hook, cert_pem) = tls_hook().await;
    let (_dir, path) = temp_db();
    enqueue(&open(&path), &webhook_item("call-30-recap")).unwrap();
    let outbox = Outbox::new(
        &path,
        transports(hook.https_url(), Some(cert_pem)),
        fast_policy(3),
    )
    .await
    .unwrap();

    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.sent, [1], "{:?}", row(&path, 1));
    let received = hook.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].key.as_deref(), Some("call-30-recap"));
    let expected = sign(SECRET.as_bytes(), &received[0].body);
    assert_eq!(received[0].signature.as_deref(), Some(expected.as_str()));
}

#[tokio::test]
async fn https_with_untrusted_certificate_is_transient() {
    let (hook, _) = tls_hook().await;
    let (_dir, path) = temp_db();
    enqueue(&open(&path), &webhook_item("call-31-recap")).unwrap();
    let outbox = Outbox::new(&path, transports(hook.https_url(), None), fast_policy(3))
        .await
        .unwrap();

    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.retried, [1]);
    let item = row(&path, 1);
    assert_eq!(item.state, "pending");
    let error = item.last_error.unwrap_or_default();
    assert!(error.contains("TLS handshake"), "{error}");
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    assert!(error.contains("extra_root_certificate_pem"), "{error}");
    assert!(
        hook.received().is_empty(),
        "no request without a trusted certificate"
    );
}
