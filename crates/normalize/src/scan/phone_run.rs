//! Phone numbers in text: digit groups joined by single spaces, dots or dashes.

use super::cursor::{digit_end, is_blank, text};
use super::{Rewrite, Site};
use crate::phone::say_phone_number;

/// Digits a run needs to be read as a phone number, unless it starts with "+".
const MIN_DIGITS: usize = 8;

/// Digits a run starting with "+" needs: the shortest international numbers have a
/// country code and six digits.
const MIN_DIGITS_WITH_PLUS: usize = 7;

fn is_separator(c: char) -> bool {
    is_blank(c) || c == '.' || c == '-'
}

/// Digits a run joined by dashes needs, as in the North American "555-1234".
const MIN_DIGITS_WITH_DASH: usize = 7;

/// A run of digit groups that may be a phone number.
pub(super) struct PhoneRun {
    pub end: usize,
    pub plus: bool,
    /// Each group's digits.
    groups: Vec<String>,
    dashes: bool,
}

impl PhoneRun {
    /// Returns whether the run has enough digits to be read as a phone number. Two four-digit
    /// groups from 1000 to 2999 joined by a dash are a range of years ("1990-2000"), not a
    /// phone number.
    pub(super) fn qualifies(&self) -> bool {
        let digits: usize = self.groups.iter().map(String::len).sum();
        let years = self.dashes
            && self.groups.len() == 2
            && self.groups.iter().all(|group| {
                group.len() == 4 && matches!(group.as_bytes().first(), Some(b'1' | b'2'))
            });
        if years {
            return false;
        }
        digits >= MIN_DIGITS
            || (self.plus && digits >= MIN_DIGITS_WITH_PLUS)
            || (self.dashes && digits >= MIN_DIGITS_WITH_DASH)
    }
}

/// Scans digit groups from `start`, which is a digit, "+" or "(". Groups may sit in
/// brackets and are joined by one space, dot or dash. The run ends after its last digit or
/// closing bracket.
pub(super) fn scan(site: &Site, start: usize) -> PhoneRun {
    let chars = site.chars;
    let plus = chars.get(start) == Some(&'+');
    let mut at = if plus { start + 1 } else { start };
    let mut end = start;
    let mut groups = Vec::new();
    let mut dashes = false;
    loop {
        let group_start = if chars.get(at) == Some(&'(') {
            at + 1
        } else {
            at
        };
        let group_end = digit_end(chars, group_start);
        if group_end == group_start {
            break;
        }
        groups.push(text(chars, group_start, group_end));
        end = group_end;
        if group_start > at && chars.get(end) == Some(&')') {
            end += 1;
        }
        let Some(&separator) = chars.get(end) else {
            break;
        };
        let next = chars.get(end + 1);
        let continues =
            is_separator(separator) && next.is_some_and(|c| c.is_ascii_digit() || *c == '(');
        if !continues {
            break;
        }
        dashes |= separator == '-';
        at = end + 1;
    }
    PhoneRun {
        end,
        plus,
        groups,
        dashes,
    }
}

/// Reads a phone number at `start` when the run there qualifies.
pub(super) fn phone(site: &Site, start: usize) -> Option<Rewrite> {
    let run = scan(site, start);
    run.qualifies().then(|| Rewrite {
        end: run.end,
        words: say_phone_number(&text(site.chars, start, run.end), site.lang),
    })
}
