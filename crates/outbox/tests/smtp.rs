//! Email delivery through a real SMTP server: Python's aiosmtpd on loopback,
//! with STARTTLS on a certificate made by the test, and AUTH.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::{fast_policy, open, row, temp_db};
use standardiste_outbox::smtp::message_id;
use standardiste_outbox::{
    enqueue, Channel, Delivery, NewDelivery, Outbox, SmtpSecurity, SmtpSettings, SmtpTransport,
    Transport, Transports,
};

const USER: &str = "box";
const PASSWORD: &str = "correct horse";
const FROM_DOMAIN: &str = "cabinet.test";
const SUBJECT: &str = "Rappel demandé : Mme Lefèvre";
const BODY: &str =
    "Mme Lefèvre a appelé à 14 h 05.\nElle souhaite être rappelée demain matin, après 9 h.\n";
const REJECTED: &str = "nobody@cabinet.test";

/// Returns `$STANDARDISTE_PYTHON`, or the interpreter of `<workspace>/.deps/venv`
/// that scripts/setup creates, and fails the test when it cannot import aiosmtpd.
fn python() -> PathBuf {
    let python = match std::env::var_os("STANDARDISTE_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => common::workspace_dir().join(".deps/venv/bin/python"),
    };
    let check = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .output();
    let ok = matches!(&check, Ok(output) if output.status.success());
    assert!(
        ok,
        "no Python with the aiosmtpd package at {}: run scripts/setup, which installs \
         aiosmtpd in .deps/venv, or set STANDARDISTE_PYTHON ({check:?})",
        python.display()
    );
    python
}

/// Generates a self-signed certificate for localhost and 127.0.0.1.
/// Returns (certificate PEM, key PEM).
fn certificate() -> (String, String) {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let certified = rcgen::generate_simple_self_signed(names).expect("generate a certificate");
    (certified.cert.pem(), certified.signing_key.serialize_pem())
}

/// The aiosmtpd server process. Dropping it kills the process.
struct SmtpServer {
    child: Child,
    port: u16,
    out: PathBuf,
    cert_pem: String,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let (cert_pem, key_pem) = certificate();
        let cert_path = dir.path().join("cert.pem");
        let key_path = dir.path().join("key.pem");
        std::fs::write(&cert_path, &cert_pem).unwrap();
        std::fs::write(&key_path, &key_pem).unwrap();
        let out = dir.path().join("received");
        std::fs::create_dir(&out).unwrap();

        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg("--cert")
            .arg(&cert_path)
            .arg("--key")
            .arg(&key_path)
            .arg("--out")
            .arg(&out)
            .args(["--user", USER, "--password", PASSWORD, "--reject", REJECTED])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read the SMTP server's port");
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("the SMTP server did not start: {line:?}"));
        SmtpServer {
            child,
            port,
            out,
            cert_pem,
            _dir: dir,
        }
    }

    fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            security: SmtpSecurity::StartTls,
            username: Some(USER.to_owned()),
            password: Some(PASSWORD.to_owned()),
            from: format!("Standardiste <standardiste@{FROM_DOMAIN}>"),
            extra_root_certificate_pem: Some(self.cert_pem.clone().into_bytes()),
            timeout: Duration::from_secs(5),
        }
    }

    /// Returns the messages received so far, as written by the server script.
    fn messages(&self) -> Vec<serde_json::Value> {
        let mut messages = Vec::new();
        for entry in std::fs::read_dir(&self.out).unwrap() {
            let path = entry.unwrap().path();
            if path
                .extension()
                .is_some_and(|extension| extension == "json")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                messages.push(serde_json::from_str(&text).unwrap());
            }
        }
        messages
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn email(key: &str, recipient: &str) -> NewDelivery {
    NewDelivery {
        channel: Channel::Email,
        recipient: recipient.to_owned(),
        subject: SUBJECT.to_owned(),
        body: BODY.to_owned(),
        idempotency_key: key.to_owned(),
    }
}

fn transports(transport: SmtpTransport) -> Transports {
    Transports {
        email: Some(Arc::new(transport)),
        ..Default::default()
    }
}

