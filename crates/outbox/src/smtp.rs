//! The email transport: SMTP with STARTTLS or implicit TLS (rustls), through
//! the lettre crate, one connection per message.
//!
//! Each message is `text/plain; charset=utf-8` with a `Message-ID` derived
//! from the item's idempotency key (see [`message_id`]), so that a message
//! sent again after a crash carries the same Message-ID as the first copy.

use std::fmt;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};

use crate::delivery::Delivery;
use crate::error::SettingsError;
use crate::tls::{is_loopback, parse_pem_certificates, with_certificate_hint};
use crate::transport::{BoxFuture, DeliveryError, Transport};

/// Security mode of the connection to the SMTP server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which the server must offer
    /// (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption. Accepted only for a loopback host, such as a local relay.
    Plain,
}

/// Settings of [`SmtpTransport`].
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// Login for SMTP AUTH. Give both `username` and `password`, or neither.
    pub username: Option<String>,
    pub password: Option<String>,
    /// Sender mailbox, such as `Standardiste <box@example.fr>`.
    pub from: String,
    /// PEM certificate to trust besides the bundled roots, for an office
    /// server with a self-signed or private-CA certificate.
    pub extra_root_certificate_pem: Option<Vec<u8>>,
    /// Limit of each network operation: the connection and each SMTP command.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpSettings {
    // The password stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field(
                "extra_root_certificate_pem",
                &self.extra_root_certificate_pem.as_ref().map(Vec::len),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Sends items as emails through one SMTP server.
pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Right-hand side of the Message-IDs: the domain of `from`.
    message_id_domain: String,
    /// `host:port`, for messages.
    server: String,
}

