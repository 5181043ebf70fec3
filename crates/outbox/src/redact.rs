//! Masking of recipients for logs and debug output: phone numbers and email
//! addresses are personal data, and a webhook URL may carry an access token.

use crate::delivery::Channel;

/// Returns the recipient as logs may show it: a phone number with all digits
/// but the last two masked (`+*********78`), an email address with the local
/// part reduced to its first character (`o***@example.fr`), a webhook URL
/// or label as [`redact_url`] returns it.
pub fn mask_recipient(channel: Channel, recipient: &str) -> String {
    match channel {
        Channel::Sms => mask_digits(recipient),
        Channel::Email => mask_email(recipient),
        Channel::Webhook => redact_url(recipient),
    }
}

/// Returns `url` without its query and fragment, and with any user
/// information before the host replaced by `***`, because both may contain an
/// access token: `https://crm:pw@a.test/x?t=1` becomes `https://***@a.test/x`.
/// Text without `://`, such as a webhook label, loses only its query.
pub fn redact_url(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..end];
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..scheme_end + 3], &rest[at..]),
        None => url.to_owned(),
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

    #[test]
    fn webhook_url_loses_query_and_credentials() {
        let cases = [
            ("https://a.test/hooks/recap", "https://a.test/hooks/recap"),
            ("https://a.test/x?token=abc", "https://a.test/x"),
            ("https://a.test/x#frag", "https://a.test/x"),
            ("https://crm:pw@a.test/x?t=1", "https://***@a.test/x"),
            ("http://[::1]:8080/x", "http://[::1]:8080/x"),
            ("https://a.test/@home", "https://a.test/@home"),
            ("crm", "crm"),
            ("", ""),
        ];
        for (url, expected) in cases {
            assert_eq!(mask_recipient(Channel::Webhook, url), expected, "{url}");
        }
    }
}
