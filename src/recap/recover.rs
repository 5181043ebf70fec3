//! Recaps of calls that a power cut or a crash left without one. Either the
//! call was cut mid-way (the store closes it as `interrupted` at the next
//! start), or it ended but the process died before its recap was queued. Each
//! recap is rebuilt from what the store kept and queued at start, before the
//! lines open.

use time::{OffsetDateTime, PrimitiveDateTime};

use standardiste_recap as compose;

use super::{queue_recap, Details, RecapFacts};
use crate::call::Engines;
use crate::profile::BusinessProfile;
use crate::store::{CallRow, IntakeRow, Store, StoreError};

/// Queues the recap of every ended call that has none yet, and returns how many calls had one queued.
pub async fn recover_recaps(engines: &Engines) -> usize {
    let profile = engines.current_profile().await;
    let store = engines.store.clone();
    let delivery = engines.config.delivery.clone();
    let now = engines.now();
    let result = tokio::task::spawn_blocking(move || -> Result<usize, StoreError> {
        let mut store = store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut queued = 0;
        for call_id in store.calls_awaiting_recap()? {
            // One call's bad row must not hold back the others' recaps.
            let facts = stored_facts(&store, &profile, call_id, delivery.link(call_id), now);
            match facts.and_then(|facts| queue_recap(&mut store, &profile, facts)) {
                Ok(_) => queued += 1,
                Err(error) => {
                    tracing::error!(call_id, %error, "failed to queue the recap of a call cut short; retried at the next start");
                }
            }
        }
        Ok(queued)
    })
    .await;
    match result {
        Ok(Ok(0)) => 0,
        Ok(Ok(calls)) => {
            tracing::warn!(calls, "queued the recaps of calls that a restart cut short");
            engines.wake_outbox();
            calls
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "failed to queue the recaps of calls cut short, so they are retried at the next start");
            0
        }
        Err(error) => {
            tracing::error!(%error, "the recap recovery task failed");
            0
        }
    }
}

/// Rebuilds a call's recap facts from its stored row. `now` is the local
/// time, which places the stored UTC start time in the business's time zone.
// NOTE: a transfer's target is not stored, so a recovered recap never names it.
fn stored_facts(
    store: &Store,
    profile: &BusinessProfile,
    call_id: i64,
    link: String,
    now: PrimitiveDateTime,
) -> Result<RecapFacts, StoreError> {
    let call = store.call(call_id)?;
    let intake = store.intake(call_id)?;
    let booking = match intake.booking_id {
        Some(id) => store.booking_summary(id)?.and_then(|(service, start, status)| booking_note(service, &start, &status)),
        None => None,
    };
    Ok(RecapFacts {
        call_id,
        outcome: outcome(&call.outcome),
        duration_ms: call.duration_ms.and_then(|ms| u64::try_from(ms).ok()).unwrap_or(0),
        language: call.language.clone().unwrap_or_else(|| profile.default_language().code().to_string()),
        details: details(intake, booking),
        transferred_to: None,
        link,
        started_at: local_start(&call, now),
    })
}

fn details(intake: IntakeRow, booking: Option<compose::BookingNote>) -> Details {
    Details {
        name: intake.caller_name,
        callback_number: intake.callback_number,
        callback_confirmed: intake.callback_confirmed,
        reason: intake.reason,
        urgency: intake.urgency.as_deref().and_then(urgency),
        escalation: intake.escalation,
        callback_promised: intake.callback_promised,
        message_taken: intake.message_taken,
        booking,
    }
}

/// Returns the call's start in local time: `now` less the time since the stored UTC start.
fn local_start(call: &CallRow, now: PrimitiveDateTime) -> PrimitiveDateTime {
    let started = OffsetDateTime::parse(&call.started_at, &time::format_description::well_known::Rfc3339);
    match started {
        Ok(started) => now - (OffsetDateTime::now_utc() - started),
        Err(_) => now,
    }
}

fn outcome(stored: &str) -> compose::Outcome {
    match stored {
        "completed" | "transferred" => compose::Outcome::Completed,
        "caller_hung_up" => compose::Outcome::CallerHungUp,
        "silence" => compose::Outcome::Silence,
        "time_limit" => compose::Outcome::TimeLimit,
        "failed" => compose::Outcome::Failed,
        // `interrupted`, and `in_progress` left by a crash.
        _ => compose::Outcome::Interrupted,
    }
}

fn urgency(stored: &str) -> Option<compose::Urgency> {
    match stored {
        "low" => Some(compose::Urgency::Low),
        "normal" => Some(compose::Urgency::Normal),
        "high" => Some(compose::Urgency::High),
        "emergency" => Some(compose::Urgency::Emergency),
        _ => None,
    }
}

/// Builds the recap's booking line from the stored booking (`start` is local `YYYY-MM-DD HH:MM`).
fn booking_note(service: String, start: &str, status: &str) -> Option<compose::BookingNote> {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let start = PrimitiveDateTime::parse(start, &format).ok()?;
    let action = if status == "cancelled" { compose::BookingAction::Cancelled } else { compose::BookingAction::Booked };
    Some(compose::BookingNote { action, service, start, previous_start: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_outcomes_map_to_recap_outcomes() {
        assert_eq!(outcome("caller_hung_up"), compose::Outcome::CallerHungUp);
        assert_eq!(outcome("transferred"), compose::Outcome::Completed);
        assert_eq!(outcome("interrupted"), compose::Outcome::Interrupted);
        assert_eq!(outcome("in_progress"), compose::Outcome::Interrupted);
    }

    #[test]
    fn stored_booking_becomes_a_note() {
        let note = booking_note("Check-up".into(), "2026-12-07 09:30", "confirmed").unwrap();
        assert_eq!(note.action, compose::BookingAction::Booked);
        assert_eq!(note.start.hour(), 9);
        let cancelled = booking_note("Check-up".into(), "2026-12-07 09:30", "cancelled").unwrap();
        assert_eq!(cancelled.action, compose::BookingAction::Cancelled);
        assert!(booking_note("Check-up".into(), "next week", "confirmed").is_none());
        assert_eq!(urgency("emergency"), Some(compose::Urgency::Emergency));
        assert_eq!(urgency("??"), None);
    }
}
