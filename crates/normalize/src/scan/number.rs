//! Numbers written with digits: parsing with each language's separators, and reading
//! plain numbers, ordinals, percentages and temperatures.

use super::cursor::{at_boundary, digit_end, match_exact, match_ignore_case, skip_blanks, text};
use super::{Rewrite, Site};
use crate::numbers::{
    decimal_words, german_ordinal, integer_words, ordinal, parse_small, spanish_ordinal_short,
    year, Gender,
};
use crate::Lang;

/// A number as written: integer digits without group separators and optional fraction
/// digits.
#[derive(Debug)]
pub(super) struct Number {
    pub integer: String,
    pub fraction: Option<String>,
    /// The integer part used group separators ("1 000", "1,000", "1.000").
    pub grouped: bool,
    pub end: usize,
}

impl Number {
    /// Returns the value of a plain integer: no separators, no fraction, at most 15 digits.
    pub(super) fn plain_value(&self) -> Option<u64> {
        if self.grouped || self.fraction.is_some() {
            return None;
        }
        parse_small(&self.integer)
    }
}

/// Returns whether `c` separates groups of three digits in `lang`: "1,000" in English, "1 000" in
/// French (which also meets "1.000" in practice), "1.000" in German, Spanish and Italian.
fn is_group_separator(c: char, lang: Lang) -> bool {
    match lang {
        Lang::En => c == ',',
        Lang::Fr => matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '.'),
        Lang::De | Lang::Es | Lang::It => c == '.',
    }
}

/// Returns whether `c` starts the fraction in `lang`. Besides the local decimal comma, the
/// other languages accept a point, because model output often uses one. A point followed by
/// exactly three digits was already taken as a group separator.
fn is_decimal_separator(c: char, lang: Lang) -> bool {
    match lang {
        Lang::En => c == '.',
        _ => c == ',' || c == '.',
    }
}

/// Parses the number starting at the digit at `start`. Always consumes at least the first
/// digit run.
pub(super) fn parse(chars: &[char], start: usize, lang: Lang) -> Number {
    let mut end = digit_end(chars, start);
    let mut integer = text(chars, start, end);
    let mut grouped = false;
    if integer.len() <= 3 && !integer.starts_with('0') {
        while let Some(&separator) = chars.get(end) {
            let group_end = digit_end(chars, end + 1);
            if !is_group_separator(separator, lang) || group_end - (end + 1) != 3 {
                break;
            }
            integer.push_str(&text(chars, end + 1, group_end));
            end = group_end;
            grouped = true;
        }
    }
    let mut fraction = None;
    if let Some(&separator) = chars.get(end) {
        let fraction_end = digit_end(chars, end + 1);
        if fraction_end > end + 1 && is_decimal_separator(separator, lang) {
            fraction = Some(text(chars, end + 1, fraction_end));
            end = fraction_end;
        }
    }
    Number {
        integer,
        fraction,
        grouped,
        end,
    }
}

/// Words that, just before a four-digit number, make it a year in English or German:
/// "in 1990", "seit 1990".
const YEAR_CUES: [(Lang, &str); 22] = [
    (Lang::En, "in"),
    (Lang::En, "since"),
    (Lang::En, "from"),
    (Lang::En, "until"),
    (Lang::En, "till"),
    (Lang::En, "by"),
    (Lang::En, "year"),
    (Lang::En, "of"),
    (Lang::En, "to"),
    (Lang::En, "before"),
    (Lang::En, "after"),
    (Lang::En, "around"),
    (Lang::De, "im"),
    (Lang::De, "seit"),
    (Lang::De, "bis"),
    (Lang::De, "jahr"),
    (Lang::De, "jahre"),
    (Lang::De, "von"),
    (Lang::De, "ab"),
    (Lang::De, "nach"),
    (Lang::De, "vor"),
    (Lang::De, "anno"),
];

