//! Dates written with digits: "2026-12-09", "09/12/2026", "9 December 2026", "9. Dezember",
//! "9 de diciembre de 2026", and, from a month name, "December 9, 2026" and "décembre 2026".

use super::cursor::{
    at_boundary, digit_end, letter_end, match_ignore_case, match_word, skip_blanks, text,
};
use super::number::german_ending_after;
use super::{Rewrite, Site};
use crate::date::{is_valid, month_name, month_number, speak, DateParts, DateStyle};
use crate::numbers::year;
use crate::Lang;

/// Reads the date `parts` in the style the surrounding text requires.
fn date_rewrite(site: &Site, parts: DateParts, month_first: bool, end: usize) -> Rewrite {
    let after_article = match site.lang {
        Lang::En => site.previous_word.eq_ignore_ascii_case("the"),
        Lang::De => german_ending_after(&site.previous_word) == Some("en"),
        _ => false,
    };
    let style = DateStyle {
        month_first,
        after_article,
    };
    Rewrite {
        end,
        words: speak(&parts, site.lang, style),
    }
}

/// Reads the digits from `start` to `end` as a number, if there are at most four.
fn value(site: &Site, start: usize, end: usize) -> Option<u32> {
    if end <= start || end - start > 4 {
        return None;
    }
    text(site.chars, start, end).parse().ok()
}

/// Matches an all-digit date at `start`.
///
/// Year first ("2026-12-09", "2026/12/09") is read as year, month, day. Otherwise the day
/// comes first ("09/12/2026", "9.12.26", "09-12-2026"), except when the second number
/// cannot be a month and the first can ("12/25/2026"), which is read month first. A
/// two-digit year is in the 2000s. German also writes the day and month alone ("09.12.").
/// Impossible dates are left to the number rules.
pub(super) fn numeric_date(site: &Site, start: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let first_end = digit_end(chars, start);
    let separator = *chars.get(first_end)?;
    if !matches!(separator, '-' | '/' | '.') {
        return None;
    }
    let second_end = digit_end(chars, first_end + 1);
    if chars.get(second_end) != Some(&separator) {
        return None;
    }
    let third_end = digit_end(chars, second_end + 1);
    if third_end == second_end + 1 {
        return german_day_month(site, start, first_end, second_end);
    }
    let continues = chars.get(third_end) == Some(&separator)
        && chars.get(third_end + 1).is_some_and(char::is_ascii_digit);
    if continues {
        return None;
    }

    let lengths = (
        first_end - start,
        second_end - first_end - 1,
        third_end - second_end - 1,
    );
    let first = value(site, start, first_end)?;
    let second = value(site, first_end + 1, second_end)?;
    let third = value(site, second_end + 1, third_end)?;
    let (year, month, day) = match lengths {
        (4, 1..=2, 1..=2) if separator != '.' => (first, second, third),
        (1..=2, 1..=2, 2 | 4) => {
            let year = if lengths.2 == 2 { 2000 + third } else { third };
            if second > 12 && first <= 12 {
                (year, first, second)
            } else {
                (year, second, first)
            }
        }
        _ => return None,
    };
    let parts = valid_parts(year, month, day)?;
    Some(date_rewrite(site, parts, false, third_end))
}

/// Matches a German date without a year, "09.12." or "9.12.", whose second dot is at
/// `second_end`. One of the two numbers must have two digits, so that a section number such
/// as "1.2." stays a number.
fn german_day_month(
    site: &Site,
    start: usize,
    first_end: usize,
    second_end: usize,
) -> Option<Rewrite> {
    let lengths = (first_end - start, second_end - first_end - 1);
    let two_digits = lengths.0 == 2 || lengths.1 == 2;
    if site.lang != Lang::De || site.chars.get(first_end) != Some(&'.') || !two_digits {
        return None;
    }
    if lengths.0 > 2 || lengths.1 > 2 {
        return None;
    }
    let day = u8::try_from(value(site, start, first_end)?).ok()?;
    let month = u8::try_from(value(site, first_end + 1, second_end)?).ok()?;
    if !is_valid(None, month, day) {
        return None;
    }
    let parts = DateParts {
        year: None,
        month,
        day,
        weekday: None,
    };
    Some(date_rewrite(site, parts, false, second_end + 1))
}

/// Builds date parts for a year in 1000 to 2999 and an existing day.
fn valid_parts(year: u32, month: u32, day: u32) -> Option<DateParts> {
    if !(1000..=2999).contains(&year) {
        return None;
    }
    let year = i32::try_from(year).ok()?;
    let month = u8::try_from(month).ok()?;
    let day = u8::try_from(day).ok()?;
    is_valid(Some(year), month, day).then_some(DateParts {
        year: Some(year),
        month,
        day,
        weekday: None,
    })
}

