//! The `[delivery]` settings: how recaps and alerts leave the box. Who
//! receives them is the business profile's `[recap]` table; this is the mail
//! server and the webhook's signing key, which belong to the box.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use standardiste_outbox::{SmtpSecurity, SmtpSettings, SmtpTransport, Transport, Transports, WebhookRoutes, WebhookRoutesSettings};

use super::sms::SmsModules;

/// Environment variable that overrides `delivery.smtp.password`, so the
/// password can stay out of the settings file.
pub const SMTP_PASSWORD_ENV: &str = "STANDARDISTE_SMTP_PASSWORD";

/// Delivery settings of recaps and alerts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    /// Start of the address of a call's page on the console, such as
    /// `https://standardiste.local/calls/`; the call's number is appended.
    /// Empty: recaps name the command that shows the call.
    pub transcript_link: String,
    pub smtp: SmtpConfig,
    pub webhook: WebhookConfig,
}

/// The mail server that sends recap e-mails. No host: no e-mails (they wait
/// in the outbox until a server is set).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// `starttls` (port 587), `tls` (port 465) or `none` (a relay on this machine only).
    pub security: String,
    pub username: String,
    pub password: String,
    /// Sender, such as `Standardiste <box@example.com>`.
    pub from: String,
    pub timeout_s: u64,
    /// PEM certificate to trust besides the public roots, for an office server.
    pub ca_file: PathBuf,
}

/// Settings shared by every webhook address of the profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookConfig {
    /// Key of the `X-Standardiste-Signature` HMAC; empty sends no signature.
    pub secret: String,
    pub timeout_s: u64,
    /// PEM certificate to trust besides the public roots.
    pub ca_file: PathBuf,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            transcript_link: String::new(),
            smtp: SmtpConfig::default(),
            webhook: WebhookConfig::default(),
        }
    }
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: String::new(),
            port: 587,
            security: "starttls".to_string(),
            username: String::new(),
            password: String::new(),
            from: String::new(),
            timeout_s: 30,
            ca_file: PathBuf::new(),
        }
    }
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            secret: String::new(),
            timeout_s: 10,
            ca_file: PathBuf::new(),
        }
    }
}

impl DeliveryConfig {
    /// Resolves relative certificate paths against the settings file's folder.
    pub fn resolve(&mut self, base: &Path) {
        for file in [&mut self.smtp.ca_file, &mut self.webhook.ca_file] {
            if !file.as_os_str().is_empty() && file.is_relative() {
                *file = base.join(&*file);
            }
        }
    }

    /// Checks the values, naming the key and the fix of the first bad one.
    pub fn validate(&self) -> Result<(), String> {
        let smtp = &self.smtp;
        if !smtp.host.is_empty() {
            security(&smtp.security)?;
            if smtp.from.trim().is_empty() {
                return Err("delivery.smtp.from is empty; set the sender, such as \"Standardiste <box@example.com>\"".into());
            }
            if smtp.port == 0 {
                return Err("delivery.smtp.port = 0 is not a port; use 587 for starttls or 465 for tls".into());
            }
        }
        for (key, seconds) in [("delivery.smtp.timeout_s", smtp.timeout_s), ("delivery.webhook.timeout_s", self.webhook.timeout_s)] {
            if !(1..=300).contains(&seconds) {
                return Err(format!("{key} = {seconds} is out of range; use 1 to 300"));
            }
        }
        let link = &self.transcript_link;
        if !link.is_empty() && !(link.starts_with("http://") || link.starts_with("https://")) {
            return Err(format!("delivery.transcript_link = {link:?} is not a web address; start it with https://"));
        }
        Ok(())
    }

    /// Returns where the owner reads call `call_id`'s transcript.
    pub fn link(&self, call_id: i64) -> String {
        if self.transcript_link.is_empty() {
            format!("standardiste calls show {call_id}")
        } else {
            format!("{}{call_id}", self.transcript_link)
        }
    }

