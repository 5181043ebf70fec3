//! Clock times written with digits: "14h30", "9h05", "14:30", "2:30 pm", "2pm", "14 Uhr".

use super::cursor::{at_boundary, digit_end, match_ignore_case, match_word, skip_blanks};
use super::{Rewrite, Site};
use crate::numbers::{cardinal_before_noun, Gender};
use crate::time::say_time;
use crate::Lang;

/// Matches a time at the digit at `start`.
///
/// "14h" alone is a time in French ("quatorze heures"), and a duration in the other
/// languages ("14 hours"), where that notation means hours. Minutes are exactly two
/// digits. "am" without dots is not a marker in German, where it is a word.
pub(super) fn time(site: &Site, start: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let hour_end = digit_end(chars, start);
    let hour = two_digit_value(site, start, hour_end)?;
    if hour > 23 {
        return None;
    }

    if let Some(rewrite) = hour_letter(site, hour, hour_end) {
        return Some(rewrite);
    }
    if chars.get(hour_end) == Some(&':') {
        return colon(site, hour, hour_end + 1);
    }
    if site.lang == Lang::De && chars.get(hour_end) == Some(&'.') {
        return german_dotted(site, hour, hour_end + 1);
    }
    if (1..=12).contains(&hour) {
        if let Some((pm, end)) = am_pm(site, hour_end) {
            return Some(rewrite(site, to_24_hour(hour, pm), 0, end));
        }
    }
    if site.lang == Lang::De {
        let word_start = skip_blanks(chars, hour_end);
        if word_start > hour_end {
            let end = match_word(chars, word_start, "Uhr")?;
            return Some(rewrite(site, hour, 0, end));
        }
    }
    None
}

/// Parses one or two digits. Returns `None` for any other length.
fn two_digit_value(site: &Site, start: usize, end: usize) -> Option<u8> {
    if !(1..=2).contains(&(end - start)) {
        return None;
    }
    site.chars[start..end]
        .iter()
        .try_fold(0u8, |value, c| Some(value * 10 + c.to_digit(10)? as u8))
}

/// Reads two minute digits at `start` that end a word. Returns the minute and its end.
fn minutes_at(site: &Site, start: usize) -> Option<(u8, usize)> {
    let end = digit_end(site.chars, start);
    if end - start != 2 {
        return None;
    }
    let minute = two_digit_value(site, start, end)?;
    (minute <= 59).then_some((minute, end))
}

/// Matches the "h" notation after the hour: "14h30", "14h", French "14 h 30".
fn hour_letter(site: &Site, hour: u8, hour_end: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let letter_at = if site.lang == Lang::Fr {
        skip_blanks(chars, hour_end)
    } else {
        hour_end
    };
    if !matches!(chars.get(letter_at), Some('h' | 'H')) {
        return None;
    }
    let after_letter = letter_at + 1;
    let minute_start = if letter_at > hour_end {
        skip_blanks(chars, after_letter)
    } else {
        after_letter
    };
    if let Some((minute, end)) = minutes_at(site, minute_start) {
        if at_boundary(chars, end) {
            return Some(rewrite(site, hour, minute, end));
        }
    }
    if !at_boundary(chars, after_letter) {
        return None;
    }
    if site.lang == Lang::Fr {
        Some(rewrite(site, hour, 0, after_letter))
    } else {
        Some(Rewrite {
            end: after_letter,
            words: hours_duration(hour, site.lang),
        })
    }
}

/// Matches the minutes after "14:", then optional seconds, an am/pm marker and a unit word.
fn colon(site: &Site, hour: u8, minute_start: usize) -> Option<Rewrite> {
    let chars = site.chars;
    let (minute, mut end) = minutes_at(site, minute_start)?;
    if chars.get(end) == Some(&':') && digit_end(chars, end + 1) == end + 3 {
        end += 3;
    }
    let mut hour = hour;
    if (1..=12).contains(&hour) {
        if let Some((pm, marker_end)) = am_pm(site, end) {
            hour = to_24_hour(hour, pm);
            end = marker_end;
        }
    }
    end = skip_unit_word(site, end);
    Some(rewrite(site, hour, minute, end))
}

