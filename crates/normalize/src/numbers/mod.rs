//! Number words per language: cardinals, ordinals, years, digits and decimals.

mod de;
mod en;
mod es;
mod fr;
mod it;

use crate::Lang;

/// The maximum number of digits read as one number. Longer strings are read digit by digit,
/// which also keeps every value inside `u64`.
pub(crate) const MAX_NUMBER_DIGITS: usize = 15;

/// Grammatical gender of the noun a number or ordinal agrees with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Masculine,
    Feminine,
}

/// Writes `n` as words in `lang`: "vingt et un", "einundzwanzig", "veintiuno".
///
/// Every `u64` is supported. English uses the short scale ("billion" is 10^9), the other
/// languages the long scale ("milliard", "Milliarde", "mil millones", "miliardo").
pub fn cardinal(n: u64, lang: Lang) -> String {
    match lang {
        Lang::En => en::cardinal(n),
        Lang::Fr => fr::cardinal(n),
        Lang::De => de::cardinal(n),
        Lang::Es => es::cardinal(n),
        Lang::It => it::cardinal(n),
    }
}

/// Writes `n` in the form used in front of a noun of the given gender: French "une heure",
/// German "ein Euro", Spanish "veintiún euros" or "doscientas libras", Italian "un euro".
pub(crate) fn cardinal_before_noun(n: u64, lang: Lang, gender: Gender) -> String {
    let feminine = gender == Gender::Feminine;
    match lang {
        Lang::En => en::cardinal(n),
        Lang::Fr if feminine => fr::feminine(fr::cardinal(n)),
        Lang::Fr => fr::cardinal(n),
        Lang::De => de::before_noun(n),
        Lang::Es if feminine && n < 1_000_000 => es::feminine(es::cardinal(n)),
        Lang::Es => es::apocope(es::cardinal(n)),
        Lang::It => it::before_noun(n, feminine),
    }
}

/// Writes the feminine cardinal used for French hours and minutes and Spanish hours
/// ("une", "vingt et une", "veintiuna"). Other languages get the plain cardinal.
pub(crate) fn cardinal_feminine(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Fr => fr::feminine(fr::cardinal(n)),
        Lang::Es if n < 1_000_000 => es::feminine(es::cardinal(n)),
        _ => cardinal(n, lang),
    }
}

/// Returns the preposition a whole number of millions takes before a noun, with its trailing space
/// or apostrophe: French "un million d'euros", Spanish "un millón de euros".
pub(crate) fn million_preposition(n: u64, lang: Lang, noun: &str) -> &'static str {
    let whole_millions = n >= 1_000_000 && n.is_multiple_of(1_000_000);
    match lang {
        Lang::Fr if whole_millions && noun.starts_with(['a', 'e', 'é', 'i', 'o', 'u']) => "d'",
        Lang::Fr if whole_millions => "de ",
        Lang::Es if es::takes_de(n) => "de ",
        Lang::It if it::takes_di(n) => "di ",
        _ => "",
    }
}

/// Writes the ordinal of `n`: "twenty-first", "vingt et unième", "vigésimo primero".
///
/// German returns the form with the ending "-te" ("dritte"). Use [`german_ordinal`] for
/// other endings. Spanish ordinals above 100 fall back to the cardinal.
pub(crate) fn ordinal(n: u64, lang: Lang, gender: Gender) -> String {
    let feminine = gender == Gender::Feminine;
    match lang {
        Lang::En => en::ordinal(n),
        Lang::Fr => fr::ordinal(n, feminine),
        Lang::De => german_ordinal(n, "e"),
        Lang::Es if feminine => es::ordinal_feminine(&es::ordinal(n)),
        Lang::Es => es::ordinal(n),
        Lang::It => it::ordinal(n, feminine),
    }
}

/// Writes a German ordinal with the given ending: "neunter" with "er", "neunten" with "en".
pub(crate) fn german_ordinal(n: u64, ending: &str) -> String {
    de::ordinal_stem(n) + ending
}

