//! The SMS texts: the recap the owner reads after a call, and the alert sent
//! to the on-call number during one.
//!
//! A text is one line and fits [`MAX_SMS_PARTS`] parts as the modem splits
//! them: 306 GSM-7 septets, or 134 UTF-16 units when a character outside the
//! GSM-7 alphabet forces UCS-2. Accented letters outside GSM-7 (such as `ê`,
//! `ç`, `á`) and typographic punctuation are first replaced by their plain
//! forms when that makes the whole text GSM-7, which doubles the room. A text
//! that is too long loses characters from the reason first, then from the
//! name, service and escalation. As a last resort whole sentences go, in the
//! order booking, reason, callback promise, transfer. The urgency and the
//! caller's number come first and stay.

use standardiste_modem::{gsm7, sms};

use crate::clean::{field, one_line, truncate};
use crate::lang::{call_from, short_date_time, sms_callback, sms_caller_id, Lang};
use crate::model::{BookingAction, CallRecap, UrgentAlert};

/// Maximum number of parts of an SMS recap or alert.
pub const MAX_SMS_PARTS: usize = 2;

/// Maximum characters kept of a phone number. A real number has at most 15
/// digits (ITU-T E.164) plus a few separators.
const SMS_NUMBER_CHARS: usize = 24;

/// Maximum characters of the reason before fitting. Two GSM-7 parts contain
/// at most 306 septets, so a longer reason is cut anyway.
const SMS_REASON_CHARS: usize = 320;

/// Character limits of one fitting attempt.
struct Caps {
    name: usize,
    /// Limit of the service name and of the escalation.
    label: usize,
    /// Shortest reason kept at this level before moving to the next.
    min_reason: usize,
}

/// Fitting levels, tried in order: the first keeps names whole in most
/// cases, the last leaves little but the numbers and the urgency.
const LEVELS: [Caps; 3] = [
    Caps {
        name: 60,
        label: 40,
        min_reason: 16,
    },
    Caps {
        name: 24,
        label: 16,
        min_reason: 8,
    },
    Caps {
        name: 12,
        label: 0,
        min_reason: 4,
    },
];

/// One sentence of an SMS.
struct Sentence {
    text: String,
    /// Order in which the last fitting step drops the sentence, lowest
    /// first, or `None` for a sentence that is never dropped.
    drop_rank: Option<u8>,
}

impl Sentence {
    fn required(text: String) -> Sentence {
        Sentence {
            text,
            drop_rank: None,
        }
    }

    fn droppable(text: String, rank: u8) -> Sentence {
        Sentence {
            text,
            drop_rank: Some(rank),
        }
    }
}

/// Builds the SMS recap of a call: who called and on which number, the
/// reason, the urgency, the appointment booked, cancelled or moved, the
/// callback promise and the transfer. It is written in `recap.language`.
pub fn sms_text(recap: &CallRecap) -> String {
    let lang = Lang::from_code(&recap.language);
    let words = lang.words();
    let colon = lang.colon();
    let name = field(recap.name.as_deref(), usize::MAX);
    let reason = field(recap.reason.as_deref(), SMS_REASON_CHARS);
    let service = recap
        .booking
        .as_ref()
        .map(|note| field(Some(&note.service), usize::MAX).unwrap_or_default());
    let transfer = field(recap.transferred_to.as_deref(), SMS_NUMBER_CHARS);

    // Sentences dropped only when nothing else fits, in this order.
    const BOOKING_RANK: u8 = 0;
    const REASON_RANK: u8 = 1;
    const CALLBACK_RANK: u8 = 2;
    const TRANSFER_RANK: u8 = 3;

    let render = |caps: &Caps, reason: Option<&str>| -> Vec<Sentence> {
        let tag = words.urgency_tag(recap.urgency);
        let caller = caller_sentence(
            lang,
            tag,
            name.as_deref(),
            caps,
            recap.callback_number.as_deref(),
            recap.caller_id.as_deref(),
        );
        let mut sentences = vec![
            Sentence::required(caller),
            Sentence::droppable(reason_sentence(lang, reason), REASON_RANK),
        ];
        if let Some(urgency) = recap.urgency.filter(|urgency| !urgency.is_urgent()) {
            let value = words.urgency_value(urgency);
            sentences.push(Sentence::required(format!(
                "{}{colon}{value}.",
                words.urgency
            )));
        }
        if let (Some(note), Some(service)) = (&recap.booking, &service) {
            let service = truncate(service, caps.label);
            let when = short_date_time(lang, note.start);
            let when = match (note.action, note.previous_start) {
                (BookingAction::Moved, Some(previous)) => {
                    format!("{} -> {when}", short_date_time(lang, previous))
                }
                _ => when,
            };
            let action = words.sms_booking_action(note.action);
            let text = if service.is_empty() {
                format!("{action}{colon}{when}.")
            } else {
                format!("{action}{colon}{service}, {when}.")
            };
            sentences.push(Sentence::droppable(text, BOOKING_RANK));
        }
        if let Some(minutes) = recap.callback_within_min {
            let text = sms_callback(lang, minutes);
            sentences.push(Sentence::droppable(text, CALLBACK_RANK));
        }
        if let Some(number) = &transfer {
            let text = format!("{} {number}.", words.transferred_to);
            sentences.push(Sentence::droppable(text, TRANSFER_RANK));
        }
        sentences
    };
    fit(render, reason.as_deref())
}

