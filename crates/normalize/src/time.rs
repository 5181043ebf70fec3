//! Clock times as a receptionist reads them.

use crate::numbers::{cardinal, cardinal_before_noun, cardinal_feminine, Gender};
use crate::Lang;

/// Writes a clock time as words, in one fixed style per language.
///
/// - English uses the 12-hour clock with the part of the day spelled out, because "p m"
///   reads badly in speech synthesis: "two thirty in the afternoon", "nine oh five in the
///   morning", "two o'clock in the afternoon", "noon", "midnight". Hours 0 to 4 are "at
///   night", 5 to 11 "in the morning", 12 to 17 "in the afternoon", 18 to 23 "in the
///   evening".
/// - French uses the 24-hour clock: "quatorze heures trente", "une heure", "neuf heures
///   cinq", with "midi" and "minuit" for 12:00 and 0:00 exactly.
/// - German uses the 24-hour clock: "vierzehn Uhr dreißig", "ein Uhr", "null Uhr fünf".
/// - Spanish uses the 24-hour clock with its article: "las catorce y treinta", "la una y
///   cinco", "las nueve".
/// - Italian uses the 24-hour clock with its article: "le quattordici e trenta", "l'una".
///
/// An hour above 23 or a minute above 59 is not a clock time: both numbers are then read
/// as cardinals separated by a space.
pub fn say_time(hour: u8, minute: u8, lang: Lang) -> String {
    if hour > 23 || minute > 59 {
        let hour = cardinal(u64::from(hour), lang);
        let minute = cardinal(u64::from(minute), lang);
        return format!("{hour} {minute}");
    }
    match lang {
        Lang::En => english(hour, minute),
        Lang::Fr => french(hour, minute),
        Lang::De => german(hour, minute),
        Lang::Es => spanish(hour, minute),
        Lang::It => italian(hour, minute),
    }
}

fn english(hour: u8, minute: u8) -> String {
    match (hour, minute) {
        (0, 0) => return "midnight".to_string(),
        (12, 0) => return "noon".to_string(),
        _ => {}
    }
    let twelve_hour = match hour % 12 {
        0 => 12,
        h => h,
    };
    let minutes = match minute {
        0 => "o'clock".to_string(),
        1..=9 => format!("oh {}", cardinal(u64::from(minute), Lang::En)),
        _ => cardinal(u64::from(minute), Lang::En),
    };
    let part_of_day = match hour {
        0..=4 => "at night",
        5..=11 => "in the morning",
        12..=17 => "in the afternoon",
        _ => "in the evening",
    };
    let hour_words = cardinal(u64::from(twelve_hour), Lang::En);
    format!("{hour_words} {minutes} {part_of_day}")
}

fn french(hour: u8, minute: u8) -> String {
    match (hour, minute) {
        (0, 0) => return "minuit".to_string(),
        (12, 0) => return "midi".to_string(),
        _ => {}
    }
    let hours = cardinal_feminine(u64::from(hour), Lang::Fr);
    let noun = if hour < 2 { "heure" } else { "heures" };
    match minute {
        0 => format!("{hours} {noun}"),
        _ => {
            let minutes = cardinal_feminine(u64::from(minute), Lang::Fr);
            format!("{hours} {noun} {minutes}")
        }
    }
}

fn german(hour: u8, minute: u8) -> String {
    let hours = cardinal_before_noun(u64::from(hour), Lang::De, Gender::Feminine);
    match minute {
        0 => format!("{hours} Uhr"),
        _ => format!("{hours} Uhr {}", cardinal(u64::from(minute), Lang::De)),
    }
}

fn spanish(hour: u8, minute: u8) -> String {
    let article = if hour == 1 { "la" } else { "las" };
    let hours = cardinal_feminine(u64::from(hour), Lang::Es);
    match minute {
        0 => format!("{article} {hours}"),
        _ => format!(
            "{article} {hours} y {}",
            cardinal(u64::from(minute), Lang::Es)
        ),
    }
}

fn italian(hour: u8, minute: u8) -> String {
    let hours = match hour {
        1 => "l'una".to_string(),
        _ => format!("le {}", cardinal(u64::from(hour), Lang::It)),
    };
    match minute {
        0 => hours,
        _ => format!("{hours} e {}", cardinal(u64::from(minute), Lang::It)),
    }
}