/// Matches German "14.30 Uhr". Without "Uhr" the dot is a decimal point.
fn german_dotted(site: &Site, hour: u8, minute_start: usize) -> Option<Rewrite> {
    let (minute, minute_end) = minutes_at(site, minute_start)?;
    let word_start = skip_blanks(site.chars, minute_end);
    let end = match_word(site.chars, word_start, "Uhr")?;
    Some(rewrite(site, hour, minute, end))
}

/// Matches "am", "pm", "a.m." or "p.m." after optional blanks. Returns whether it is
/// afternoon and the index after the marker.
fn am_pm(site: &Site, i: usize) -> Option<(bool, usize)> {
    let chars = site.chars;
    let at = skip_blanks(chars, i);
    for (marker, pm) in [
        ("a.m.", false),
        ("p.m.", true),
        ("a. m.", false),
        ("p. m.", true),
    ] {
        if let Some(end) = match_ignore_case(chars, at, marker) {
            return Some((pm, end));
        }
    }
    if let Some(end) = match_word(chars, at, "pm") {
        return Some((true, end));
    }
    if site.lang != Lang::De {
        if let Some(end) = match_word(chars, at, "am") {
            return Some((false, end));
        }
    }
    None
}

fn to_24_hour(hour: u8, pm: bool) -> u8 {
    match (hour, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (_, true) => hour + 12,
        (_, false) => hour,
    }
}

/// Skips a unit word written after a time ("14:30 Uhr", "14:30 h", "14:30 horas").
fn skip_unit_word(site: &Site, i: usize) -> usize {
    let at = skip_blanks(site.chars, i);
    let local = match site.lang {
        Lang::En => "hours",
        Lang::Fr => "heures",
        Lang::De => "Uhr",
        Lang::Es => "horas",
        Lang::It => "ore",
    };
    [local, "h", "hrs", "hs"]
        .iter()
        .find_map(|word| match_word(site.chars, at, word))
        .unwrap_or(i)
}

/// Reads a number of hours as a duration: "two hours", "eine Stunde", "un'ora".
fn hours_duration(hours: u8, lang: Lang) -> String {
    let n = u64::from(hours);
    match (lang, hours) {
        (Lang::En, 1) => "one hour".to_string(),
        (Lang::En, _) => format!("{} hours", cardinal_before_noun(n, lang, Gender::Masculine)),
        (Lang::Fr, 1) => "une heure".to_string(),
        (Lang::Fr, _) => format!("{} heures", cardinal_before_noun(n, lang, Gender::Feminine)),
        (Lang::De, 1) => "eine Stunde".to_string(),
        (Lang::De, _) => format!(
            "{} Stunden",
            cardinal_before_noun(n, lang, Gender::Feminine)
        ),
        (Lang::Es, 1) => "una hora".to_string(),
        (Lang::Es, _) => format!("{} horas", cardinal_before_noun(n, lang, Gender::Feminine)),
        (Lang::It, 1) => "un'ora".to_string(),
        (Lang::It, _) => format!("{} ore", cardinal_before_noun(n, lang, Gender::Feminine)),
    }
}

/// Builds the rewrite for a time, without the Spanish or Italian article when the text
/// already has one ("a las 14:30", "alle 14:30").
///
/// NOTE: Italian "alle 1:00" gives "alle una", because the elided "all'una" would need the
/// preceding word rewritten.
fn rewrite(site: &Site, hour: u8, minute: u8, end: usize) -> Rewrite {
    let words = say_time(hour, minute, site.lang);
    let previous = site.previous_word.to_lowercase();
    let has_article = match site.lang {
        Lang::Es => matches!(previous.as_str(), "la" | "las"),
        Lang::It => matches!(
            previous.as_str(),
            "le" | "alle" | "dalle" | "delle" | "sulle" | "nelle"
        ),
        _ => false,
    };
    let words = if has_article {
        ["las ", "la ", "le ", "l'"]
            .iter()
            .find_map(|article| words.strip_prefix(article))
            .map_or(words.clone(), str::to_string)
    } else {
        words
    };
    Rewrite { end, words }
}
