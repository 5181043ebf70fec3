//! The email recap: a subject that leads with the urgency, and a plain-text
//! body with every fact, the transcript and the link.

use std::fmt::Write;

use crate::clean::{
    bounded_transcript, field, truncate, LABEL_CHARS, LANGUAGE_CHARS, LINK_CHARS, NAME_CHARS,
    NUMBER_CHARS, REASON_CHARS,
};
use crate::lang::{
    email_callback, long_date_time, moved_from_to, subject_caller, transcript_cut, Lang, Words,
};
use crate::model::{BookingAction, CallRecap};

/// Maximum characters of the caller's name in the subject.
const SUBJECT_NAME_CHARS: usize = 60;

/// Maximum characters of the gist in the subject.
const SUBJECT_GIST_CHARS: usize = 80;

/// An email recap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// One line: the urgency tag when high or emergency, the caller, and the
    /// gist, such as `[URGENT] Call from Alex Martin: broken tooth`.
    pub subject: String,
    /// Plain text, lines ending in `\n`.
    pub body: String,
}

/// Builds the email recap of a call, in `recap.language`.
pub fn email(recap: &CallRecap) -> Email {
    let lang = Lang::from_code(&recap.language);
    Email {
        subject: subject(lang, recap),
        body: body(lang, recap),
    }
}

/// Builds the subject: `[TAG] Call from WHO: GIST`. The gist is the reason,
/// else the appointment change, else how the call ended.
fn subject(lang: Lang, recap: &CallRecap) -> String {
    let words = lang.words();
    let name = field(recap.name.as_deref(), SUBJECT_NAME_CHARS);
    let number = field(
        recap
            .callback_number
            .as_deref()
            .or(recap.caller_id.as_deref()),
        NUMBER_CHARS,
    );
    let gist = match (
        field(recap.reason.as_deref(), SUBJECT_GIST_CHARS),
        &recap.booking,
    ) {
        (Some(reason), _) => reason,
        (None, Some(note)) => {
            let service = field(Some(&note.service), SUBJECT_GIST_CHARS).unwrap_or_default();
            let action = words.sms_booking_action(note.action);
            if service.is_empty() {
                action.to_owned()
            } else {
                format!("{action} {service}")
            }
        }
        (None, None) => words.outcome_value(recap.outcome).to_owned(),
    };
    let caller = subject_caller(lang, name.as_deref(), number.as_deref());
    let subject = match words.urgency_tag(recap.urgency) {
        Some(tag) => format!("[{tag}] {caller}{}{gist}", lang.colon()),
        None => format!("{caller}{}{gist}", lang.colon()),
    };
    // The parts are single lines already, and this bounds the whole.
    truncate(&subject, SUBJECT_NAME_CHARS + SUBJECT_GIST_CHARS + 60)
}

/// Builds the body: the call, the caller, the request, the appointment, the
/// escalation, the transcript and the link, one section each.
fn body(lang: Lang, recap: &CallRecap) -> String {
    let words = lang.words();
    let mut out = Writer::new(lang);

    let title = match field(Some(&recap.business), LABEL_CHARS) {
        Some(business) => format!("{}{}{business}", words.recap_title, lang.colon()),
        None => words.recap_title.to_owned(),
    };
    out.line(&title);

    out.section(words.section_call);
    out.item(words.started, &long_date_time(lang, recap.started_at));
    out.item(words.duration, &duration_text(recap.duration_s));
    out.item(
        words.line,
        &value_or_missing(Some(&recap.line), LABEL_CHARS, words.not_given),
    );
    out.item(words.outcome, words.outcome_value(recap.outcome));

    caller_section(&mut out, recap);
    request_section(&mut out, recap);
    booking_section(&mut out, recap);
    escalation_section(&mut out, recap);
    transcript_section(&mut out, recap);

    out.blank();
    let link = field(recap.transcript_link.as_deref(), LINK_CHARS)
        .unwrap_or_else(|| words.no_link.to_owned());
    out.line(&format!("{}{}{link}", words.transcript_link, lang.colon()));
    out.text
}

fn caller_section(out: &mut Writer, recap: &CallRecap) {
    let lang = out.lang;
    let words = lang.words();
    out.section(words.section_caller);
    out.item(
        words.name,
        &value_or_missing(recap.name.as_deref(), NAME_CHARS, words.not_given),
    );
    let callback = match field(recap.callback_number.as_deref(), NUMBER_CHARS) {
        Some(number) => {
            let state = if recap.callback_confirmed {
                words.confirmed
            } else {
                words.not_confirmed
            };
            format!("{number} ({state})")
        }
        None => words.not_given.to_owned(),
    };
    out.item(words.callback_number, &callback);
    out.item(
        words.caller_id,
        &value_or_missing(
            recap.caller_id.as_deref(),
            NUMBER_CHARS,
            words.caller_id_missing,
        ),
    );
    let language = match field(recap.caller_language.as_deref(), LANGUAGE_CHARS) {
        Some(code) => words
            .language_name(&code)
            .map(str::to_owned)
            .unwrap_or(code),
        None => words.unknown.to_owned(),
    };
    out.item(words.language, &language);
}