/// Writes the Spanish ordinal shortened before a masculine noun: "primer", "tercer".
pub(crate) fn spanish_ordinal_short(n: u64) -> String {
    let mut words = es::ordinal(n);
    if words.ends_with("primero") || words.ends_with("tercero") {
        words.pop();
    }
    words
}

/// Writes a year the way it is read aloud: English "twenty twenty-six", German
/// "neunzehnhundertneunzig", the cardinal in French, Spanish and Italian. Negative years get
/// the minus word.
pub(crate) fn year(y: i32, lang: Lang) -> String {
    let magnitude = u64::from(y.unsigned_abs());
    let words = match lang {
        Lang::En => en::year(magnitude),
        Lang::De => de::year(magnitude),
        _ => cardinal(magnitude, lang),
    };
    if y < 0 {
        format!("{} {words}", minus_word(lang))
    } else {
        words
    }
}

/// Returns the name of digit `d` (taken modulo 10).
pub(crate) fn digit_word(d: u8, lang: Lang) -> &'static str {
    match lang {
        Lang::En => en::digit(d),
        Lang::Fr => fr::digit(d),
        Lang::De => de::digit(d),
        Lang::Es => es::digit(d),
        Lang::It => it::digit(d),
    }
}

/// Returns the name of digit `d` as read in a phone number, "zwo" for 2 in German.
pub(crate) fn phone_digit_word(d: u8, lang: Lang) -> &'static str {
    match lang {
        Lang::De => de::phone_digit(d),
        _ => digit_word(d, lang),
    }
}

/// Reads each ASCII digit of `digits` by name, separated by spaces. Other characters are
/// skipped.
pub(crate) fn digits_one_by_one(digits: &str, lang: Lang) -> String {
    digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| digit_word(b - b'0', lang))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a string of ASCII digits as a number. A leading zero ("007") or more than
/// [`MAX_NUMBER_DIGITS`] digits makes it read digit by digit.
pub(crate) fn integer_words(digits: &str, lang: Lang) -> String {
    match parse_small(digits) {
        Some(n) if !(digits.len() > 1 && digits.starts_with('0')) => cardinal(n, lang),
        _ => digits_one_by_one(digits, lang),
    }
}

/// Parses up to [`MAX_NUMBER_DIGITS`] ASCII digits. Returns `None` for anything else.
pub(crate) fn parse_small(digits: &str) -> Option<u64> {
    if digits.is_empty()
        || digits.len() > MAX_NUMBER_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    digits.parse().ok()
}

/// Reads a decimal number from its integer and fraction digits.
///
/// English and German read the fraction digit by digit ("three point one four", "drei Komma
/// eins vier"). French, Spanish and Italian read it as a number after its leading zeros
/// ("trois virgule zéro cinq", "tres coma catorce"), or digit by digit past three digits.
pub(crate) fn decimal_words(integer: &str, fraction: &str, lang: Lang) -> String {
    let head = integer_words(integer, lang);
    let separator = match lang {
        Lang::En => "point",
        Lang::Fr => "virgule",
        Lang::De => "Komma",
        Lang::Es => "coma",
        Lang::It => "virgola",
    };
    let tail = match lang {
        Lang::En | Lang::De => digits_one_by_one(fraction, lang),
        _ => {
            let significant = fraction.trim_start_matches('0');
            let zeros = fraction.len() - significant.len();
            let mut words = vec![digit_word(0, lang).to_string(); zeros];
            if significant.len() > 3 {
                words.push(digits_one_by_one(significant, lang));
            } else if !significant.is_empty() {
                words.push(integer_words(significant, lang));
            }
            words.join(" ")
        }
    };
    format!("{head} {separator} {tail}")
}

/// Returns the word for a minus sign.
pub(crate) fn minus_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En | Lang::De => "minus",
        Lang::Fr => "moins",
        Lang::Es => "menos",
        Lang::It => "meno",
    }
}

/// Returns the word for a plus sign, as before a country code.
pub(crate) fn plus_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En | Lang::Fr | Lang::De => "plus",
        Lang::Es => "más",
        Lang::It => "più",
    }
}
