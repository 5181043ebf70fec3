//! Outbox items for a recap and for an urgent alert, with their idempotency
//! keys.

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use standardiste_outbox::{Channel, NewDelivery, MAX_KEY_BYTES};

use crate::email::email;
use crate::model::{CallRecap, Recipients, UrgentAlert};
use crate::sms::{alert_text, sms_text};
use crate::webhook::webhook_json;

/// Builds one outbox item per recipient of the recap of a call: SMS, then
/// email, then webhook, each list in its given order.
///
/// Recipients are trimmed, and phone numbers lose their spaces, dots, dashes
/// and brackets. Blank recipients are skipped, and a recipient listed twice
/// (after that cleaning, and ignoring case for email) gets one item. Every
/// item carries the email subject. The outbox's
/// [`enqueue`](standardiste_outbox::enqueue) checks each recipient and
/// rejects an invalid one with an error naming it.
///
/// Each item's idempotency key is derived from the call id, the channel and
/// the recipient alone, so building the items again for the same call gives
/// the same keys, and the outbox stores each item once. See
/// [`recap_key`] for the format.
pub fn deliveries(recap: &CallRecap, recipients: &Recipients) -> Vec<NewDelivery> {
    let sms_recipients = unique(
        recipients.sms.iter().map(|number| phone_number(number)),
        false,
    );
    let email_recipients = unique(
        recipients
            .email
            .iter()
            .map(|address| address.trim().to_owned()),
        true,
    );
    let webhook_recipients = unique(
        recipients.webhook.iter().map(|url| url.trim().to_owned()),
        false,
    );
    let mut items = Vec::new();
    if sms_recipients.is_empty() && email_recipients.is_empty() && webhook_recipients.is_empty() {
        return items;
    }

    let email = email(recap);
    if !sms_recipients.is_empty() {
        let text = sms_text(recap);
        for number in sms_recipients {
            items.push(item(
                recap.call_id,
                Channel::Sms,
                number,
                &email.subject,
                text.clone(),
            ));
        }
    }
    for address in email_recipients {
        items.push(item(
            recap.call_id,
            Channel::Email,
            address,
            &email.subject,
            email.body.clone(),
        ));
    }
    if !webhook_recipients.is_empty() {
        let document = webhook_json(recap);
        for url in webhook_recipients {
            items.push(item(
                recap.call_id,
                Channel::Webhook,
                url,
                &email.subject,
                document.clone(),
            ));
        }
    }
    items
}

/// Builds the SMS alert to the on-call number `recipient` during a call that
/// needs a person when the box cannot transfer it. Its key,
/// `call-<id>-alert-sms-<hash>`, lets one call alert a number once, however
/// often the dialogue requests it.
pub fn urgent_alert(alert: &UrgentAlert, recipient: &str) -> NewDelivery {
    let number = phone_number(recipient);
    let text = alert_text(alert);
    NewDelivery {
        channel: Channel::Sms,
        idempotency_key: format!("call-{}-alert-sms-{}", alert.call_id, short_hash(&number)),
        recipient: number,
        subject: String::new(),
        body: text,
    }
}

/// Returns the idempotency key of the recap item of call `call_id` for
/// `recipient` on `channel`, once the recipient is cleaned as
/// [`deliveries`] cleans it:
///
/// - email: `call-<id>-recap-email-<address in lowercase>`, or
///   `call-<id>-recap-email-sha256-<hash>` when the address is not plain
///   visible ASCII or the key would exceed the outbox's
///   [`MAX_KEY_BYTES`];
/// - SMS: `call-<id>-recap-sms-<hash>`, because keys appear in debug output
///   and logs must not show a full phone number;
/// - webhook: `call-<id>-recap-webhook-<hash>`, because a URL may be long
///   and may carry an access token in its query.
///
/// `<hash>` is the first 16 hex digits of the SHA-256 of the recipient, so
/// two recipients share a key only by a 64-bit collision.
pub fn recap_key(call_id: i64, channel: Channel, recipient: &str) -> String {
    let prefix = format!("call-{call_id}-recap-{channel}-");
    match channel {
        Channel::Email => {
            let address = recipient.to_lowercase();
            let plain = address.bytes().all(|byte| byte.is_ascii_graphic());
            if plain && prefix.len() + address.len() <= MAX_KEY_BYTES {
                format!("{prefix}{address}")
            } else {
                format!("{prefix}sha256-{}", short_hash(&address))
            }
        }
        Channel::Sms | Channel::Webhook => format!("{prefix}{}", short_hash(recipient)),
    }
}

fn item(
    call_id: i64,
    channel: Channel,
    recipient: String,
    subject: &str,
    body: String,
) -> NewDelivery {
    NewDelivery {
        channel,
        idempotency_key: recap_key(call_id, channel, &recipient),
        recipient,
        subject: subject.to_owned(),
        body,
    }
}

/// Returns a phone number without the separators owners write: spaces
/// (including no-break spaces), dots, dashes, slashes and brackets.
fn phone_number(text: &str) -> String {
    text.chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '/' | '(' | ')')))
        .collect()
}

/// Returns the non-blank values of `values` in order, without repeats,
/// comparing without case when `ignore_case` is set.
fn unique(values: impl Iterator<Item = String>, ignore_case: bool) -> Vec<String> {
    let mut seen = HashSet::new();
    values
        .filter(|value| !value.is_empty())
        .filter(|value| {
            let compared = if ignore_case {
                value.to_lowercase()
            } else {
                value.clone()
            };
            seen.insert(compared)
        })
        .collect()
}

/// Returns the first 16 hex digits of the SHA-256 of `text`.
fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_number_drops_separators() {
        let cases = [
            ("+44 7700 900125", "+447700900125"),
            ("01.23.45.67.89", "0123456789"),
            ("(555) 010-0100", "5550100100"),
            ("+33\u{A0}6 12", "+33612"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(phone_number(input), expected, "{input:?}");
        }
    }

    #[test]
    fn short_hash_is_sha256_prefix() {
        // SHA-256 of "abc" is ba7816bf8f01cfea414140de5dae2223...
        assert_eq!(short_hash("abc"), "ba7816bf8f01cfea");
    }
}