/// Matches a four-digit year in 1000 to 2999 at `start`.
fn year_at(site: &Site, start: usize) -> Option<(i32, usize)> {
    let end = digit_end(site.chars, start);
    if end - start != 4 {
        return None;
    }
    let year = value(site, start, end)?;
    (1000..=2999).contains(&year).then_some((year as i32, end))
}

/// Matches an optional year after a month name: ", 2026", " 2026", Spanish " de 2026".
fn optional_year(site: &Site, month_end: usize) -> (Option<i32>, usize) {
    let chars = site.chars;
    let after_comma = if chars.get(month_end) == Some(&',') {
        month_end + 1
    } else {
        month_end
    };
    let mut start = skip_blanks(chars, after_comma);
    if start == after_comma {
        return (None, month_end);
    }
    if site.lang == Lang::Es {
        if let Some(end) = match_word(chars, start, "de") {
            start = skip_blanks(chars, end);
        }
    }
    match year_at(site, start) {
        Some((year, end)) => (Some(year), end),
        None => (None, month_end),
    }
}

/// Matches a month name at `start`. Returns the month and the index after the name, with
/// the dot of an abbreviation ("Dec.") when a year follows.
fn month_at(site: &Site, start: usize) -> Option<(u8, usize)> {
    let chars = site.chars;
    let end = letter_end(chars, start);
    if end == start {
        return None;
    }
    let month = month_number(&text(chars, start, end), site.lang)?;
    let dot_then_year = chars.get(end) == Some(&'.')
        && chars
            .get(skip_blanks(chars, end + 1))
            .is_some_and(char::is_ascii_digit);
    Some((month, if dot_then_year { end + 1 } else { end }))
}

/// Matches a month name and optional year after a day number that ends at `day_end`:
/// " December 2026", ". Dezember", " de diciembre de 2026", " of December".
pub(super) fn after_day(site: &Site, day: u64, day_end: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let mut at = day_end;
    if site.lang == Lang::De && chars.get(at) == Some(&'.') {
        at += 1;
    }
    let mut month_start = skip_blanks(chars, at);
    if month_start == at {
        return None;
    }

    let linking_word = match site.lang {
        Lang::Es => Some("de"),
        Lang::En => Some("of"),
        _ => None,
    };
    if let Some(end) = linking_word.and_then(|word| match_word(chars, month_start, word)) {
        month_start = skip_blanks(chars, end);
    }
    let (month, month_end) = month_at(site, month_start)?;
    let (year, end) = optional_year(site, month_end);

    let day = u8::try_from(day).ok()?;
    if !is_valid(year, month, day) {
        return None;
    }
    let parts = DateParts {
        year,
        month,
        day,
        weekday: None,
    };
    Some(date_rewrite(site, parts, false, end))
}

/// Matches a date that starts with its month name at `start`: English "December 9",
/// "December 9th, 2026", and in every language "décembre 2026" (the year read as a year).
pub(super) fn month_first(site: &Site, start: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let (month, month_end) = month_at(site, start)?;
    let number_start = skip_blanks(chars, month_end);
    if number_start == month_end {
        return None;
    }
    if let Some((year_value, end)) = year_at(site, number_start) {
        if !at_boundary(chars, end) {
            return None;
        }
        let name = month_name(month, site.lang)?;
        return Some(Rewrite {
            end,
            words: format!("{name} {}", year(year_value, site.lang)),
        });
    }
    if site.lang == Lang::En {
        return english_day_after_month(site, month, number_start);
    }
    None
}

/// Matches the day, optional "st", "nd", "rd" or "th" and optional year after an English
/// month name: "December 9", "December 9th, 2026".
fn english_day_after_month(site: &Site, month: u8, day_start: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let day_end = digit_end(chars, day_start);
    if !(1..=2).contains(&(day_end - day_start)) {
        return None;
    }
    let day = u8::try_from(value(site, day_start, day_end)?).ok()?;
    let suffix_end = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| match_ignore_case(chars, day_end, suffix))
        .unwrap_or(day_end);
    if !at_boundary(chars, suffix_end) {
        return None;
    }

    let (year, end) = optional_year(site, suffix_end);
    if !is_valid(year, month, day) {
        return None;
    }
    let parts = DateParts {
        year,
        month,
        day,
        weekday: None,
    };
    Some(date_rewrite(site, parts, true, end))
}