/// Builds the text of the alert sent to the on-call number during a call
/// that needs a person: the escalation, who called and on which number, the
/// reason, and the callback promise.
pub(crate) fn alert_text(alert: &UrgentAlert) -> String {
    let lang = Lang::from_code(&alert.language);
    let words = lang.words();
    let name = field(alert.name.as_deref(), usize::MAX);
    let escalation = field(alert.escalation.as_deref(), usize::MAX);
    let reason = field(alert.reason.as_deref(), SMS_REASON_CHARS);

    let render = |caps: &Caps, reason: Option<&str>| -> Vec<Sentence> {
        let escalation = escalation
            .as_deref()
            .map(|escalation| truncate(escalation, caps.label))
            .filter(|escalation| !escalation.is_empty());
        let tag = match escalation {
            Some(escalation) => format!("{} ({escalation})", words.alert_tag),
            None => words.alert_tag.to_owned(),
        };
        let callback = match alert.callback_within_min {
            Some(minutes) => sms_callback(lang, minutes),
            None => words.call_back_soon.to_owned(),
        };
        let caller = caller_sentence(
            lang,
            Some(&tag),
            name.as_deref(),
            caps,
            alert.callback_number.as_deref(),
            alert.caller_id.as_deref(),
        );
        vec![
            Sentence::required(caller),
            Sentence::droppable(reason_sentence(lang, reason), 0),
            Sentence::required(callback),
        ]
    };
    fit(render, reason.as_deref())
}

/// Returns the first sentence: the tag, the caller's name and number, and
/// the caller ID when it differs from the callback number.
fn caller_sentence(
    lang: Lang,
    tag: Option<&str>,
    name: Option<&str>,
    caps: &Caps,
    callback_number: Option<&str>,
    caller_id: Option<&str>,
) -> String {
    let callback_number = field(callback_number, SMS_NUMBER_CHARS);
    let caller_id = field(caller_id, SMS_NUMBER_CHARS);
    let name = name.map(|name| truncate(name, caps.name));
    let mut sentence = call_from(
        lang,
        name.as_deref(),
        callback_number.as_deref().or(caller_id.as_deref()),
    );
    if let (Some(callback), Some(caller_id)) = (&callback_number, &caller_id) {
        if !same_number(callback, caller_id) {
            sentence.push_str(&format!(" ({})", sms_caller_id(lang, caller_id)));
        }
    }
    match tag {
        Some(tag) => format!("{tag}{}{sentence}.", lang.colon()),
        None => format!("{sentence}."),
    }
}

/// Returns the reason sentence, or the phrase for a missing reason.
fn reason_sentence(lang: Lang, reason: Option<&str>) -> String {
    let words = lang.words();
    match reason {
        Some(reason) => {
            let stop = if reason.ends_with(['.', '!', '?', '…']) {
                ""
            } else {
                "."
            };
            format!("{}{}{reason}{stop}", words.sms_reason, lang.colon())
        }
        None => format!("{}.", words.reason_missing),
    }
}

/// Returns whether two numbers are the same line: their last 9 digits match,
/// so `+44 7700 900123` and `07700 900123` are one number.
fn same_number(first: &str, second: &str) -> bool {
    let tail = |number: &str| -> Vec<char> {
        let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
        let start = digits.len().saturating_sub(9);
        digits[start..].to_vec()
    };
    tail(first) == tail(second)
}

/// Joins the sentences and prepares the text for GSM-7.
fn join(sentences: &[Sentence]) -> String {
    let texts: Vec<&str> = sentences
        .iter()
        .map(|sentence| sentence.text.as_str())
        .collect();
    prepare(&texts.join(" "))
}

