//! Prices written with digits: "$500", "€45", "45 €", "45,50 €", "45.50 EUR", "EUR 45",
//! "60 pounds", "$1.5 million".

use super::cursor::{digit_end, letter_end, skip_blanks, text};
use super::number::{self, plain_words, Number};
use super::{Rewrite, Site};
use crate::numbers::{million_preposition, parse_small};
use crate::price::{say_price, unit_plural, Currency};
use crate::Lang;

/// Currency names written after an amount, lowercase. French "livre" is left out because it
/// also means "book", with another gender.
const CURRENCY_NOUNS: [(&str, Currency); 20] = [
    ("euro", Currency::Eur),
    ("euros", Currency::Eur),
    ("dollar", Currency::Usd),
    ("dollars", Currency::Usd),
    ("dólar", Currency::Usd),
    ("dólares", Currency::Usd),
    ("dollaro", Currency::Usd),
    ("dollari", Currency::Usd),
    ("pound", Currency::Gbp),
    ("pounds", Currency::Gbp),
    ("pfund", Currency::Gbp),
    ("libra", Currency::Gbp),
    ("libras", Currency::Gbp),
    ("sterlina", Currency::Gbp),
    ("sterline", Currency::Gbp),
    ("franc", Currency::Chf),
    ("francs", Currency::Chf),
    ("franken", Currency::Chf),
    ("franco", Currency::Chf),
    ("francos", Currency::Chf),
];

/// Scale words that may sit between an amount and its currency: "$1.5 million".
const SCALE_WORDS: [&str; 16] = [
    "thousand",
    "million",
    "billion",
    "mille",
    "millions",
    "milliards",
    "milliard",
    "Millionen",
    "Million",
    "Milliarden",
    "Milliarde",
    "mil",
    "millones",
    "millón",
    "milioni",
    "miliardi",
];

/// Computes the amount in hundredths when it has at most two decimals and fits in `i64`.
fn amount_cents(number: &Number) -> Option<i64> {
    let units = i64::try_from(parse_small(&number.integer)?).ok()?;
    let cents = match number.fraction.as_deref() {
        None => 0,
        Some(f) if f.len() == 1 => i64::from(f.as_bytes()[0] - b'0') * 10,
        Some(f) if f.len() == 2 => i64::try_from(parse_small(f)?).ok()?,
        Some(_) => return None,
    };
    units.checked_mul(100)?.checked_add(cents)
}

/// Reads `number` as an amount of `currency`. An amount with more than two decimals is read
/// as a decimal number followed by the plural currency name.
fn amount_words(site: &Site, number: &Number, currency: Currency) -> String {
    match amount_cents(number) {
        Some(cents) => say_price(cents, currency_code(currency), site.lang),
        None => format!(
            "{} {}",
            plain_words(site, number),
            unit_plural(currency, site.lang)
        ),
    }
}

fn currency_code(currency: Currency) -> &'static str {
    match currency {
        Currency::Eur => "EUR",
        Currency::Usd => "USD",
        Currency::Gbp => "GBP",
        Currency::Chf => "CHF",
    }
}

/// Matches a currency symbol, code or name at `start`. Returns it and the index after it.
fn currency_at(site: &Site, start: usize) -> Option<(Currency, usize)> {
    let chars = site.chars;
    let symbol = chars.get(start)?;
    if let Some(currency) = Currency::parse(&symbol.to_string()) {
        return Some((currency, start + 1));
    }
    let end = letter_end(chars, start);
    if end == start || chars.get(end).is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    let word = text(chars, start, end);
    if matches!(word.as_str(), "EUR" | "USD" | "GBP" | "CHF") {
        return Some((Currency::parse(&word)?, end));
    }
    let lower = word.to_lowercase();
    CURRENCY_NOUNS
        .iter()
        .find(|(noun, _)| *noun == lower)
        .map(|(_, currency)| (*currency, end))
}

/// Matches a currency after `number`: "45 €", "45,50 EUR", "60 pounds".
pub(super) fn after_number(site: &Site, number: &Number) -> Option<Rewrite> {
    let start = skip_blanks(site.chars, number.end);
    let (currency, end) = currency_at(site, start)?;
    Some(Rewrite {
        end,
        words: amount_words(site, number, currency),
    })
}

/// Matches an amount after a currency symbol or code that ends at `symbol_end`: "$500",
/// "€ 45", "EUR 45", "$1.5 million".
pub(super) fn before_number(site: &Site, currency: Currency, symbol_end: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let start = skip_blanks(chars, symbol_end);
    if !chars.get(start).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let number = number::parse(chars, start, site.lang);

    let scale_start = skip_blanks(chars, number.end);
    let scale_end = letter_end(chars, scale_start);
    let scale = text(chars, scale_start, scale_end);
    if scale_start > number.end && SCALE_WORDS.contains(&scale.as_str()) {
        let plural = unit_plural(currency, site.lang);
        let thousands = matches!(scale.as_str(), "thousand" | "mille" | "mil");
        let preposition = match site.lang {
            Lang::Fr | Lang::Es | Lang::It if !thousands => {
                million_preposition(1_000_000, site.lang, plural)
            }
            _ => "",
        };
        let amount = plain_words(site, &number);
        return Some(Rewrite {
            end: scale_end,
            words: format!("{amount} {scale} {preposition}{plural}"),
        });
    }

    Some(Rewrite {
        end: number.end,
        words: amount_words(site, &number, currency),
    })
}

/// Matches a price that starts with a symbol ("$500") or an ISO code ("EUR 45") at `start`.
pub(super) fn prefixed(site: &Site, start: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let symbol = chars.get(start)?;
    if let Some(currency) = Currency::parse(&symbol.to_string()) {
        return before_number(site, currency, start + 1);
    }
    let end = letter_end(chars, start);
    let word = text(chars, start, end);
    if !matches!(word.as_str(), "EUR" | "USD" | "GBP" | "CHF") {
        return None;
    }
    let currency = Currency::parse(&word)?;
    let digits_start = skip_blanks(chars, end);
    if digit_end(chars, digits_start) == digits_start {
        return None;
    }
    before_number(site, currency, end)
}
