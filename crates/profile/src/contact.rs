//! Checks of phone numbers, e-mail addresses and web addresses, and caller-number matching.

/// Digits compared when matching a caller's number against a list: the last 9 digits are
/// the subscriber number in most European plans, so `+44 7700 900123` matches `07700 900123`.
const MATCHED_DIGITS: usize = 9;

/// Checks a phone number as an owner writes it: digits, spaces, dots and dashes, an optional
/// leading `+`, and 6 to 15 digits. The error is the problem as a sentence.
pub fn check_phone(text: &str) -> Result<(), String> {
    let text = text.trim();
    let body = text.strip_prefix('+').unwrap_or(text);
    if let Some(bad) = body
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '.' | '-')))
    {
        return Err(format!("`{bad}` is not allowed in a phone number"));
    }
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if !(6..=15).contains(&digits) {
        return Err(format!("the number has {digits} digits, not 6 to 15"));
    }
    Ok(())
}

/// Returns the digits of `number` that identify it when matching callers: the last 9, or all of
/// them for a shorter number.
pub fn match_key(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let start = digits.len().saturating_sub(MATCHED_DIGITS);
    digits[start..].iter().collect()
}

/// Tells whether a caller's number matches one of `list` on the last 9 digits.
pub(crate) fn list_matches(list: &[String], caller: &str) -> bool {
    let key = match_key(caller);
    !key.is_empty() && list.iter().any(|number| match_key(number) == key)
}

/// Checks an e-mail address: one `@`, a local part, and a domain with a dot and no spaces.
pub fn check_email(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.chars().any(char::is_whitespace) {
        return Err("an e-mail address cannot contain spaces".to_string());
    }
    let Some((local, domain)) = text.split_once('@') else {
        return Err("the address has no `@`".to_string());
    };
    if local.is_empty() {
        return Err("nothing comes before the `@`".to_string());
    }
    if domain.contains('@') {
        return Err("the address has more than one `@`".to_string());
    }
    if !is_host_name(domain) || !domain.contains('.') {
        return Err(format!(
            "`{domain}` is not a domain name such as example.com"
        ));
    }
    Ok(())
}

/// Checks a web address: `http://` or `https://`, a host name or address, an optional port,
/// and no spaces.
pub fn check_url(text: &str) -> Result<(), String> {
    let text = text.trim();
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return Err("the address does not start with https:// or http://".to_string());
    };
    if text.chars().any(char::is_whitespace) {
        return Err("a web address cannot contain spaces".to_string());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !host.starts_with('[') || host.ends_with(']') => {
            if port.parse::<u16>().is_err() {
                return Err(format!("`{port}` is not a port number"));
            }
            host
        }
        _ => authority,
    };
    let bracketed_ipv6 = host.starts_with('[') && host.ends_with(']') && host.len() > 2;
    if !bracketed_ipv6 && !is_host_name(host) {
        return Err(format!("`{host}` is not a host name"));
    }
    Ok(())
}

/// Tells whether `host` is dot-separated labels of letters, digits and dashes.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepts_usual_spellings() {
        for number in [
            "+44 7700 900123",
            "023 9200 1234",
            "01.23.45.67.89",
            "555-0100",
        ] {
            assert_eq!(check_phone(number), Ok(()), "{number}");
        }
    }

    #[test]
    fn phone_rejects_letters_and_lengths() {
        for number in [
            "12345",
            "1234567890123456",
            "+44 (0) 7700",
            "0800 FLOWERS",
            "44+7700900123",
        ] {
            assert!(check_phone(number).is_err(), "{number}");
        }
    }

    #[test]
    fn match_key_keeps_last_nine_digits() {
        assert_eq!(match_key("+44 7700 900123"), "700900123");
        assert_eq!(match_key("07700 900123"), "700900123");
        assert_eq!(match_key("555-0100"), "5550100");
        assert_eq!(match_key(""), "");
    }

    #[test]
    fn urls_and_emails() {
        assert_eq!(check_url("https://example.com/hook?x=1"), Ok(()));
        assert_eq!(check_url("http://127.0.0.1:8080/recap"), Ok(()));
        assert_eq!(check_url("http://[::1]:8080/"), Ok(()));
        assert!(check_url("ftp://example.com").is_err());
        assert!(check_url("https://").is_err());
        assert!(check_url("https://exa mple.com").is_err());
        assert!(check_url("https://example.com:http/").is_err());
        assert_eq!(check_email("front-desk@example.com"), Ok(()));
        assert!(check_email("front-desk.example.com").is_err());
        assert!(check_email("a@b@example.com").is_err());
        assert!(check_email("desk@localhost").is_err());
        assert!(check_email("@example.com").is_err());
    }
}