/// Renders the text until it fits [`MAX_SMS_PARTS`] parts.
///
/// At each level of [`LEVELS`] it tries the whole reason, then the longest
/// cut of it that fits. When the reason must be cut anyway and its only
/// characters outside GSM-7 are a few such as emoji, they are removed first,
/// because two GSM-7 parts fit more than twice as many characters. When no
/// level fits, the reason becomes a bare `…`. When that does not fit either,
/// sentences are dropped by rank at the last level, and the reason is fitted
/// again into the room they leave. A text that still does not fit is cut at
/// the end: the urgency and the caller's number come first, so they stay.
fn fit(render: impl Fn(&Caps, Option<&str>) -> Vec<Sentence>, reason: Option<&str>) -> String {
    let whole = join(&render(&LEVELS[0], reason));
    if fits(&whole) {
        return whole;
    }
    let gsm_reason = reason.and_then(without_stray_symbols);
    let reason = gsm_reason.as_deref().or(reason);

    for caps in &LEVELS {
        if let Some(text) = fit_reason(&render, caps, reason, &[]) {
            return text;
        }
    }

    // No cut of the reason fits: a bare `…` keeps the longer names.
    if let Some(text) = LEVELS
        .iter()
        .map(|caps| join(&render(caps, reason.map(|_| "…"))))
        .find(|text| fits(text))
    {
        return text;
    }

    let last = &LEVELS[LEVELS.len() - 1];
    let mut ranks: Vec<u8> = render(last, reason)
        .iter()
        .filter_map(|sentence| sentence.drop_rank)
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    let mut dropped = Vec::new();
    for rank in ranks {
        dropped.push(rank);
        if let Some(text) = fit_reason(&render, last, reason, &dropped) {
            return text;
        }
    }
    let remaining = without_ranks(render(last, reason.map(|_| "…")), &dropped);
    cut_to_fit(&join(&remaining))
}