    /// Builds the outbox's transports: texts through `sms` (the GSM lines),
    /// e-mail when a server is set, and the profile's webhook addresses.
    pub fn transports(&self, sms: Option<SmsModules>) -> Result<Transports, String> {
        let smtp = &self.smtp;
        let email = if smtp.host.is_empty() {
            None
        } else {
            let password = std::env::var(SMTP_PASSWORD_ENV).ok().or_else(|| Some(smtp.password.clone())).filter(|p| !p.is_empty());
            let settings = SmtpSettings {
                host: smtp.host.clone(),
                port: smtp.port,
                security: security(&smtp.security)?,
                username: Some(smtp.username.clone()).filter(|u| !u.is_empty()),
                password,
                from: smtp.from.clone(),
                extra_root_certificate_pem: read_certificate(&smtp.ca_file, "delivery.smtp.ca_file")?,
                timeout: Duration::from_secs(smtp.timeout_s),
            };
            let transport = SmtpTransport::new(settings).map_err(|e| format!("delivery.smtp: {e}"))?;
            Some(Arc::new(transport) as Arc<dyn Transport>)
        };
        let webhook = WebhookRoutes::new(WebhookRoutesSettings {
            secret: Some(self.webhook.secret.clone()).filter(|s| !s.is_empty()),
            timeout: Duration::from_secs(self.webhook.timeout_s),
            extra_root_certificate_pem: read_certificate(&self.webhook.ca_file, "delivery.webhook.ca_file")?,
        })
        .map_err(|e| format!("delivery.webhook: {e}"))?;
        Ok(Transports {
            sms: sms.map(|modules| Arc::new(modules) as Arc<dyn Transport>),
            email,
            webhook: Some(Arc::new(webhook)),
        })
    }
}

fn security(value: &str) -> Result<SmtpSecurity, String> {
    match value {
        "starttls" => Ok(SmtpSecurity::StartTls),
        "tls" => Ok(SmtpSecurity::Tls),
        "none" => Ok(SmtpSecurity::Plain),
        other => Err(format!("delivery.smtp.security = {other:?} is not known; use \"starttls\", \"tls\" or \"none\"")),
    }
}

fn read_certificate(path: &Path, key: &str) -> Result<Option<Vec<u8>>, String> {
    if path.as_os_str().is_empty() {
        return Ok(None);
    }
    std::fs::read(path)
        .map(Some)
        .map_err(|e| format!("{key}: cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_smtp(edit: impl FnOnce(&mut SmtpConfig)) -> DeliveryConfig {
        let mut config = DeliveryConfig::default();
        config.smtp.host = "mail.example.com".to_string();
        config.smtp.from = "Standardiste <box@example.com>".to_string();
        edit(&mut config.smtp);
        config
    }

    #[test]
    fn defaults_and_a_complete_server_are_valid() {
        assert_eq!(DeliveryConfig::default().validate(), Ok(()));
        assert_eq!(with_smtp(|_| {}).validate(), Ok(()));
    }

    #[test]
    fn bad_values_name_the_key_and_the_fix() {
        let cases: [(DeliveryConfig, &str); 5] = [
            (with_smtp(|smtp| smtp.security = "ssl".into()), "delivery.smtp.security = \"ssl\""),
            (with_smtp(|smtp| smtp.from = " ".into()), "delivery.smtp.from is empty"),
            (with_smtp(|smtp| smtp.port = 0), "delivery.smtp.port = 0"),
            (with_smtp(|smtp| smtp.timeout_s = 0), "delivery.smtp.timeout_s = 0"),
            (
                DeliveryConfig { transcript_link: "standardiste.local/calls/".into(), ..DeliveryConfig::default() },
                "delivery.transcript_link",
            ),
        ];
        for (config, expected) in cases {
            let error = config.validate().unwrap_err();
            assert!(error.starts_with(expected), "{error}");
        }
    }

    #[test]
    fn links_point_at_the_console_or_the_command() {
        let config = DeliveryConfig::default();
        assert_eq!(config.link(42), "standardiste calls show 42");
        let console = DeliveryConfig { transcript_link: "https://standardiste.local/calls/".into(), ..config };
        assert_eq!(console.link(42), "https://standardiste.local/calls/42");
    }

    #[test]
    fn transports_follow_the_settings() {
        let none = DeliveryConfig::default().transports(None).unwrap();
        assert!(none.email.is_none(), "no mail server, no e-mail transport");
        assert!(none.sms.is_none());
        assert!(none.webhook.is_some());
        let missing = DeliveryConfig {
            webhook: WebhookConfig { ca_file: "/nonexistent/ca.pem".into(), ..WebhookConfig::default() },
            ..DeliveryConfig::default()
        };
        let error = missing.transports(None).err().unwrap();
        assert!(error.starts_with("delivery.webhook.ca_file: cannot read /nonexistent/ca.pem"), "{error}");
    }
}
