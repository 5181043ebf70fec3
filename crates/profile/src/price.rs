//! Prices written the way owners write them: `"45 EUR"`, `"€45"`, `"45.50"`, `"£60"`.

use std::fmt;

/// Currency codes a price may name, as ISO 4217 codes.
pub const CURRENCIES: [&str; 12] = [
    "EUR", "GBP", "USD", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK",
];

/// A price in hundredths of its currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    /// Amount in hundredths (pence, cents).
    pub cents: u64,
    /// ISO 4217 code such as `GBP`.
    pub currency: String,
}

impl fmt::Display for Price {
    /// Writes `45 GBP` for a whole amount and `45.50 GBP` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.cents / 100;
        let fraction = self.cents % 100;
        if fraction == 0 {
            write!(f, "{whole} {}", self.currency)
        } else {
            write!(f, "{whole}.{fraction:02} {}", self.currency)
        }
    }
}

/// Parses a price; `default_currency` applies when the text names none.
///
/// Accepts a currency symbol (€ £ $) or code before or after the amount, and a dot or a
/// comma before at most two decimals. The error is the problem as a sentence.
pub fn parse_price(text: &str, default_currency: Option<&str>) -> Result<Price, String> {
    let text = text.trim();
    let amount_start = text.find(|c: char| c.is_ascii_digit());
    let Some(amount_start) = amount_start else {
        return Err("the price has no amount".to_string());
    };
    let amount_end = text[amount_start..]
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map_or(text.len(), |end| amount_start + end);
    let before = text[..amount_start].trim();
    let after = text[amount_end..].trim();
    if before.contains('-') {
        return Err("a price cannot be negative".to_string());
    }
    let cents = parse_amount(&text[amount_start..amount_end])?;
    let currency = match (before.is_empty(), after.is_empty()) {
        (true, true) => match default_currency {
            Some(code) => code.to_string(),
            None => return Err("the price names no currency".to_string()),
        },
        (false, true) => parse_currency(before)?,
        (true, false) => parse_currency(after)?,
        (false, false) => {
            return Err(format!(
                "the price has text both before (`{before}`) and after (`{after}`) the amount"
            ))
        }
    };
    Ok(Price { cents, currency })
}

/// Parses `45`, `45.5`, `45.50` or `45,50` into hundredths.
fn parse_amount(text: &str) -> Result<u64, String> {
    let invalid = || format!("`{text}` is not an amount with at most two decimals");
    let (whole, fraction) = match text.find(['.', ',']) {
        Some(index) => (&text[..index], &text[index + 1..]),
        None => (text, ""),
    };
    let all_digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 2 {
        return Err(invalid());
    }
    if text.ends_with(['.', ',']) {
        return Err(invalid());
    }
    let whole: u64 = whole.parse().map_err(|_| invalid())?;
    let fraction: u64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<u64>().map_err(|_| invalid())? * 10,
        _ => fraction.parse().map_err(|_| invalid())?,
    };
    whole
        .checked_mul(100)
        .and_then(|cents| cents.checked_add(fraction))
        .ok_or_else(invalid)
}

/// Parses a currency symbol or ISO code, case-insensitive, into the ISO code.
pub(crate) fn parse_currency(text: &str) -> Result<String, String> {
    let code = match text.trim() {
        "€" => "EUR".to_string(),
        "£" => "GBP".to_string(),
        "$" => "USD".to_string(),
        other => other.to_ascii_uppercase(),
    };
    if CURRENCIES.contains(&code.as_str()) {
        Ok(code)
    } else {
        Err(format!("`{text}` is not a known currency"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(text: &str) -> Result<(u64, String), String> {
        parse_price(text, None).map(|price| (price.cents, price.currency))
    }

    #[test]
    fn parses_common_spellings() {
        assert_eq!(price("45 EUR"), Ok((4500, "EUR".to_string())));
        assert_eq!(price("€45"), Ok((4500, "EUR".to_string())));
        assert_eq!(price("£60.5"), Ok((6050, "GBP".to_string())));
        assert_eq!(price("45,50 €"), Ok((4550, "EUR".to_string())));
        assert_eq!(price("gbp 12.05"), Ok((1205, "GBP".to_string())));
    }

    #[test]
    fn bare_amount_needs_a_currency() {
        assert!(price("45.50").is_err());
        let priced = parse_price("45.50", Some("GBP")).unwrap();
        assert_eq!(priced.cents, 4550);
        assert_eq!(priced.to_string(), "45.50 GBP");
    }

    #[test]
    fn rejects_malformed_prices() {
        for text in [
            "",
            "free",
            "45.505 EUR",
            "45. EUR",
            "-45 EUR",
            "45 EUROS",
            "$ 4 EUR",
            "1.2.3 EUR",
        ] {
            assert!(price(text).is_err(), "{text:?} was accepted");
        }
    }
}
