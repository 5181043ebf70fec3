//! Calendar dates as words, and the month and weekday names the text scanner looks for.

use crate::numbers::{cardinal, german_ordinal, ordinal, year, Gender};
use crate::Lang;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const MONTHS_IT: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// Other spellings accepted in text, lowercase, with their month number.
const MONTH_VARIANTS: [(Lang, &str, u8); 23] = [
    (Lang::En, "jan", 1),
    (Lang::En, "feb", 2),
    (Lang::En, "mar", 3),
    (Lang::En, "apr", 4),
    (Lang::En, "jun", 6),
    (Lang::En, "jul", 7),
    (Lang::En, "aug", 8),
    (Lang::En, "sep", 9),
    (Lang::En, "sept", 9),
    (Lang::En, "oct", 10),
    (Lang::En, "nov", 11),
    (Lang::En, "dec", 12),
    (Lang::Fr, "fevrier", 2),
    (Lang::Fr, "aout", 8),
    (Lang::Fr, "decembre", 12),
    (Lang::Fr, "janv", 1),
    (Lang::Fr, "févr", 2),
    (Lang::Fr, "sept", 9),
    (Lang::Fr, "oct", 10),
    (Lang::Fr, "déc", 12),
    (Lang::De, "maerz", 3),
    (Lang::De, "jänner", 1),
    (Lang::Es, "setiembre", 9),
];

const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const WEEKDAYS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const WEEKDAYS_DE: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];
const WEEKDAYS_ES: [&str; 7] = [
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
];
const WEEKDAYS_IT: [&str; 7] = [
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
];

fn months(lang: Lang) -> &'static [&'static str; 12] {
    match lang {
        Lang::En => &MONTHS_EN,
        Lang::Fr => &MONTHS_FR,
        Lang::De => &MONTHS_DE,
        Lang::Es => &MONTHS_ES,
        Lang::It => &MONTHS_IT,
    }
}

fn weekdays(lang: Lang) -> &'static [&'static str; 7] {
    match lang {
        Lang::En => &WEEKDAYS_EN,
        Lang::Fr => &WEEKDAYS_FR,
        Lang::De => &WEEKDAYS_DE,
        Lang::Es => &WEEKDAYS_ES,
        Lang::It => &WEEKDAYS_IT,
    }
}

/// Returns the name of `month` (1 to 12) in `lang`, or `None` outside that range.
pub(crate) fn month_name(month: u8, lang: Lang) -> Option<&'static str> {
    let index = usize::from(month).checked_sub(1)?;
    months(lang).get(index).copied()
}

/// Looks up a month name or abbreviation of `lang`, ignoring case. Returns 1 to 12.
///
/// English month names must start with a capital letter, so that the verb "may" and the
/// word "march" stay words.
pub(crate) fn month_number(word: &str, lang: Lang) -> Option<u8> {
    if lang == Lang::En && !word.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let lower = word.to_lowercase();
    let full = months(lang)
        .iter()
        .position(|name| name.to_lowercase() == lower)
        .map(|index| index as u8 + 1);
    full.or_else(|| {
        MONTH_VARIANTS
            .iter()
            .find(|(variant_lang, name, _)| *variant_lang == lang && *name == lower)
            .map(|(_, _, month)| *month)
    })
}

/// Returns the number of days in `month` of `year`, or 0 for a month outside 1 to 12.
pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// Returns whether `day` exists in `month`. Without a year, 29 February is accepted.
pub(crate) fn is_valid(year: Option<i32>, month: u8, day: u8) -> bool {
    day >= 1 && day <= days_in_month(year.unwrap_or(2000), month)
}

/// Word order and grammatical context of a date read from text.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DateStyle {
    /// The text put the month first ("December 9"), which English keeps: "December ninth".
    pub month_first: bool,
    /// The text already has the article in front ("the 9th of December", "am 9.
    /// Dezember"): English drops its "the", German uses the dative ending "-ten".
    pub after_article: bool,
}

/// A date to read, with the parts the text or caller supplied.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateParts {
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
    pub weekday: Option<u8>,
}

