//! Recaps of finished calls for the business's recipients: the facts of one
//! call ([`CallRecap`]) become an SMS text, an email and a JSON document, and
//! [`deliveries`] turns them into outbox items, one per recipient.
//! [`urgent_alert`] builds the SMS sent to the on-call number during a call
//! that needs a person when the box cannot transfer it.
//!
//! The texts are written in English, French, German or Spanish, as
//! [`CallRecap::language`] selects. Free text (names, reasons, the transcript)
//! may contain anything, so every output cleans it first: control characters
//! and line breaks become spaces, invisible direction marks are removed, and
//! each field is cut to a maximum length with a final `…`. A missing value
//! reads as a phrase such as "name not given", never as an empty field.
//!
//! # SMS
//!
//! [`sms_text`] gives one line that fits [`MAX_SMS_PARTS`] parts; see the
//! `sms` module for how it shortens a long text.
//!
//! # Email
//!
//! [`email`] gives a subject such as `[URGENT] Call from Alex Martin: broken
//! tooth` and a plain-text body with every fact, then the transcript with
//! speaker labels, then the link. The body keeps at most 100,000 characters
//! of transcript and notes how many lines it left out.
//!
//! # Webhook document
//!
//! [`webhook_json`] gives one JSON object. Times are the business's local
//! time in ISO 8601 without offset, such as `2024-05-14T10:30:00`. Text
//! fields are cleaned as above, and a blank or missing value is `null`.
//!
//! | Field | Type | Meaning |
//! |---|---|---|
//! | `schema_version` | number | [`SCHEMA_VERSION`], 1 for this layout |
//! | `call_id` | number | row id of the call on the box |
//! | `business` | string or null | business name |
//! | `line` | string or null | label of the line that took the call |
//! | `language` | string | `en`, `fr`, `de` or `es`: the language of the texts, such as the envelope's `subject` |
//! | `started_at` | string | start of the call |
//! | `ended_at` | string or null | end of the call, null when it overflows the calendar |
//! | `duration_s` | number | length of the call in seconds |
//! | `outcome` | string | `completed`, `caller_hung_up`, `silence`, `time_limit`, `interrupted` or `failed` |
//! | `caller.name` | string or null | name the caller gave |
//! | `caller.caller_id` | string or null | number the network presented, null when withheld |
//! | `caller.callback_number` | string or null | number the caller gave for a callback |
//! | `caller.callback_confirmed` | bool | whether the caller confirmed that number |
//! | `caller.language` | string or null | ISO 639-1 code of the language the caller spoke |
//! | `intake.reason` | string or null | what the caller wants |
//! | `intake.urgency` | string or null | `low`, `normal`, `high` or `emergency` |
//! | `intake.message_taken` | bool | whether the box took a message |
//! | `booking` | object or null | change made to the appointment book, null when none |
//! | `booking.action` | string | `booked`, `cancelled` or `moved` |
//! | `booking.service` | string or null | service name |
//! | `booking.start` | string | start of the booked, moved or cancelled appointment |
//! | `booking.previous_start` | string or null | start before a move |
//! | `escalation` | object or null | null when the call was neither escalated nor transferred |
//! | `escalation.reason` | string or null | why, such as `emergency` or `asked for a person` |
//! | `escalation.transferred_to` | string or null | number the call was transferred to |
//! | `callback_promise` | object or null | null when the box promised no callback |
//! | `callback_promise.within_min` | number | minutes promised |
//! | `callback_promise.due_by` | string or null | end of the call plus `within_min` |
//! | `transcript` | array | the turns in order, as objects `{"speaker", "text"}` |
//! | `transcript[].speaker` | string | `caller` or `receptionist` |
//! | `transcript[].text` | string | one line, at most 2,000 characters |
//! | `transcript_omitted_lines` | number | lines left out past 100,000 characters of transcript |
//! | `transcript_link` | string or null | where the owner reads the full transcript |
//!
//! Names are cut to 200 characters, reasons to 2,000, numbers to 40, and the
//! business, line, service and escalation to 200.
//!
//! # Idempotency keys
//!
//! Every item's key depends only on the call id, the kind of text, the
//! channel and the recipient, so building the items again after a crash
//! gives the same keys and the outbox stores and sends each item once. See
//! [`recap_key`] for the format.

mod clean;
mod deliveries;
mod email;
mod lang;
mod model;
mod sms;
mod webhook;

pub use deliveries::{deliveries, recap_key, urgent_alert};
pub use email::{email, Email};
pub use model::{
    BookingAction, BookingNote, CallRecap, Outcome, Recipients, Speaker, TranscriptLine, Urgency,
    UrgentAlert,
};
pub use sms::{sms_text, MAX_SMS_PARTS};
pub use standardiste_outbox::{Channel, NewDelivery};
pub use webhook::{webhook_json, SCHEMA_VERSION};