/// Reads a number with no unit after it: an integer, a decimal, or a year after a word
/// such as "in" or "seit" or before a dash and another four digits ("1990-2000").
pub(super) fn plain_words(site: &Site, number: &Number) -> String {
    if let Some(fraction) = &number.fraction {
        return decimal_words(&number.integer, fraction, site.lang);
    }
    if let Some(value) = number.plain_value() {
        let previous = site.previous_word.to_lowercase();
        let year_cue = YEAR_CUES
            .iter()
            .any(|(lang, cue)| *lang == site.lang && *cue == previous);
        let starts_year_range = matches!(site.chars.get(number.end), Some('-' | '–'))
            && digit_end(site.chars, number.end + 1) == number.end + 5;
        let year_like = number.integer.len() == 4 && (1000..=2999).contains(&value);
        if year_like && (year_cue || starts_year_range) {
            return year(value as i32, site.lang);
        }
    }
    integer_words(&number.integer, site.lang)
}

/// The reading an ordinal suffix selects.
#[derive(Debug, Clone, Copy)]
pub(super) enum OrdinalForm {
    Masculine,
    Feminine,
    /// French "2nd" and "2nde": "second", "seconde".
    Second {
        feminine: bool,
    },
    /// Spanish "1er", "3er": "primer", "tercer".
    SpanishShort,
    /// German "3." with the ending its article requires ("e" or "en").
    German(&'static str),
}

const FRENCH_SUFFIXES: [(&str, OrdinalForm); 12] = [
    ("ère", OrdinalForm::Feminine),
    ("ème", OrdinalForm::Masculine),
    ("eme", OrdinalForm::Masculine),
    ("ᵉʳ", OrdinalForm::Masculine),
    ("ʳᵉ", OrdinalForm::Feminine),
    ("nde", OrdinalForm::Second { feminine: true }),
    ("er", OrdinalForm::Masculine),
    ("re", OrdinalForm::Feminine),
    ("nd", OrdinalForm::Second { feminine: false }),
    ("ᵉ", OrdinalForm::Masculine),
    ("e", OrdinalForm::Masculine),
    ("è", OrdinalForm::Masculine),
];

const SPANISH_SUFFIXES: [(&str, OrdinalForm); 20] = [
    (".º", OrdinalForm::Masculine),
    (".ª", OrdinalForm::Feminine),
    ("º", OrdinalForm::Masculine),
    ("ª", OrdinalForm::Feminine),
    ("°", OrdinalForm::Masculine),
    ("ero", OrdinalForm::Masculine),
    ("era", OrdinalForm::Feminine),
    ("er", OrdinalForm::SpanishShort),
    ("ra", OrdinalForm::Feminine),
    ("ro", OrdinalForm::Masculine),
    ("do", OrdinalForm::Masculine),
    ("da", OrdinalForm::Feminine),
    ("to", OrdinalForm::Masculine),
    ("ta", OrdinalForm::Feminine),
    ("vo", OrdinalForm::Masculine),
    ("va", OrdinalForm::Feminine),
    ("mo", OrdinalForm::Masculine),
    ("ma", OrdinalForm::Feminine),
    ("no", OrdinalForm::Masculine),
    ("na", OrdinalForm::Feminine),
];

const ITALIAN_SUFFIXES: [(&str, OrdinalForm); 3] = [
    ("º", OrdinalForm::Masculine),
    ("°", OrdinalForm::Masculine),
    ("ª", OrdinalForm::Feminine),
];

/// German words before "3." that make it an ordinal, with the ending they ask for.
const GERMAN_DETERMINERS: [(&str, &str); 24] = [
    ("der", "e"),
    ("die", "e"),
    ("das", "e"),
    ("jede", "e"),
    ("jeder", "e"),
    ("jedes", "e"),
    ("ihre", "e"),
    ("seine", "e"),
    ("meine", "e"),
    ("unsere", "e"),
    ("den", "en"),
    ("dem", "en"),
    ("des", "en"),
    ("am", "en"),
    ("im", "en"),
    ("zum", "en"),
    ("zur", "en"),
    ("vom", "en"),
    ("beim", "en"),
    ("jeden", "en"),
    ("ihrem", "en"),
    ("ihren", "en"),
    ("seinem", "en"),
    ("seinen", "en"),
];

/// Returns the ending a German article or preposition requires of a following ordinal or
/// date ("am" requires "-en"), or `None` when `word` is not one of them.
pub(super) fn german_ending_after(word: &str) -> Option<&'static str> {
    let lower = word.to_lowercase();
    GERMAN_DETERMINERS
        .iter()
        .find(|(determiner, _)| *determiner == lower)
        .map(|(_, ending)| *ending)
}

