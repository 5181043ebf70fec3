//! Rewrites that start at a digit, a sign, a currency symbol or an opening bracket, tried
//! in a fixed order so that the most specific reading wins.

use super::number::{self, ordinal_suffix, ordinal_words, plain_words};
use super::{calendar, clock, money, phone_run, Rewrite, Site};
use crate::numbers::{minus_word, plus_word};
use crate::Lang;

/// Whether a rewrite read a plain number, which a sign in front may apply to.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Number,
    Other,
}

/// Rewrites the token at `start`, then a range dash after it ("9-17": "nine to
/// seventeen").
pub(super) fn rewrite(site: &Site, start: usize) -> Option<Rewrite> {
    let mut rewrite = match site.chars.get(start)? {
        '0'..='9' => from_digit(site, start)?.0,
        '+' | '-' | '\u{2212}' => signed(site, start)?,
        '$' | '€' | '£' => money::prefixed(site, start)?,
        '(' => phone_run::phone(site, start)?,
        _ => return None,
    };
    add_range(site, &mut rewrite);
    Some(rewrite)
}

/// Appends the range word when a dash joins this token to a following digit.
fn add_range(site: &Site, rewrite: &mut Rewrite) {
    let dash = site.chars.get(rewrite.end);
    let digit_follows = site
        .chars
        .get(rewrite.end + 1)
        .is_some_and(char::is_ascii_digit);
    if matches!(dash, Some('-' | '–')) && digit_follows {
        let word = match site.lang {
            Lang::En => "to",
            Lang::Fr => "à",
            Lang::De => "bis",
            Lang::Es | Lang::It => "a",
        };
        rewrite.words = format!("{} {word}", rewrite.words);
        rewrite.end += 1;
    }
}

/// Reads "+33 6 12 34 56 78" as a phone number, and "-5", "+3 %" as signed numbers. A sign
/// counts only at the start of a token, so "10-12" stays a range.
fn signed(site: &Site, start: usize) -> Option<Rewrite> {
    let chars = site.chars;
    if !chars.get(start + 1).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let plus = chars[start] == '+';
    if plus {
        if let Some(phone) = phone_run::phone(site, start) {
            return Some(phone);
        }
    }
    let starts_token = start == 0
        || chars
            .get(start - 1)
            .is_some_and(|c| c.is_whitespace() || *c == '(');
    if !starts_token {
        return None;
    }
    let (inner, kind) = from_digit(site, start + 1)?;
    if kind != Kind::Number {
        return None;
    }
    let sign = if plus {
        plus_word(site.lang)
    } else {
        minus_word(site.lang)
    };
    Some(Rewrite {
        end: inner.end,
        words: format!("{sign} {}", inner.words),
    })
}

/// Tries, in order: an all-digit date, a time, a day with a month name, an ordinal, a
/// price, a percentage, a temperature, a phone number, and last a plain number.
fn from_digit(site: &Site, start: usize) -> Option<(Rewrite, Kind)> {
    if let Some(rewrite) = calendar::numeric_date(site, start) {
        return Some((rewrite, Kind::Other));
    }
    if let Some(rewrite) = clock::time(site, start) {
        return Some((rewrite, Kind::Other));
    }

    let number = number::parse(site.chars, start, site.lang);
    if let Some(value) = number.plain_value() {
        if let Some(rewrite) = day_or_ordinal(site, value, number.end) {
            return Some((rewrite, Kind::Other));
        }
    }
    if let Some(rewrite) = money::after_number(site, &number) {
        return Some((rewrite, Kind::Other));
    }
    if let Some(rewrite) = number::percent(site, &number) {
        return Some((rewrite, Kind::Number));
    }
    if let Some(rewrite) = number::degrees(site, &number) {
        return Some((rewrite, Kind::Number));
    }

    let run = phone_run::scan(site, start);
    let plain_long = number.fraction.is_none() && !number.grouped && number.integer.len() >= 8;
    if run.qualifies() && (run.end > number.end || plain_long) {
        let phone = phone_run::phone(site, start)?;
        return Some((phone, Kind::Other));
    }

    let rewrite = Rewrite {
        end: number.end,
        words: plain_words(site, &number),
    };
    Some((rewrite, Kind::Number))
}

/// Reads a day number followed by a month ("9 December", "1er décembre", "9. Dezember"),
/// or else an ordinal ("21st", "2e", "3º").
fn day_or_ordinal(site: &Site, value: u64, digits_end: usize) -> Option<Rewrite> {
    let suffix = ordinal_suffix(site, digits_end);
    let day_end = suffix.map_or(digits_end, |(end, _)| end);
    if (1..=31).contains(&value) {
        if let Some(date) = calendar::after_day(site, value, day_end) {
            return Some(date);
        }
    }
    let (end, form) = suffix?;
    Some(Rewrite {
        end,
        words: ordinal_words(value, form, site.lang),
    })
}
