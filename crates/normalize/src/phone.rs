//! Phone numbers read in the groups a caller can write down.

use crate::numbers::{cardinal, digit_word, phone_digit_word, plus_word};
use crate::Lang;

/// The maximum number of digits in a phone number (ITU-T E.164). Longer digit strings are not
/// phone numbers and are read one digit at a time.
const MAX_PHONE_DIGITS: usize = 15;

/// Country codes that French text writes after "+" without a space, read as one pair.
const FRENCH_SPEAKING_CODES: [&str; 3] = ["33", "32", "41"];

/// Writes a phone number as words, group by group, with a comma between groups so that the
/// speech synthesiser pauses.
///
/// Groups are the digit runs as written: any character other than a digit separates them
/// (spaces, dots, dashes, brackets), and letters are ignored. A leading "+" is read as
/// "plus" ("más" in Spanish, "più" in Italian).
///
/// - French reads digits in pairs, with "zéro" before a pair starting with 0: "06 12 34 56
///   78" gives "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit". A group
///   of odd length reads its first digit alone. A country code after "+" is read as one
///   number ("plus trente-trois").
/// - English, German, Spanish and Italian read digit by digit within each group ("023 9200
///   1234" gives "zero two three, nine two zero zero, one two three four"). German reads 2
///   as "zwo". Spanish keeps digit groups instead of pairs, because pair reading differs
///   between Spain and Latin America.
///
/// Outside French, a group longer than four digits (a number written without spaces) is
/// split into groups of three and four, the longer groups last: ten digits give 3-3-4. A
/// string with more than 15 digits is not a phone number and is read digit by digit in every
/// language, in such groups. Returns an empty string when `number` contains no digits.
pub fn say_phone_number(number: &str, lang: Lang) -> String {
    let plus = number.trim_start().starts_with('+');
    let groups: Vec<&str> = number
        .split(|c: char| !c.is_ascii_digit())
        .filter(|group| !group.is_empty())
        .collect();
    let total: usize = groups.iter().map(|group| group.len()).sum();
    if total == 0 {
        return String::new();
    }

    let mut spoken = if total > MAX_PHONE_DIGITS {
        digit_groups(&groups, lang, digit_word)
    } else if lang == Lang::Fr {
        french(&groups, plus)
    } else {
        digit_groups(&groups, lang, phone_digit_word)
    };
    if let (true, Some(first)) = (plus, spoken.first_mut()) {
        *first = format!("{} {first}", plus_word(lang));
    }
    spoken.join(", ")
}

/// Reads every group digit by digit with `name_digit`, splitting long groups.
fn digit_groups(
    groups: &[&str],
    lang: Lang,
    name_digit: fn(u8, Lang) -> &'static str,
) -> Vec<String> {
    groups
        .iter()
        .flat_map(|group| split_long_group(group))
        .map(|part| {
            part.bytes()
                .map(|b| name_digit(b - b'0', lang))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Splits a group of more than four digits into groups of three and four, the four-digit
/// groups last: 7 gives 3-4, 10 gives 3-3-4, 11 gives 3-4-4.
fn split_long_group(group: &str) -> Vec<&str> {
    let len = group.len();
    if len <= 4 {
        return vec![group];
    }
    let count = len.div_ceil(4);
    let base = len / count;
    let longer = len % count;
    let mut parts = Vec::with_capacity(count);
    let mut start = 0;
    for index in 0..count {
        let size = if index >= count - longer {
            base + 1
        } else {
            base
        };
        parts.push(&group[start..start + size]);
        start += size;
    }
    parts
}

fn french(groups: &[&str], plus: bool) -> Vec<String> {
    let mut spoken = Vec::new();
    let mut rest = groups;
    if plus {
        if let Some((first, tail)) = groups.split_first() {
            let code = FRENCH_SPEAKING_CODES
                .iter()
                .find(|code| first.len() > code.len() && first.starts_with(*code));
            match code {
                Some(code) => {
                    spoken.push(french_number(code));
                    spoken.extend(french_pairs(&first[code.len()..]));
                }
                None if first.len() <= 3 => spoken.push(french_number(first)),
                None => spoken.extend(french_pairs(first)),
            }
            rest = tail;
        }
    }
    for group in rest {
        spoken.extend(french_pairs(group));
    }
    spoken
}

/// Splits a group into pairs, its first digit alone when its length is odd.
fn french_pairs(group: &str) -> Vec<String> {
    let first_len = if group.len() % 2 == 1 { 1 } else { 2 };
    let mut spoken = vec![french_pair(&group[..first_len.min(group.len())])];
    let mut start = first_len;
    while start < group.len() {
        spoken.push(french_pair(&group[start..start + 2]));
        start += 2;
    }
    spoken
}

/// Reads one or two digits: "six", "douze", "zéro six".
fn french_pair(pair: &str) -> String {
    match pair.strip_prefix('0') {
        Some(rest) if !rest.is_empty() => {
            format!("{} {}", digit_word(0, Lang::Fr), french_number(rest))
        }
        _ => french_number(pair),
    }
}

fn french_number(digits: &str) -> String {
    let value = digits.parse::<u64>().unwrap_or(0);
    cardinal(value, Lang::Fr)
}