/// Writes a calendar date as words, in the usual spoken order of each language.
///
/// - English: "Tuesday the ninth of December twenty twenty-six".
/// - French: "mardi neuf décembre deux mille vingt-six", with "premier" for day 1.
/// - German: "Dienstag, neunter Dezember zweitausendsechsundzwanzig".
/// - Spanish: "martes nueve de diciembre de dos mil veintiséis", with "uno" for day 1 as in
///   Spain.
/// - Italian: "martedì nove dicembre duemilaventisei", with "primo" for day 1.
///
/// `weekday` counts from 0 for Monday; a value above 6 is ignored. A month outside 1 to 12
/// or a day outside 1 to 31 cannot be named, so the date is read as its numbers
/// (day, month, year) instead. The day is not checked against the month's length.
pub fn say_date(year: i32, month: u8, day: u8, weekday: Option<u8>, lang: Lang) -> String {
    let parts = DateParts {
        year: Some(year),
        month,
        day,
        weekday,
    };
    speak(&parts, lang, DateStyle::default())
}

/// Writes a date without its year, like [`say_date`]: "Tuesday the ninth of December",
/// "mardi neuf décembre".
pub fn say_day_month(month: u8, day: u8, weekday: Option<u8>, lang: Lang) -> String {
    let parts = DateParts {
        year: None,
        month,
        day,
        weekday,
    };
    speak(&parts, lang, DateStyle::default())
}

/// Writes `parts` in the given style. Used by [`say_date`] and by the text scanner.
pub(crate) fn speak(parts: &DateParts, lang: Lang, style: DateStyle) -> String {
    if !(1..=12).contains(&parts.month) || !(1..=31).contains(&parts.day) {
        return numbers_only(parts, lang);
    }
    let month = months(lang)[usize::from(parts.month - 1)];
    let day = u64::from(parts.day);
    let weekday = parts
        .weekday
        .and_then(|index| weekdays(lang).get(usize::from(index)));
    let year_words = parts.year.map(|y| year(y, lang));

    let mut words = Vec::new();
    match lang {
        Lang::En => {
            words.extend(weekday.map(|w| w.to_string()));
            let day_words = ordinal(day, Lang::En, Gender::Masculine);
            if style.month_first {
                words.push(month.to_string());
                words.push(day_words);
                if let Some(year_words) = year_words {
                    let last = words.len() - 1;
                    words[last].push(',');
                    words.push(year_words);
                }
                return words.join(" ");
            }
            if !style.after_article || weekday.is_some() {
                words.push("the".to_string());
            }
            words.push(day_words);
            words.push(format!("of {month}"));
        }
        Lang::Fr => {
            words.extend(weekday.map(|w| w.to_string()));
            words.push(match day {
                1 => ordinal(1, Lang::Fr, Gender::Masculine),
                _ => cardinal(day, Lang::Fr),
            });
            words.push(month.to_string());
        }
        Lang::De => {
            words.extend(weekday.map(|w| format!("{w},")));
            let ending = if style.after_article { "en" } else { "er" };
            words.push(german_ordinal(day, ending));
            words.push(month.to_string());
        }
        Lang::Es => {
            words.extend(weekday.map(|w| w.to_string()));
            words.push(cardinal(day, Lang::Es));
            words.push(format!("de {month}"));
            if let Some(year_words) = year_words {
                words.push(format!("de {year_words}"));
            }
            return words.join(" ");
        }
        Lang::It => {
            words.extend(weekday.map(|w| w.to_string()));
            words.push(match day {
                1 => ordinal(1, Lang::It, Gender::Masculine),
                _ => cardinal(day, Lang::It),
            });
            words.push(month.to_string());
        }
    }
    words.extend(year_words);
    words.join(" ")
}

/// Reads an impossible date as its numbers: day, month, then year.
fn numbers_only(parts: &DateParts, lang: Lang) -> String {
    let mut words = vec![
        cardinal(u64::from(parts.day), lang),
        cardinal(u64::from(parts.month), lang),
    ];
    words.extend(parts.year.map(|y| year(y, lang)));
    words.join(" ")
}