/// Matches an ordinal suffix at `i`, right after the digits: "st", "er", "º", or in German
/// a "." after an article ("der 3. Stock"). Returns the index after it.
pub(super) fn ordinal_suffix(site: &Site, i: usize) -> Option<(usize, OrdinalForm)> {
    let chars = site.chars;
    let table: &[(&str, OrdinalForm)] = match site.lang {
        Lang::En => &[
            ("st", OrdinalForm::Masculine),
            ("nd", OrdinalForm::Masculine),
            ("rd", OrdinalForm::Masculine),
            ("th", OrdinalForm::Masculine),
        ],
        Lang::Fr => &FRENCH_SUFFIXES,
        Lang::Es => &SPANISH_SUFFIXES,
        Lang::It => &ITALIAN_SUFFIXES,
        Lang::De => {
            let ending = german_ending_after(&site.previous_word)?;
            let next = skip_blanks(chars, i + 1);
            let before_word = chars.get(i) == Some(&'.')
                && next > i + 1
                && chars.get(next).is_some_and(|c| c.is_alphabetic());
            return before_word.then_some((i + 1, OrdinalForm::German(ending)));
        }
    };
    table.iter().find_map(|(suffix, form)| {
        let end = match_ignore_case(chars, i, suffix)?;
        if !at_boundary(chars, end) || (*suffix == "°" && temperature_scale(chars, end).is_some())
        {
            return None;
        }
        Some((end, *form))
    })
}

/// Reads `n` as the ordinal `form` asks for.
pub(super) fn ordinal_words(n: u64, form: OrdinalForm, lang: Lang) -> String {
    match form {
        OrdinalForm::Masculine => ordinal(n, lang, Gender::Masculine),
        OrdinalForm::Feminine => ordinal(n, lang, Gender::Feminine),
        OrdinalForm::Second { feminine } if n == 2 && lang == Lang::Fr => {
            if feminine { "seconde" } else { "second" }.to_string()
        }
        OrdinalForm::Second { .. } => ordinal(n, lang, Gender::Masculine),
        OrdinalForm::SpanishShort => spanish_ordinal_short(n),
        OrdinalForm::German(ending) => german_ordinal(n, ending),
    }
}

/// Reads "15 %" or "15%" after `number`.
pub(super) fn percent(site: &Site, number: &Number) -> Option<Rewrite> {
    let at = skip_blanks(site.chars, number.end);
    let end = match_exact(site.chars, at, "%")?;
    let word = match site.lang {
        Lang::En => "percent",
        Lang::Fr => "pour cent",
        Lang::De => "Prozent",
        Lang::Es => "por ciento",
        Lang::It => "per cento",
    };
    Some(Rewrite {
        end,
        words: format!("{} {word}", plain_words(site, number)),
    })
}

/// Matches "C" or "F" right after a degree sign, as a whole word.
fn temperature_scale(chars: &[char], i: usize) -> Option<(usize, &'static str)> {
    let scale = match chars.get(i) {
        Some('C') => "Celsius",
        Some('F') => "Fahrenheit",
        _ => return None,
    };
    at_boundary(chars, i + 1).then_some((i + 1, scale))
}

/// Reads "20°", "20 °C" or "-3,5°C" after `number`. In Spanish and Italian a bare "°"
/// after an integer is an ordinal and was read before this.
pub(super) fn degrees(site: &Site, number: &Number) -> Option<Rewrite> {
    let at = skip_blanks(site.chars, number.end);
    let sign_end = match_exact(site.chars, at, "°")?;
    let (end, scale) = match temperature_scale(site.chars, sign_end) {
        Some((end, scale)) => (end, Some(scale)),
        None => (sign_end, None),
    };
    let one = number.plain_value() == Some(1);
    let unit = match (site.lang, one) {
        (Lang::En, true) => "degree",
        (Lang::En, false) => "degrees",
        (Lang::Fr, true) => "degré",
        (Lang::Fr, false) => "degrés",
        (Lang::De, _) => "Grad",
        (Lang::Es, true) | (Lang::It, true) => "grado",
        (Lang::Es, false) => "grados",
        (Lang::It, false) => "gradi",
    };
    let mut words = format!("{} {unit}", plain_words(site, number));
    if let Some(scale) = scale {
        words = format!("{words} {scale}");
    }
    Some(Rewrite { end, words })
}