/// Returns the text rendered with `caps`, without the sentences of the
/// `dropped` ranks, and with the longest start of `reason` that fits, or
/// `None` when even [`Caps::min_reason`] characters do not fit.
fn fit_reason(
    render: &impl Fn(&Caps, Option<&str>) -> Vec<Sentence>,
    caps: &Caps,
    reason: Option<&str>,
    dropped: &[u8],
) -> Option<String> {
    let text_with = |reason: Option<&str>| join(&without_ranks(render(caps, reason), dropped));
    let whole = text_with(reason);
    if fits(&whole) {
        return Some(whole);
    }
    let reason = reason?;
    let attempt = |chars: usize| text_with(Some(&truncate(reason, chars)));
    let length = reason.chars().count();
    if length <= caps.min_reason || !fits(&attempt(caps.min_reason)) {
        return None;
    }
    // Binary search for the longest reason that fits: `low` fits, `high` does not.
    let (mut low, mut high) = (caps.min_reason, length);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if fits(&attempt(middle)) {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(attempt(low))
}

fn without_ranks(mut sentences: Vec<Sentence>, dropped: &[u8]) -> Vec<Sentence> {
    sentences.retain(|sentence| {
        sentence
            .drop_rank
            .is_none_or(|rank| !dropped.contains(&rank))
    });
    sentences
}

/// Returns `reason` without the characters that have no GSM-7 form even
/// after [`prepare`], such as emoji, when they are at most a fifth of its
/// visible characters. `None` when there are none, or too many to remove, such as a
/// reason in Cyrillic, which stays as written.
fn without_stray_symbols(reason: &str) -> Option<String> {
    let has_gsm_form = |c: char| gsm7::septet_count(c).is_some() || plain_form(c).is_some();
    let visible = reason.chars().filter(|c| !c.is_whitespace()).count();
    let stray = reason.chars().filter(|&c| !has_gsm_form(c)).count();
    if stray == 0 || stray * 5 > visible {
        return None;
    }
    let symbols_removed: String = reason.chars().filter(|&c| has_gsm_form(c)).collect();
    let symbols_removed = one_line(&symbols_removed);
    (!symbols_removed.is_empty()).then_some(symbols_removed)
}

/// Returns the longest start of `text` that fits, without trailing spaces.
fn cut_to_fit(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let prefix = |count: usize| -> String { chars[..count].iter().collect() };
    let (mut low, mut high) = (0, chars.len());
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if fits(&prefix(middle)) {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    prefix(low).trim_end().to_owned()
}

/// Returns whether `text` fits [`MAX_SMS_PARTS`] parts as the modem splits it.
fn fits(text: &str) -> bool {
    sms::split(text).1.len() <= MAX_SMS_PARTS
}

/// Returns `text` with letters and punctuation outside GSM-7 replaced by
/// plain forms, when that makes the whole text GSM-7. Otherwise the text goes
/// as UCS-2 anyway, so it stays as written.
fn prepare(text: &str) -> String {
    if sms::is_gsm7(text) {
        return text.to_owned();
    }
    let mut plain = String::with_capacity(text.len());
    for c in text.chars() {
        if gsm7::septet_count(c).is_some() {
            plain.push(c);
        } else if let Some(replacement) = plain_form(c) {
            plain.push_str(replacement);
        } else {
            return text.to_owned();
        }
    }
    plain
}

/// Returns the GSM-7 form of a letter or punctuation mark that has none in
/// the GSM-7 alphabet, for the characters common in European names and
/// typography.
fn plain_form(c: char) -> Option<&'static str> {
    let plain = match c {
        'á' | 'â' | 'ã' | 'ā' | 'ą' | 'ă' => "a",
        'Á' | 'Â' | 'Ã' | 'À' | 'Ā' | 'Ą' | 'Ă' => "A",
        'ç' | 'ć' | 'č' => "c",
        'Ć' | 'Č' => "C",
        'ď' | 'đ' => "d",
        'Ď' | 'Đ' => "D",
        'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'ğ' => "g",
        'Ğ' => "G",
        'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'Í' | 'Î' | 'Ï' | 'Ì' | 'Ī' | 'İ' => "I",
        'ł' => "l",
        'Ł' => "L",
        'ń' | 'ň' => "n",
        'Ń' | 'Ň' => "N",
        'ó' | 'ô' | 'õ' | 'ō' | 'ő' => "o",
        'Ó' | 'Ô' | 'Õ' | 'Ò' | 'Ō' | 'Ő' => "O",
        'œ' => "oe",
        'Œ' => "OE",
        'ř' => "r",
        'Ř' => "R",
        'ś' | 'š' | 'ş' => "s",
        'Ś' | 'Š' | 'Ş' => "S",
        'ť' | 'ţ' => "t",
        'Ť' | 'Ţ' => "T",
        'ú' | 'û' | 'ū' | 'ů' | 'ű' => "u",
        'Ú' | 'Û' | 'Ù' | 'Ū' | 'Ů' | 'Ű' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'º' => "o",
        'ª' => "a",
        '‘' | '’' | '‚' | '′' | '`' | '´' => "'",
        '“' | '”' | '„' | '«' | '»' | '″' => "\"",
        '‐' | '‑' | '‒' | '–' | '—' | '−' => "-",
        '…' => "...",
        '•' | '·' => "-",
        '×' => "x",
        '\u{A0}' | '\u{2009}' | '\u{202F}' => " ",
        _ => return None,
    };
    Some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_replaces_accents_when_all_fold() {
        let cases = [
            ("Rappel promis", "Rappel promis"),
            ("François Lefèvre", "Francois Lefèvre"),
            ("Devolución — “sí”…", "Devolucion - \"si\"..."),
            ("Müller Straße", "Müller Straße"),
            ("Zoë 😀", "Zoë 😀"),
            ("Иван", "Иван"),
        ];
        for (input, expected) in cases {
            assert_eq!(prepare(input), expected, "{input:?}");
        }
    }

    #[test]
    fn same_number_ignores_format_and_prefix() {
        assert!(same_number("+44 7700 900123", "07700 900123"));
        assert!(same_number("+33612345678", "+33 6 12 34 56 78"));
        assert!(!same_number("+33612345678", "+33612345679"));
    }

    #[test]
    fn stray_symbols_removed_only_when_few() {
        let cases = [
            ("tooth hurts 😭😭", Some("tooth hurts")),
            ("tooth hurts", None),
            ("зуб болит", None),
            ("😭😭😭", None),
            ("dent cassée 🙂", Some("dent cassée")),
        ];
        for (input, expected) in cases {
            assert_eq!(
                without_stray_symbols(input).as_deref(),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn cut_to_fit_keeps_start() {
        let long = "A".repeat(400);
        let cut = cut_to_fit(&long);
        assert_eq!(cut.len(), 306);
        let long_ucs2 = "Й".repeat(400);
        assert_eq!(cut_to_fit(&long_ucs2).chars().count(), 134);
    }
}
