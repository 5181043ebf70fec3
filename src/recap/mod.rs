//! Messages from the box to the business: a recap after every call, and an urgent
//! text to the on-call contact during a call it cannot transfer. Both are
//! queued in the call database's outbox, which sends them by SMS through a
//! GSM line, by e-mail and by webhook, retrying until each is accepted.

mod recover;
pub mod settings;
pub mod sms;

pub use recover::recover_recaps;

use std::sync::Arc;

use standardiste_recap as compose;

use crate::agent::dialogue::{Effect, Intake};
use crate::agent::understand::Urgency;
use crate::call::{CallSummary, Engines};
use crate::profile::BusinessProfile;
use crate::store::{CallOutcome, Speaker, Store, StoreError};

/// An urgent caller the box could not put through.
#[derive(Debug, Clone)]
pub struct UrgentAlert {
    pub call_id: i64,
    /// Reason for the escalation, such as "emergency".
    pub why: String,
    pub intake: Intake,
    /// The caller ID, when the network gave one.
    pub caller_id: Option<String>,
    pub callback_within_min: u32,
}

/// Numbers that receive urgent alerts: staff marked on call, or the recap's
/// text recipients when nobody is.
pub fn on_call_numbers(profile: &BusinessProfile) -> Vec<String> {
    let on_call: Vec<String> = profile
        .staff
        .iter()
        .filter(|member| member.on_call)
        .filter_map(|member| member.phone.clone())
        .collect();
    if on_call.is_empty() {
        profile.recap.sms.clone()
    } else {
        on_call
    }
}

/// Queues the alert for every on-call number; returns how many were new.
pub fn queue_alert(store: &mut Store, profile: &BusinessProfile, alert: &UrgentAlert) -> Result<usize, StoreError> {
    let details = compose::UrgentAlert {
        call_id: alert.call_id,
        language: profile.default_language().code().to_string(),
        name: alert.intake.name.clone(),
        callback_number: alert.intake.number.clone(),
        caller_id: alert.caller_id.clone(),
        reason: alert.intake.reason.clone(),
        escalation: Some(alert.why.clone()),
        callback_within_min: Some(alert.callback_within_min),
    };
    let items: Vec<_> = on_call_numbers(profile)
        .iter()
        .map(|number| compose::urgent_alert(&details, number))
        .collect();
    if items.is_empty() {
        tracing::warn!(call_id = alert.call_id, "no on-call number and no recap text recipient: the urgent alert goes nowhere");
    }
    store.queue_deliveries(&items)
}

/// Queues the recap of a finished call for the profile's recipients, then
/// applies retention (a recording kept 0 days goes now, after the recap has
/// its transcript) and wakes the outbox.
pub async fn after_call(engines: &Engines, profile: Arc<BusinessProfile>, summary: &CallSummary) {
    let store = engines.store.clone();
    let call_id = summary.call_id;
    let facts = RecapFacts::of(summary, engines.config.delivery.link(call_id), engines.now());
    let queued = tokio::task::spawn_blocking(move || -> Result<usize, StoreError> {
        let mut store = store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let queued = queue_recap(&mut store, &profile, facts)?;
        crate::retention::sweep(&mut store, &profile, time::OffsetDateTime::now_utc())?;
        Ok(queued)
    })
    .await;
    match queued {
        Ok(Ok(items)) => {
            tracing::info!(call_id, items, "recap queued");
            engines.wake_outbox();
        }
        Ok(Err(error)) => tracing::error!(call_id, %error, "cannot queue the call's recap"),
        Err(error) => tracing::error!(call_id, %error, "the recap task failed"),
    }
}

/// Queues the recap of `facts` and clears its call's pending-recap mark, in one transaction.
fn queue_recap(store: &mut Store, profile: &BusinessProfile, facts: RecapFacts) -> Result<usize, StoreError> {
    let call_id = facts.call_id;
    let recap = facts.recap(store, profile)?;
    let recipients = compose::Recipients {
        sms: profile.recap.sms.clone(),
        email: profile.recap.email.clone(),
        webhook: profile.recap.webhook.clone(),
    };
    store.queue_recap(call_id, &compose::deliveries(&recap, &recipients))
}

/// The parts of a recap known when the call ends; the rest is read from the store.
struct RecapFacts {
    call_id: i64,
    outcome: compose::Outcome,
    duration_ms: u64,
    language: String,
    details: Details,
    transferred_to: Option<String>,
    link: String,
    started_at: time::PrimitiveDateTime,
}

