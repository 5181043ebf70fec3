//! Masking of recipients for logs and debug output: phone numbers and email
//! addresses are personal data.

use crate::delivery::Channel;

/// Returns the recipient as logs may show it: a phone number with all digits
/// but the last two masked (`+*********78`), an email address with the local
/// part reduced to its first character (`o***@example.fr`), a webhook label
/// unchanged.
pub fn mask_recipient(channel: Channel, recipient: &str) -> String {
    match channel {
        Channel::Sms => mask_digits(recipient),
        Channel::Email => mask_email(recipient),
        Channel::Webhook => recipient.to_owned(),
    }
}

/// Masks every digit but the last two: `+33612345678` becomes `+*********78`.
pub fn mask_digits(text: &str) -> String {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen + 2 > digits {
                c
            } else {
                '*'
            }
        })
        .collect()
}

fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_keeps_last_two_digits() {
        assert_eq!(mask_digits("+33612345678"), "+*********78");
        assert_eq!(mask_digits("12"), "12");
        assert_eq!(mask_digits(""), "");
    }

    #[test]
    fn email_keeps_first_letter_and_domain() {
        assert_eq!(
            mask_recipient(Channel::Email, "owner@example.fr"),
            "o***@example.fr"
        );
        assert_eq!(mask_recipient(Channel::Email, "no-at-sign"), "***");
    }
}
