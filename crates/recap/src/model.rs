//! The facts of one call that a recap reports, and who receives it.

use std::fmt;

use serde::Serialize;
use standardiste_outbox::{mask_recipient, Channel};
use time::PrimitiveDateTime;

/// The facts of one finished call.
///
/// Free text (names, reasons, the transcript) comes from the caller or from
/// speech recognition and may contain anything. The functions of this crate
/// clean and bound it, so any value is accepted here.
#[derive(Clone, PartialEq, Eq)]
pub struct CallRecap {
    /// Row id of the call in the store.
    pub call_id: i64,
    /// Business name, as the profile gives it.
    pub business: String,
    /// Language code of the recap text: `en`, `fr`, `de` or `es`, optionally
    /// with a region such as `fr-BE`. Any other code gives English.
    pub language: String,
    /// ISO 639-1 code of the language the caller spoke.
    pub caller_language: Option<String>,
    /// Start of the call in the business's local time.
    pub started_at: PrimitiveDateTime,
    /// Length of the call, in seconds.
    pub duration_s: u64,
    /// Label of the phone line that took the call.
    pub line: String,
    pub outcome: Outcome,
    /// Caller's number as the network presented it, `None` when withheld.
    pub caller_id: Option<String>,
    /// Caller's name as they gave it.
    pub name: Option<String>,
    /// Number to call the caller back on, as they gave it.
    pub callback_number: Option<String>,
    /// Whether the caller confirmed `callback_number` when it was read back.
    pub callback_confirmed: bool,
    /// The caller's request, in their words or as the box summarised it.
    pub reason: Option<String>,
    pub urgency: Option<Urgency>,
    /// Reason the call was escalated, such as "emergency", "asked for a person",
    /// "angry caller", "VIP caller" or "pressed 0". `None` when it was not.
    pub escalation: Option<String>,
    /// Number the call was transferred to.
    pub transferred_to: Option<String>,
    /// Minutes within which the box promised the caller a callback.
    pub callback_within_min: Option<u32>,
    /// Whether the box took a message for the business.
    pub message_taken: bool,
    /// Change made to the appointment book during the call.
    pub booking: Option<BookingNote>,
    pub transcript: Vec<TranscriptLine>,
    /// Location of the full transcript for the owner: a URL or a file path.
    pub transcript_link: Option<String>,
}

impl CallRecap {
    /// Returns the end of the call, or `None` when the duration overflows the
    /// calendar.
    pub fn ended_at(&self) -> Option<PrimitiveDateTime> {
        let seconds = i64::try_from(self.duration_s).ok()?;
        self.started_at
            .checked_add(time::Duration::seconds(seconds))
    }

    /// Returns when the promised callback is due: the end of the call plus
    /// [`callback_within_min`](Self::callback_within_min). The promise is made
    /// during the call, so the real deadline may be a few minutes earlier.
    pub fn callback_due_by(&self) -> Option<PrimitiveDateTime> {
        let minutes = self.callback_within_min?;
        self.ended_at()?
            .checked_add(time::Duration::minutes(i64::from(minutes)))
    }
}

impl fmt::Debug for CallRecap {
    // Names, numbers and the transcript are personal data and stay out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallRecap")
            .field("call_id", &self.call_id)
            .field("language", &self.language)
            .field("started_at", &self.started_at)
            .field("duration_s", &self.duration_s)
            .field("outcome", &self.outcome)
            .field("urgency", &self.urgency)
            .field("escalated", &self.escalation.is_some())
            .field("booking", &self.booking.as_ref().map(|note| note.action))
            .field("transcript_lines", &self.transcript.len())
            .finish_non_exhaustive()
    }
}

/// Outcome of a call. The names match the `outcome` column of the calls table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The conversation ended with a goodbye and the box closed the call.
    Completed,
    CallerHungUp,
    /// The caller stayed silent after the box asked whether they were there.
    Silence,
    /// The call reached its maximum duration.
    TimeLimit,
    /// The process died during the call.
    Interrupted,
    /// The call stopped on an error the box could not recover from.
    Failed,
}

impl Outcome {
    /// Returns the name used in the webhook document.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::CallerHungUp => "caller_hung_up",
            Outcome::Silence => "silence",
            Outcome::TimeLimit => "time_limit",
            Outcome::Interrupted => "interrupted",
            Outcome::Failed => "failed",
        }
    }
}

/// Urgency of the caller's matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    Low,
    Normal,
    High,
    Emergency,
}

impl Urgency {
    /// Returns whether the recap flags the call: high or emergency.
    pub fn is_urgent(self) -> bool {
        self >= Urgency::High
    }
}

/// A change made to the appointment book during the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingNote {
    pub action: BookingAction,
    /// Service name, such as "Check-up".
    pub service: String,
    /// Start of the booked or moved appointment, or of the cancelled one, in
    /// the business's local time.
    pub start: PrimitiveDateTime,
    /// Start before the move, for [`BookingAction::Moved`].
    pub previous_start: Option<PrimitiveDateTime>,
}

/// Change the call made to an appointment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingAction {
    Booked,
    Cancelled,
    Moved,
}

/// One turn of the conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscriptLine {
    pub speaker: Speaker,
    pub text: String,
}

/// Speaker of a transcript line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Caller,
    /// The box.
    Receptionist,
}

/// Recipients of the recap of every call: the `[recap]` section of the
/// business profile.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Recipients {
    /// Phone numbers, written as the owner likes: spaces, dots, dashes,
    /// slashes and brackets are removed before sending.
    pub sms: Vec<String>,
    /// Email addresses.
    pub email: Vec<String>,
    /// `http://` or `https://` URLs that receive a JSON POST.
    pub webhook: Vec<String>,
}

impl fmt::Debug for Recipients {
    // Phone numbers and addresses are personal data; URLs may hold tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |channel: Channel, list: &[String]| -> Vec<String> {
            list.iter()
                .map(|recipient| mask_recipient(channel, recipient))
                .collect()
        };
        f.debug_struct("Recipients")
            .field("sms", &masked(Channel::Sms, &self.sms))
            .field("email", &masked(Channel::Email, &self.email))
            .field("webhook", &masked(Channel::Webhook, &self.webhook))
            .finish()
    }
}

/// The facts of an urgent alert: the text sent to the on-call number during
/// a call that needs a person when the box cannot transfer it.
#[derive(Clone, PartialEq, Eq)]
pub struct UrgentAlert {
    /// Row id of the call in progress.
    pub call_id: i64,
    /// Language code of the alert text, as for [`CallRecap::language`].
    pub language: String,
    pub name: Option<String>,
    pub callback_number: Option<String>,
    pub caller_id: Option<String>,
    pub reason: Option<String>,
    /// Reason the call needs a person, such as "emergency".
    pub escalation: Option<String>,
    /// Minutes within which the box promised the caller a callback.
    pub callback_within_min: Option<u32>,
}

impl fmt::Debug for UrgentAlert {
    // Names, numbers and reasons are personal data and stay out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrgentAlert")
            .field("call_id", &self.call_id)
            .field("language", &self.language)
            .field("escalated", &self.escalation.is_some())
            .field("callback_within_min", &self.callback_within_min)
            .finish_non_exhaustive()
    }
}
