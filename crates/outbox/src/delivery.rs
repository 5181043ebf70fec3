//! The items of the outbox: what a caller enqueues ([`NewDelivery`]) and what a
//! transport receives ([`Delivery`]), with the checks run before an item is stored.

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

use crate::error::OutboxError;
use crate::redact::mask_recipient;

/// Maximum size of a body, in bytes. A recap is a few kilobytes; the limit
/// keeps a runaway caller from filling the disk of the box.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Maximum length of an idempotency key, in bytes.
pub const MAX_KEY_BYTES: usize = 200;

/// Delivery channel of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A text message through the GSM modem. The recipient is a phone number.
    Sms,
    /// An email over SMTP. The recipient is an email address.
    Email,
    /// A JSON POST. With [`WebhookRoutes`](crate::WebhookRoutes) the
    /// recipient is the URL that receives it. With
    /// [`WebhookTransport`](crate::WebhookTransport), which posts to its own
    /// configured URL, the recipient is a free label such as "crm".
    Webhook,
}

impl Channel {
    /// All channels, in the order the outbox serves them.
    pub const ALL: [Channel; 3] = [Channel::Sms, Channel::Email, Channel::Webhook];

    /// Returns the name stored in the `channel` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "sms" => Ok(Channel::Sms),
            "email" => Ok(Channel::Email),
            "webhook" => Ok(Channel::Webhook),
            other => Err(format!(
                "unknown channel {other:?}, expected sms, email or webhook"
            )),
        }
    }
}

/// An item to enqueue with [`enqueue`](crate::enqueue).
#[derive(Clone)]
pub struct NewDelivery {
    pub channel: Channel,
    /// Phone number (SMS), email address (email), or URL or label (webhook,
    /// see [`Channel::Webhook`]). The JSON envelope of a webhook carries it.
    pub recipient: String,
    /// Email subject and webhook `subject` field. SMS transports may ignore it.
    pub subject: String,
    /// Plain text for SMS and email, a JSON document for the webhook.
    pub body: String,
    /// Unique name of this delivery, such as `call-42-recap-email-owner@x`.
    /// Enqueuing the same key twice stores one item, and receivers use the key
    /// to drop a copy sent again after a crash.
    pub idempotency_key: String,
}

impl fmt::Debug for NewDelivery {
    // The body contains caller details and stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewDelivery")
            .field("channel", &self.channel)
            .field("recipient", &mask_recipient(self.channel, &self.recipient))
            .field("idempotency_key", &self.idempotency_key)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A stored item, as handed to a [`Transport`](crate::Transport).
#[derive(Clone)]
pub struct Delivery {
    /// Row id in the `outbox` table.
    pub id: i64,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub idempotency_key: String,
    /// Attempts so far, counting the one in progress when a transport receives the item.
    pub attempts: u32,
    /// When the item was enqueued.
    pub created_at: OffsetDateTime,
    /// Error of the previous attempt, if any.
    pub last_error: Option<String>,
}

impl fmt::Debug for Delivery {
    // The body contains caller details and stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("id", &self.id)
            .field("channel", &self.channel)
            .field("recipient", &mask_recipient(self.channel, &self.recipient))
            .field("idempotency_key", &self.idempotency_key)
            .field("attempts", &self.attempts)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Checks every field of `item`, so that a transport never meets input it
/// cannot send. The error names the field and the rule it breaks.
pub(crate) fn validate(item: &NewDelivery) -> Result<(), OutboxError> {
    validate_key(&item.idempotency_key)?;
    validate_recipient(item.channel, &item.recipient)?;
    if item.subject.chars().any(char::is_control) {
        return Err(invalid(
            "subject",
            "contains a line break or control character; give a single line",
        ));
    }
    if item.body.len() > MAX_BODY_BYTES {
        return Err(invalid(
            "body",
            format!(
                "is {} bytes, more than the maximum of {MAX_BODY_BYTES}",
                item.body.len()
            ),
        ));
    }
    if item.channel == Channel::Webhook {
        if let Err(err) = serde_json::from_str::<serde_json::Value>(&item.body) {
            return Err(invalid(
                "body",
                format!("is not valid JSON ({err}); a webhook body must be a JSON document"),
            ));
        }
    }
    Ok(())
}

fn validate_key(key: &str) -> Result<(), OutboxError> {
    if key.is_empty() {
        return Err(invalid("idempotency_key", "is empty"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(invalid(
            "idempotency_key",
            format!("{key:?} is longer than {MAX_KEY_BYTES} bytes"),
        ));
    }
    // The key travels in an HTTP header, so it must be visible ASCII.
    if !key.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(invalid(
            "idempotency_key",
            format!("{key:?} contains a space, control or non-ASCII character"),
        ));
    }
    Ok(())
}

fn validate_recipient(channel: Channel, recipient: &str) -> Result<(), OutboxError> {
    if recipient.chars().any(char::is_control) {
        return Err(invalid(
            "recipient",
            "contains a line break or control character",
        ));
    }
    match channel {
        Channel::Sms => {
            let digits = recipient.strip_prefix('+').unwrap_or(recipient);
            let valid = (3..=20).contains(&digits.len())
                && digits.bytes().all(|byte| byte.is_ascii_digit());
            if !valid {
                return Err(invalid(
                    "recipient",
                    format!(
                        "{:?} is not a phone number: expected 3 to 20 digits with an \
                         optional leading +",
                        mask_recipient(channel, recipient)
                    ),
                ));
            }
        }
        Channel::Email => {
            if let Err(err) = recipient.parse::<lettre::Address>() {
                return Err(invalid(
                    "recipient",
                    format!("{recipient:?} is not an email address ({err})"),
                ));
            }
        }
        Channel::Webhook => {}
    }
    Ok(())
}

fn invalid(field: &'static str, problem: impl Into<String>) -> OutboxError {
    OutboxError::InvalidDelivery {
        field,
        problem: problem.into(),
    }
}