impl SmtpTransport {
    /// Checks the settings and prepares the client. Connects to nothing.
    pub fn new(settings: SmtpSettings) -> Result<SmtpTransport, SettingsError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|err| SettingsError::Invalid {
                setting: "from",
                value: settings.from.clone(),
                problem: format!(
                    "not a mailbox ({err}); expected box@example.fr or Name <box@example.fr>"
                ),
            })?;
        let message_id_domain = from.email.domain().to_owned();
        let tls = tls_mode(&settings)?;

        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
                .port(settings.port)
                .tls(tls)
                .timeout(Some(settings.timeout));
        match (settings.username, settings.password) {
            (Some(username), Some(password)) => {
                builder = builder.credentials(Credentials::new(username, password));
            }
            (None, None) => {}
            (username, _) => {
                let (setting, value) = match username {
                    Some(username) => ("password", format!("missing (username is {username:?})")),
                    None => ("username", "missing (a password is set)".to_owned()),
                };
                return Err(SettingsError::Invalid {
                    setting,
                    value,
                    problem: "SMTP AUTH needs both a username and a password; set both or neither"
                        .to_owned(),
                });
            }
        }

        Ok(SmtpTransport {
            mailer: builder.build(),
            from,
            message_id_domain,
            server: format!("{}:{}", settings.host, settings.port),
        })
    }

    async fn send(&self, item: &Delivery) -> Result<(), DeliveryError> {
        let message = self.message(item)?;
        match self.mailer.send(message).await {
            Ok(_) => Ok(()),
            Err(err) => Err(classify(&self.server, &err)),
        }
    }

    fn message(&self, item: &Delivery) -> Result<Message, DeliveryError> {
        let to: Mailbox = item.recipient.parse().map_err(|err| {
            DeliveryError::permanent(format!(
                "recipient {:?} is not an email address: {err}",
                item.recipient
            ))
        })?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(item.subject.as_str())
            .message_id(Some(message_id(
                &item.idempotency_key,
                &self.message_id_domain,
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(item.body.clone())
            .map_err(|err| DeliveryError::permanent(format!("cannot build the email: {err}")))
    }
}

impl Transport for SmtpTransport {
    fn deliver<'a>(&'a self, item: &'a Delivery) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(self.send(item))
    }
}

/// Returns the Message-ID of the email for `idempotency_key`:
/// `<` + the SHA-256 of the key in hex + `@` + `domain` + `>`. The key itself
/// may contain characters a Message-ID cannot (such as `@`), and it names the
/// recipient, so the ID carries its hash.
pub fn message_id(idempotency_key: &str, domain: &str) -> String {
    let digest = Sha256::digest(idempotency_key.as_bytes());
    let mut id = String::with_capacity(64 + domain.len() + 3);
    id.push('<');
    for byte in digest {
        id.push_str(&format!("{byte:02x}"));
    }
    id.push('@');
    id.push_str(domain);
    id.push('>');
    id
}

/// Builds lettre's TLS mode from the settings, refusing plain SMTP to a
/// host that is not loopback.
fn tls_mode(settings: &SmtpSettings) -> Result<Tls, SettingsError> {
    if settings.security == SmtpSecurity::Plain {
        if !is_loopback(&settings.host) {
            return Err(SettingsError::Invalid {
                setting: "security",
                value: "Plain".to_owned(),
                problem: format!(
                    "plain SMTP would send the password and the recaps unencrypted, so it is \
                     allowed only to a loopback host, and {:?} is not one; use StartTls \
                     (usually port 587) or Tls (usually port 465)",
                    settings.host
                ),
            });
        }
        return Ok(Tls::None);
    }

    let mut parameters = TlsParameters::builder(settings.host.clone());
    if let Some(pem) = &settings.extra_root_certificate_pem {
        for certificate in parse_pem_certificates(pem)? {
            let certificate = Certificate::from_der(certificate.to_vec()).map_err(|err| {
                SettingsError::Certificate {
                    problem: err.to_string(),
                }
            })?;
            parameters = parameters.add_root_certificate(certificate);
        }
    }
    let parameters = parameters
        .build_rustls()
        .map_err(|err| SettingsError::Certificate {
            problem: format!("TLS configuration failed: {err}"),
        })?;
    Ok(match settings.security {
        SmtpSecurity::StartTls => Tls::Required(parameters),
        _ => Tls::Wrapper(parameters),
    })
}

/// Sorts an SMTP failure into permanent or transient.
///
/// Only replies that reject this message or its recipient are permanent:
/// 550 (mailbox unavailable), 551 (user not local), 552 (storage exceeded),
/// 553 (mailbox name not allowed) and 554 (transaction failed). Other 5xx
/// replies, such as 535 (authentication failed), come from the box's own
/// settings and would fail every item the same way, so they stay transient
/// until the owner fixes the settings.
///
/// NOTE: lettre 0.11 does not say which command got the reply, so a 550 to
/// MAIL FROM (the server refuses the sender) also marks the item failed.
fn classify(server: &str, err: &lettre::transport::smtp::Error) -> DeliveryError {
    if let Some(code) = err.status() {
        // The source of a reply error is the server's text after the code.
        let reply = match std::error::Error::source(err) {
            Some(text) => format!("{code} {text}"),
            None => code.to_string(),
        };
        let code = u16::from(code);
        if (550..=554).contains(&code) {
            return DeliveryError::permanent(format!(
                "SMTP server {server} rejected the email: {reply}"
            ));
        }
        if matches!(code, 530 | 534 | 535 | 538) {
            return DeliveryError::transient(format!(
                "SMTP server {server} rejected the login ({reply}); check the username and password"
            ));
        }
        return DeliveryError::transient(format!("SMTP server {server} replied {reply}"));
    }
    let text = error_chain(err);
    if err.is_timeout() {
        return DeliveryError::transient(format!("SMTP server {server} timed out: {text}"));
    }
    DeliveryError::transient(with_certificate_hint(format!(
        "sending through SMTP server {server} failed: {text}"
    )))
}

/// Returns the error's message followed by those of its sources that it
/// does not already include, with repeated parts removed: lettre 0.11 wraps
/// a connection error in another one, which prints "Connection error:" twice.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in text.split(": ") {
        if parts
            .last()
            .is_none_or(|last| !last.eq_ignore_ascii_case(part))
        {
            parts.push(part);
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(host: &str, security: SmtpSecurity) -> SmtpSettings {
        SmtpSettings {
            host: host.to_owned(),
            port: 2525,
            security,
            username: None,
            password: None,
            from: "Standardiste <box@cabinet.test>".to_owned(),
            extra_root_certificate_pem: None,
            timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn plain_only_to_loopback() {
        for host in ["127.0.0.1", "localhost", "::1", "[::1]"] {
            assert!(
                SmtpTransport::new(settings(host, SmtpSecurity::Plain)).is_ok(),
                "{host}"
            );
        }
        let err = SmtpTransport::new(settings("192.0.2.10", SmtpSecurity::Plain))
            .err()
            .expect("plain SMTP to a remote host must be rejected");
        let text = err.to_string();
        assert!(text.contains("loopback"), "{text}");
        assert!(text.contains("StartTls"), "{text}");
    }

    #[test]
    fn username_without_password_is_rejected() {
        let mut with_user = settings("127.0.0.1", SmtpSecurity::StartTls);
        with_user.username = Some("box".to_owned());
        let err = SmtpTransport::new(with_user)
            .err()
            .expect("must be rejected");
        assert!(err.to_string().contains("password"), "{err}");
    }

    #[test]
    fn invalid_certificate_pem_is_rejected() {
        let mut bad = settings("127.0.0.1", SmtpSecurity::StartTls);
        bad.extra_root_certificate_pem = Some(b"not a certificate".to_vec());
        let err = SmtpTransport::new(bad).err().expect("must be rejected");
        assert!(
            err.to_string().contains("extra_root_certificate_pem"),
            "{err}"
        );
    }

    #[test]
    fn message_id_is_stable_and_valid() {
        let first = message_id("call-42-recap-email-owner@x", "cabinet.test");
        let second = message_id("call-42-recap-email-owner@x", "cabinet.test");
        let other = message_id("call-43-recap-email-owner@x", "cabinet.test");
        assert_eq!(first, second);
        assert_ne!(first, other);
        assert!(first.starts_with('<'), "{first}");
        assert!(first.ends_with("@cabinet.test>"), "{first}");
        assert_eq!(first.matches('@').count(), 1, "{first}");
    }

    #[test]
    fn debug_hides_password() {
        let mut with_password = settings("127.0.0.1", SmtpSecurity::StartTls);
        with_password.password = Some("hunter2".to_owned());
        assert!(!format!("{with_password:?}").contains("hunter2"));
    }
}