fn delivery(key: &str) -> Delivery {
    Delivery {
        id: 1,
        channel: Channel::Email,
        recipient: "owner@cabinet.test".to_owned(),
        subject: SUBJECT.to_owned(),
        body: BODY.to_owned(),
        idempotency_key: key.to_owned(),
        attempts: 1,
        created_at: time::OffsetDateTime::now_utc(),
        last_error: None,
    }
}

#[tokio::test]
async fn email_arrives_once_with_message_id() {
    let server = SmtpServer::start();
    let (_dir, path) = temp_db();
    let key = "call-42-recap-email-owner@cabinet.test";
    enqueue(&open(&path), &email(key, "owner@cabinet.test")).unwrap();
    let transport = SmtpTransport::new(server.settings()).unwrap();
    let outbox = Outbox::new(&path, transports(transport), fast_policy(3))
        .await
        .unwrap();

    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.sent, [1], "{:?}", row(&path, 1));
    let again = outbox.run_due().await.unwrap();
    assert!(again.sent.is_empty(), "{again:?}");

    let messages = server.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!(message["subject"], SUBJECT);
    // lettre 0.11 always writes CRLF . CRLF after the data, so the received
    // body ends with one more line break than the text sent.
    let body = message["body"]
        .as_str()
        .unwrap_or_default()
        .replace("\r\n", "\n");
    assert_eq!(body.trim_end_matches('\n'), BODY.trim_end_matches('\n'));
    assert_eq!(message["content_type"], "text/plain");
    assert_eq!(message["charset"], "utf-8");
    assert_eq!(message["message_id"], message_id(key, FROM_DOMAIN));
    assert_eq!(message["mail_from"], format!("standardiste@{FROM_DOMAIN}"));
    assert_eq!(
        message["rcpt_tos"],
        serde_json::json!(["owner@cabinet.test"])
    );
    assert_eq!(message["tls"], true, "STARTTLS was used");
    assert_eq!(message["login"], USER, "AUTH was used");
}

#[tokio::test]
async fn rejected_recipient_fails_permanently() {
    let server = SmtpServer::start();
    let (_dir, path) = temp_db();
    enqueue(&open(&path), &email("call-43-recap-email", REJECTED)).unwrap();
    let transport = SmtpTransport::new(server.settings()).unwrap();
    let outbox = Outbox::new(&path, transports(transport), fast_policy(3))
        .await
        .unwrap();

    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.failed, [1]);
    let item = row(&path, 1);
    assert_eq!(item.attempts, 1);
    let error = item.last_error.unwrap_or_default();
    assert!(error.contains("550"), "{error}");
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn untrusted_certificate_fails_transiently() {
    let server = SmtpServer::start();
    let mut settings = server.settings();
    // Trust another self-signed certificate than the server's.
    settings.extra_root_certificate_pem = Some(certificate().0.into_bytes());
    let transport = SmtpTransport::new(settings).unwrap();

    let err = transport
        .deliver(&delivery("call-44-recap-email"))
        .await
        .unwrap_err();
    assert!(!err.permanent, "{err:?}");
    assert!(
        err.message.contains(&format!("127.0.0.1:{}", server.port)),
        "{}",
        err.message
    );
    assert!(
        err.message.to_lowercase().contains("certificate"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("extra_root_certificate_pem"),
        "{}",
        err.message
    );
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn wrong_password_fails_transiently() {
    let server = SmtpServer::start();
    let mut settings = server.settings();
    settings.password = Some("not-the-password-7731".to_owned());
    let transport = SmtpTransport::new(settings).unwrap();

    let err = transport
        .deliver(&delivery("call-45-recap-email"))
        .await
        .unwrap_err();
    assert!(!err.permanent, "{err:?}");
    assert!(err.message.contains("535"), "{}", err.message);
    assert!(
        err.message.contains("check the username and password"),
        "{}",
        err.message
    );
    assert!(
        !err.message.contains("7731"),
        "the password stays out of the message: {}",
        err.message
    );
    assert!(server.messages().is_empty());
}