fn request_section(out: &mut Writer, recap: &CallRecap) {
    let words = out.lang.words();
    out.section(words.section_request);
    out.item(
        words.reason,
        &value_or_missing(recap.reason.as_deref(), REASON_CHARS, words.not_given),
    );
    let urgency = recap
        .urgency
        .map(|urgency| words.urgency_value(urgency))
        .unwrap_or(words.urgency_missing);
    out.item(words.urgency, urgency);
    out.item(words.message_taken, yes_no(words, recap.message_taken));
}

fn booking_section(out: &mut Writer, recap: &CallRecap) {
    let lang = out.lang;
    let words = lang.words();
    out.section(words.section_booking);
    let Some(note) = &recap.booking else {
        out.value(words.no_booking_change);
        return;
    };
    let when = long_date_time(lang, note.start);
    let when = match (note.action, note.previous_start) {
        (BookingAction::Moved, Some(previous)) => {
            moved_from_to(lang, &long_date_time(lang, previous), &when)
        }
        _ => when,
    };
    let value = match field(Some(&note.service), LABEL_CHARS) {
        Some(service) => format!("{service}, {when}"),
        None => when,
    };
    out.item(words.booking_action(note.action), &value);
}

fn escalation_section(out: &mut Writer, recap: &CallRecap) {
    let lang = out.lang;
    let words = lang.words();
    out.section(words.section_escalation);
    let reason = field(recap.escalation.as_deref(), LABEL_CHARS);
    let transfer = field(recap.transferred_to.as_deref(), NUMBER_CHARS);
    if reason.is_none() && transfer.is_none() && recap.callback_within_min.is_none() {
        out.value(words.none);
        return;
    }
    if let Some(reason) = reason {
        out.item(words.escalation_reason, &reason);
    }
    if let Some(number) = transfer {
        out.item(words.transferred_to, &number);
    }
    if let Some(minutes) = recap.callback_within_min {
        let promise = email_callback(lang, minutes, recap.callback_due_by());
        out.item(words.callback_promised, &promise);
    }
}

fn transcript_section(out: &mut Writer, recap: &CallRecap) {
    let lang = out.lang;
    let words = lang.words();
    out.section(words.section_transcript);
    let (lines, omitted) = bounded_transcript(&recap.transcript);
    if lines.is_empty() && omitted == 0 {
        out.value(words.no_transcript);
        return;
    }
    for (speaker, text) in lines {
        out.item(words.speaker(speaker), &text);
    }
    if omitted > 0 {
        out.value(&transcript_cut(lang, omitted));
    }
}

/// Returns `value` cleaned and cut, or `missing` when it is absent or blank.
fn value_or_missing(value: Option<&str>, max: usize, missing: &str) -> String {
    field(value, max).unwrap_or_else(|| missing.to_owned())
}

fn yes_no(words: &Words, value: bool) -> &'static str {
    if value {
        words.yes
    } else {
        words.no
    }
}

/// Returns a duration such as `45 s`, `3 min 12 s` or `1 h 02 min 05 s`.
/// The unit symbols are the same in every language of the recap.
pub(crate) fn duration_text(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours} h {minutes:02} min {seconds:02} s")
    } else if minutes > 0 {
        format!("{minutes} min {seconds:02} s")
    } else {
        format!("{seconds} s")
    }
}

/// Accumulates the body: sections separated by a blank line, items indented
/// under their section.
struct Writer {
    lang: Lang,
    text: String,
}

impl Writer {
    fn new(lang: Lang) -> Writer {
        Writer {
            lang,
            text: String::new(),
        }
    }

    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    fn section(&mut self, title: &str) {
        self.blank();
        self.line(title);
    }

    fn item(&mut self, label: &str, value: &str) {
        let _ = writeln!(self.text, "  {label}{}{value}", self.lang.colon());
    }

    fn value(&mut self, value: &str) {
        let _ = writeln!(self.text, "  {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_table() {
        let cases = [
            (0, "0 s"),
            (45, "45 s"),
            (192, "3 min 12 s"),
            (3605, "1 h 00 min 05 s"),
            (u64::MAX, "5124095576030431 h 00 min 15 s"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(duration_text(seconds), expected, "{seconds}");
        }
    }
}