/// The caller's details that the receptionist took, in the recap's terms.
struct Details {
    name: Option<String>,
    callback_number: Option<String>,
    callback_confirmed: bool,
    reason: Option<String>,
    urgency: Option<compose::Urgency>,
    escalation: Option<String>,
    callback_promised: bool,
    message_taken: bool,
    booking: Option<compose::BookingNote>,
}

impl Details {
    fn of(intake: &Intake, effects: &[Effect]) -> Details {
        Details {
            name: intake.name.clone(),
            callback_number: intake.number.clone(),
            callback_confirmed: intake.number_confirmed,
            reason: intake.reason.clone(),
            urgency: intake.urgency.map(urgency),
            escalation: intake.escalation.map(|why| why.as_str().to_string()),
            callback_promised: intake.callback_promised,
            message_taken: intake.message,
            booking: booking_note(effects),
        }
    }
}

impl RecapFacts {
    fn of(summary: &CallSummary, link: String, ended_at: time::PrimitiveDateTime) -> RecapFacts {
        let duration = time::Duration::milliseconds(i64::try_from(summary.duration_ms).unwrap_or(i64::MAX));
        RecapFacts {
            call_id: summary.call_id,
            outcome: outcome(summary.outcome),
            duration_ms: summary.duration_ms,
            language: summary.language.clone(),
            details: Details::of(&summary.intake, &summary.effects),
            transferred_to: summary.transferred_to.clone(),
            link,
            started_at: ended_at - duration,
        }
    }

    fn recap(self, store: &Store, profile: &BusinessProfile) -> Result<compose::CallRecap, StoreError> {
        let call = store.call(self.call_id)?;
        let keep_transcript = profile.recording.keep_transcripts;
        let transcript = if keep_transcript {
            store
                .turns(self.call_id)?
                .into_iter()
                .map(|turn| compose::TranscriptLine {
                    speaker: if turn.speaker == Speaker::Caller.as_str() {
                        compose::Speaker::Caller
                    } else {
                        compose::Speaker::Receptionist
                    },
                    text: turn.text,
                })
                .collect()
        } else {
            Vec::new()
        };
        let details = self.details;
        Ok(compose::CallRecap {
            call_id: self.call_id,
            business: profile.name.clone(),
            language: profile.default_language().code().to_string(),
            caller_language: Some(self.language),
            started_at: self.started_at,
            duration_s: self.duration_ms / 1_000,
            line: call.line,
            outcome: self.outcome,
            caller_id: call.caller_number,
            name: details.name,
            callback_number: details.callback_number,
            callback_confirmed: details.callback_confirmed,
            reason: details.reason,
            urgency: details.urgency,
            escalation: details.escalation,
            transferred_to: self.transferred_to,
            callback_within_min: details.callback_promised.then_some(profile.escalation.callback_within_min),
            message_taken: details.message_taken,
            booking: details.booking,
            transcript,
            transcript_link: keep_transcript.then_some(self.link),
        })
    }
}

/// Converts a call's outcome for the recap. A transferred call shows as
/// completed, with the number it went to.
fn outcome(outcome: CallOutcome) -> compose::Outcome {
    match outcome {
        CallOutcome::Completed | CallOutcome::Transferred | CallOutcome::InProgress => compose::Outcome::Completed,
        CallOutcome::CallerHungUp => compose::Outcome::CallerHungUp,
        CallOutcome::Silence => compose::Outcome::Silence,
        CallOutcome::TimeLimit => compose::Outcome::TimeLimit,
        CallOutcome::Interrupted => compose::Outcome::Interrupted,
        CallOutcome::Failed => compose::Outcome::Failed,
    }
}

fn urgency(urgency: Urgency) -> compose::Urgency {
    match urgency {
        Urgency::Low => compose::Urgency::Low,
        Urgency::Normal => compose::Urgency::Normal,
        Urgency::High => compose::Urgency::High,
        Urgency::Emergency => compose::Urgency::Emergency,
    }
}

/// Returns the last change the call made to the appointment book.
fn booking_note(effects: &[Effect]) -> Option<compose::BookingNote> {
    effects.iter().rev().find_map(|effect| match effect {
        Effect::Booked(appointment) => Some(compose::BookingNote {
            action: compose::BookingAction::Booked,
            service: appointment.service.clone(),
            start: appointment.start,
            previous_start: None,
        }),
        Effect::Cancelled(appointment) => Some(compose::BookingNote {
            action: compose::BookingAction::Cancelled,
            service: appointment.service.clone(),
            start: appointment.start,
            previous_start: None,
        }),
        Effect::Moved { from, to } => Some(compose::BookingNote {
            action: compose::BookingAction::Moved,
            service: to.service.clone(),
            start: to.start,
            previous_start: Some(from.start),
        }),
        _ => None,
    })
}
