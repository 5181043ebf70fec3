//! The webhook document: the facts of a call as JSON, in the schema that the
//! crate documentation describes field by field.

use serde::Serialize;
use time::PrimitiveDateTime;

use crate::clean::{
    bounded_transcript, field, LABEL_CHARS, LANGUAGE_CHARS, LINK_CHARS, NAME_CHARS, NUMBER_CHARS,
    REASON_CHARS,
};
use crate::lang::Lang;
use crate::model::{BookingAction, CallRecap, Outcome, Speaker, Urgency};

/// Version of the webhook document. It changes when a field is renamed,
/// removed or changes meaning, and not when a field is added.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document {
    schema_version: u32,
    call_id: i64,
    business: Option<String>,
    line: Option<String>,
    language: &'static str,
    started_at: String,
    ended_at: Option<String>,
    duration_s: u64,
    outcome: Outcome,
    caller: Caller,
    intake: Intake,
    booking: Option<Booking>,
    escalation: Option<Escalation>,
    callback_promise: Option<CallbackPromise>,
    transcript: Vec<Line>,
    transcript_omitted_lines: usize,
    transcript_link: Option<String>,
}

#[derive(Serialize)]
struct Caller {
    name: Option<String>,
    caller_id: Option<String>,
    callback_number: Option<String>,
    callback_confirmed: bool,
    language: Option<String>,
}

#[derive(Serialize)]
struct Intake {
    reason: Option<String>,
    urgency: Option<Urgency>,
    message_taken: bool,
}

#[derive(Serialize)]
struct Booking {
    action: BookingAction,
    service: Option<String>,
    start: String,
    previous_start: Option<String>,
}

#[derive(Serialize)]
struct Escalation {
    reason: Option<String>,
    transferred_to: Option<String>,
}

#[derive(Serialize)]
struct CallbackPromise {
    within_min: u32,
    due_by: Option<String>,
}

#[derive(Serialize)]
struct Line {
    speaker: Speaker,
    text: String,
}

/// Builds the webhook document of a call: one JSON object, described in the
/// crate documentation. Text is cleaned and bounded as for the email.
pub fn webhook_json(recap: &CallRecap) -> String {
    let (lines, omitted) = bounded_transcript(&recap.transcript);
    let escalation = Escalation {
        reason: field(recap.escalation.as_deref(), LABEL_CHARS),
        transferred_to: field(recap.transferred_to.as_deref(), NUMBER_CHARS),
    };
    let escalated = escalation.reason.is_some() || escalation.transferred_to.is_some();
    let document = Document {
        schema_version: SCHEMA_VERSION,
        call_id: recap.call_id,
        business: field(Some(&recap.business), LABEL_CHARS),
        line: field(Some(&recap.line), LABEL_CHARS),
        language: Lang::from_code(&recap.language).code(),
        started_at: local_time(recap.started_at),
        ended_at: recap.ended_at().map(local_time),
        duration_s: recap.duration_s,
        outcome: recap.outcome,
        caller: Caller {
            name: field(recap.name.as_deref(), NAME_CHARS),
            caller_id: field(recap.caller_id.as_deref(), NUMBER_CHARS),
            callback_number: field(recap.callback_number.as_deref(), NUMBER_CHARS),
            callback_confirmed: recap.callback_confirmed,
            language: field(recap.caller_language.as_deref(), LANGUAGE_CHARS),
        },
        intake: Intake {
            reason: field(recap.reason.as_deref(), REASON_CHARS),
            urgency: recap.urgency,
            message_taken: recap.message_taken,
        },
        booking: recap.booking.as_ref().map(|note| Booking {
            action: note.action,
            service: field(Some(&note.service), LABEL_CHARS),
            start: local_time(note.start),
            previous_start: note.previous_start.map(local_time),
        }),
        escalation: escalated.then_some(escalation),
        callback_promise: recap.callback_within_min.map(|minutes| CallbackPromise {
            within_min: minutes,
            due_by: recap.callback_due_by().map(local_time),
        }),
        transcript: lines
            .into_iter()
            .map(|(speaker, text)| Line { speaker, text })
            .collect(),
        transcript_omitted_lines: omitted,
        transcript_link: field(recap.transcript_link.as_deref(), LINK_CHARS),
    };
    // The serde_json 1 documentation of to_string lists two failures: map keys
    // that are not strings, and Serialize impls that fail. The document has neither.
    serde_json::to_string(&document).expect("the webhook document serializes")
}

/// Returns an ISO 8601 local date and time without offset:
/// `2024-05-14T10:30:00`.
fn local_time(at: PrimitiveDateTime) -> String {
    let year = at.year();
    let sign = if year < 0 { "-" } else { "" };
    format!(
        "{sign}{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        year.unsigned_abs(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}
